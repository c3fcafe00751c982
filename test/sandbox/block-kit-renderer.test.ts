/**
 * The page's Block Kit renderer on what the bot really sends: readiness cards (with a live
 * promotion, at Slack's limits, with hostile text), the Details modal, the App Home tab and the
 * drift digest — rendered by the bot's own pure views, then by the page's renderer.
 */
import { describe, expect, it } from "vitest";
import { renderAppHome } from "../../src/adapters/slack/views/app-home.js";
import type { CardModel } from "../../src/adapters/slack/views/card-model.js";
import { renderDetailsModal } from "../../src/adapters/slack/views/details-modal.js";
import { renderDriftDigest } from "../../src/adapters/slack/views/drift-digest.js";
import { renderReadinessCard } from "../../src/adapters/slack/views/readiness-card.js";
import { buildDriftReport } from "../../src/domain/drift-report.js";
import type { Check } from "../../src/domain/readiness.js";
import { renderBlocks, renderMessage, renderView } from "../../src/sandbox/public/block-kit.js";
import { checkMessage, checkView } from "../../src/sandbox/slack-emulator/index.js";
import { actionsOf, find, tagsOf, textOf } from "./render-tree.js";

const EVIL = "<img src=x onerror=alert(1)>";
const DIGEST = `sha256:${"4f2a".repeat(16)}`;
const now = new Date("2026-11-27T10:00:00Z");
const ctx = { users: { U0TGREQ01: "Riley", U0TGAPP01: "Alex" }, channels: {} };

function model(checks: Check[], extra: Partial<CardModel> = {}): CardModel {
  return {
    artifact: {
      name: "checkout-api",
      digest: DIGEST,
      version: "1.4.2",
      commit: "9fceb02d0ae598e95dc970b74767f19372d61af8",
      firstSeenAt: now,
    },
    environment: "prod",
    readiness: {
      environment: "prod",
      digest: DIGEST,
      verdict: "blocked",
      checks,
      contractRevision: `sha256:${"cd".repeat(32)}`,
      evaluatedAt: now,
    },
    ...extra,
  };
}

const CHECKS: Check[] = [
  { id: "evidence:e2e", status: "failed", reason: "`e2e` failed on sha256:4f2a…c91 (run 8812)" },
  { id: "evidence:unit", status: "passed", reason: "`unit` passed" },
  { id: "artifact:soak", status: "pending", reason: "soaking 2h of 24h in staging" },
];

const requested = {
  id: "prom_1",
  kind: "promotion" as const,
  state: "requested",
  requestedBy: "U0TGREQ01",
  approvedBy: ["U0TGAPP01"],
  required: 2,
};

describe("Block Kit renderer on the bot's readiness card", () => {
  const card = renderReadinessCard(model(CHECKS, { promotion: requested }));
  const nodes = renderBlocks(card.blocks, ctx);

  it("shows the header, verdict, every check line and the promotion line with names", () => {
    expect(checkMessage(card).error).toBeUndefined();
    const text = textOf(nodes);
    expect(textOf(nodes[0]!)).toBe("checkout-api → prod");
    expect(text).toContain("❌ Blocked for prod");
    expect(text).toContain("❌ e2e — e2e failed on sha256:4f2a…c91 (run 8812)");
    expect(text).toContain("⏳ artifact:soak — soaking 2h of 24h in staging");
    expect(text).toContain("by @Riley");
    expect(text).toContain("approvals 1 of 2: @Alex");
    expect(find(nodes, (n) => n.tag === "strong").length).toBeGreaterThan(0);
  });

  it("renders Approve and Reject with their styles and confirmation dialogs, and Details", () => {
    const actions = actionsOf(nodes);
    expect(actions.map((a) => a.actionId)).toEqual([
      "promotion.approve",
      "promotion.reject",
      "readiness.details",
    ]);
    expect(actions[0]?.confirm).toMatchObject({ title: "Approve?", confirm: "Approve", deny: "Cancel" });
    expect(actions[1]?.confirm?.title).toBe("Reject?");
    expect(actions[2]?.confirm).toBeUndefined();
    const buttons = find(nodes, (n) => n.tag === "button");
    expect(buttons.map((b) => b.attrs?.class)).toEqual(["btn primary", "btn danger", "btn"]);
    expect(JSON.parse(actions[0]?.value ?? "{}")).toMatchObject({
      digest: DIGEST,
      environment: "prod",
      promotionId: "prom_1",
    });
  });

  it("renders a message with author, app badge, edited mark and reply count", () => {
    const message = {
      ts: "1795773600.000100",
      thread_ts: "1795773600.000100",
      reply_count: 3,
      user: "U0TOLLGATE",
      bot_id: "B1",
      edited: { user: "U0TOLLGATE", ts: "1" },
      blocks: card.blocks,
    };
    const node = renderMessage(message, { users: { U0TOLLGATE: "Tollgate" } });
    const text = textOf(node);
    expect(text.startsWith("TollgateAPP10:00(edited)")).toBe(true);
    expect(actionsOf([node]).at(-1)).toEqual({ openThread: "1795773600.000100" });
    expect(text.endsWith("3 replies")).toBe(true);
  });
});

describe("Block Kit renderer at Slack's limits", () => {
  const many: Check[] = Array.from({ length: 80 }, (_, i) => ({
    id: `evidence:check-${i}-${"x".repeat(40)}`,
    status: i % 3 === 0 ? "failed" : "passed",
    reason: `${"long reason ".repeat(20)}${i}`,
  }));

  it("renders a card summarising 80 checks within the message limits", () => {
    const card = renderReadinessCard(model(many));
    expect(checkMessage(card).error).toBeUndefined();
    const nodes = renderBlocks(card.blocks, ctx);
    expect(nodes).toHaveLength(card.blocks.length);
    expect(textOf(nodes)).toMatch(/\d+ more/);
    expect(tagsOf(nodes)).not.toContain("img");
  });

  it("renders every page of the Details modal for 80 checks", () => {
    const first = renderDetailsModal(model(many), 0);
    expect(checkView(first).error).toBeUndefined();
    const view = renderView(first, ctx);
    expect(view.title.length).toBeGreaterThan(0);
    expect(view.body.length).toBe(first.blocks.length);
    expect(textOf(view.body)).toContain("check-0-");
  });

  it("renders the App Home with many artifacts and a 100-block view", () => {
    const rows = Array.from({ length: 150 }, (_, i) => ({
      artifact: { name: `svc-${i}`, digest: `sha256:${i.toString(16).padStart(64, "0")}`, firstSeenAt: now },
      verdicts: [
        { environment: "dev", verdict: "ready" as const },
        { environment: "prod", verdict: "running" as const },
      ],
    }));
    const home = renderAppHome({ environments: ["dev", "prod"], rows, more: true, generatedAt: now });
    expect(checkView(home).error).toBeUndefined();
    const view = renderView(home, ctx);
    expect(view.body).toHaveLength(home.blocks.length);
    expect(textOf(view.body)).toContain("svc-0");
  });

  it("renders a drift digest with 500 differing keys", () => {
    const flags = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`flag-${i}`, true]));
    const report = buildDriftReport({
      environment: "prod",
      compareTo: "staging",
      policy: {
        compareTo: "staging",
        allow: { feature_flags: 2 },
        ignore: [],
        normalize: {},
        maxSnapshotAgeMs: 86_400_000,
      },
      here: { id: "a", environment: "prod", takenAt: now, config: { feature_flags: flags } },
      there: { id: "b", environment: "staging", takenAt: now, config: { feature_flags: {} } },
      now,
    });
    const digest = renderDriftDigest(report);
    expect(checkMessage(digest).error).toBeUndefined();
    const text = textOf(renderBlocks(digest.blocks, ctx));
    expect(text).toContain("feature_flags");
    expect(text).toContain("flag-0");
  });
});

describe("Block Kit renderer never turns payload text into markup", () => {
  it("keeps a hostile evidence name as text on a card", () => {
    const checks: Check[] = [
      { id: `evidence:${EVIL}`, status: "failed", reason: `${EVIL} failed (<javascript:alert(1)|run>)` },
    ];
    const card = renderReadinessCard(model(checks));
    const nodes = renderBlocks(card.blocks, ctx);
    expect(textOf(nodes)).toContain(`❌ ${EVIL} — ${EVIL} failed`);
    expect(tagsOf(nodes)).not.toContain("img");
    expect(tagsOf(nodes)).not.toContain("a");
  });

  it("keeps hostile plain_text, fields and image URLs inert", () => {
    const nodes = renderBlocks(
      [
        { type: "header", text: { type: "plain_text", text: EVIL } },
        {
          type: "section",
          fields: [
            { type: "plain_text", text: EVIL },
            { type: "mrkdwn", text: `*${EVIL}*` },
          ],
        },
        { type: "image", image_url: "javascript:alert(1)", alt_text: EVIL },
        {
          type: "context",
          elements: [{ type: "image", image_url: "https://example.com/a.png", alt_text: EVIL }],
        },
        {
          type: "actions",
          elements: [
            {
              type: "button",
              text: { type: "plain_text", text: EVIL },
              action_id: "x",
              url: "javascript:alert(1)",
            },
          ],
        },
        { type: "marquee", text: EVIL },
      ],
      ctx,
    );
    const images = find(nodes, (n) => n.tag === "img");
    expect(images.map((i) => i.attrs?.src)).toEqual(["https://example.com/a.png"]);
    expect(images[0]?.attrs?.alt).toBe(EVIL);
    expect(actionsOf(nodes)[0]?.url).toBeUndefined();
    expect(textOf(nodes)).toContain(`${EVIL}${EVIL}`);
    expect(textOf(nodes)).toContain("[unsupported block: marquee]");
  });
});
