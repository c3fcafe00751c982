import { describe, expect, it } from "vitest";
import { ACTION_IDS } from "../../../src/adapters/slack/ids.js";
import type { CardModel } from "../../../src/adapters/slack/views/card-model.js";
import { detailsPages, renderDetailsModal } from "../../../src/adapters/slack/views/details-modal.js";
import { renderReadinessCard } from "../../../src/adapters/slack/views/readiness-card.js";
import type { Check } from "../../../src/domain/readiness.js";
import { checkMessage, checkView } from "../../helpers/slack.js";

const DIGEST = `sha256:4f2a${"0".repeat(57)}c91`;

function model(overrides: Partial<CardModel> = {}, checks: Check[] = []): CardModel {
  return {
    artifact: {
      name: "checkout-api",
      digest: DIGEST,
      version: "1.4.2",
      commit: "9fceb02d0ae598e95dc970b74767f19372d61af8",
      firstSeenAt: new Date(0),
    },
    environment: "prod",
    readiness: {
      environment: "prod",
      digest: DIGEST,
      verdict: "ready",
      checks,
      contractRevision: `sha256:${"a".repeat(64)}`,
      evaluatedAt: new Date(0),
    },
    ...overrides,
  };
}

const passed = (i: number): Check => ({
  id: `evidence:test-${i}`,
  status: "passed",
  reason: `\`test-${i}\` passed on sha256:4f2a…c91 (run ${i})`,
});

function drift(keys: number) {
  const differences = Array.from({ length: keys }, (_, i) => ({
    category: "feature_flags",
    key: `flag-${i}`,
    kind: "changed" as const,
    here: true,
    there: false,
  }));
  return {
    categories: [{ category: "feature_flags", differences, allowed: 2, overBudget: keys > 2 }],
    totalDifferences: keys,
    overBudget: keys > 2,
  };
}

const actionIds = (blocks: unknown) =>
  [...JSON.stringify(blocks).matchAll(/"action_id":"([^"]+)"/g)].map((m) => m[1]);

describe("readiness card", () => {
  it("shows identity, verdict, one line per check and the buttons for the state", () => {
    const card = renderReadinessCard(
      model({}, [
        passed(1),
        { id: "evidence:e2e", status: "failed", reason: "`e2e` failed (run 8812)" },
        { id: "artifact:soak", status: "waiting", reason: "soaked 3h of 24h" },
        { id: "drift", status: "stale", reason: "snapshot of prod is 30h old" },
      ]),
    );
    const text = JSON.stringify(card.blocks);
    expect(text).toContain("checkout-api → prod");
    expect(text).toContain("sha256:4f2a…c91");
    expect(text).toContain("v1.4.2");
    expect(text).toContain("commit `9fceb02`");
    expect(text.indexOf("❌ *e2e*")).toBeLessThan(text.indexOf("✅ *test-1*"));
    expect(text).toContain("⏳ *artifact:soak*");
    expect(text).toContain("⚠️ *drift*");
    expect(actionIds(card.blocks)).toEqual([ACTION_IDS.promotionRequest, ACTION_IDS.readinessDetails]);
  });

  it("offers Approve and Reject with confirmation while a promotion is open, and no Request button", () => {
    const card = renderReadinessCard(
      model({
        promotion: {
          id: "p1",
          kind: "promotion",
          state: "requested",
          requestedBy: "U0BOB",
          approvedBy: ["U0ALICE"],
          required: 2,
        },
      }),
    );
    expect(actionIds(card.blocks)).toEqual([
      ACTION_IDS.promotionApprove,
      ACTION_IDS.promotionReject,
      ACTION_IDS.readinessDetails,
    ]);
    const text = JSON.stringify(card.blocks);
    expect(text.match(/"deny":\{/g)).toHaveLength(2);
    expect(text).toContain("approvals 1 of 2: <@U0ALICE>");
  });

  it("shows a typed reason as text: a mention or @channel in it stays inert, and it is cut to 300", () => {
    const promotion = {
      id: "p1",
      kind: "promotion" as const,
      state: "requested",
      requestedBy: "U0BOB",
      reason: `hi <@U0ALICE> <!channel> ${"x".repeat(1000)}`,
      approvedBy: [],
      required: 2,
    };
    const text = JSON.stringify(renderReadinessCard(model({ promotion })).blocks);
    expect(text).toContain("because hi &lt;@U0ALICE&gt; &lt;!channel&gt;");
    expect(text).not.toContain("<@U0ALICE>");
    expect(text).not.toContain("x".repeat(300));
  });

  it("leaves out the approvals of a promotion that needs none", () => {
    const promotion = {
      id: "p1",
      kind: "promotion" as const,
      state: "approved",
      requestedBy: "U0BOB",
      approvedBy: [],
      required: 0,
    };
    expect(JSON.stringify(renderReadinessCard(model({ promotion })).blocks)).not.toContain(
      "approvals 0 of 0",
    );
  });

  it("warns on an approved card while its deploy hook keeps failing", () => {
    const nextAttemptAt = new Date("2026-03-02T10:05:00Z");
    const approved = {
      id: "p1",
      kind: "promotion" as const,
      state: "approved",
      requestedBy: "U0BOB",
      approvedBy: ["U0ALICE", "U0CAROL"],
      required: 2,
    };
    const failing = JSON.stringify(
      renderReadinessCard(
        model({
          promotion: {
            ...approved,
            handOffFailing: { attempts: 3, error: "HTTP 503 from cd.example.com", nextAttemptAt },
          },
        }),
      ).blocks,
    );
    expect(failing).toContain(":warning: Deploy hook failing (3 attempts): HTTP 503 from cd.example.com");
    expect(failing).toContain(`<!date^${nextAttemptAt.getTime() / 1000}^`);
    expect(JSON.stringify(renderReadinessCard(model({ promotion: approved })).blocks)).not.toContain(
      "Deploy hook failing",
    );
  });

  it("says Deployed loudly, with when and by which promotion, and offers no Request button", () => {
    const at = new Date("2026-03-02T10:00:00Z");
    const card = renderReadinessCard(
      model({
        deployment: { state: "deployed", at, promotionId: "prom_42" },
        promotion: {
          id: "prom_42",
          kind: "promotion",
          state: "deployed",
          requestedBy: "U0BOB",
          approvedBy: ["U0ALICE", "U0CAROL"],
          required: 2,
        },
      }),
    );
    const [header, status] = card.blocks;
    expect(JSON.stringify(header)).toContain("🎉 checkout-api → prod · deployed");
    expect(JSON.stringify(status)).toContain(
      `*🎉 Deployed to prod at <!date^${at.getTime() / 1000}^{date_short_pretty} {time}|2026-03-02T10:00:00.000Z> by promotion \`prom_42\`*`,
    );
    expect(card.text).toContain("prod: deployed");
    expect(actionIds(card.blocks)).toEqual([ACTION_IDS.readinessDetails]);
    expect(checkMessage(card).error).toBeUndefined();
  });

  it("says what replaced a deployed digest and when, and offers no Request button", () => {
    const replacement = `sha256:9b1d${"0".repeat(57)}e07`;
    const replaced = (extra: Partial<CardModel> = {}) =>
      renderReadinessCard(
        model({
          deployment: {
            state: "replaced",
            at: new Date("2026-03-01T00:00:00Z"),
            replacedBy: { digest: replacement, at: new Date("2026-03-02T00:00:00Z") },
          },
          ...extra,
        }),
      );
    const card = replaced();
    const text = JSON.stringify(card.blocks);
    expect(text).toContain("checkout-api → prod");
    expect(text).not.toContain("🎉");
    expect(text).toContain("*Replaced by `sha256:9b1d…e07` at <!date^1772409600^");
    expect(card.text).toContain("replaced by sha256:9b1d…e07");
    expect(actionIds(card.blocks)).toEqual([ACTION_IDS.readinessDetails]);
    // Replaced again since: the header also says what runs there now.
    const later = `sha256:4c2a${"0".repeat(57)}f11`;
    const again = replaced({
      running: { name: "checkout-api", digest: later, since: new Date("2026-03-03T00:00:00Z") },
    });
    expect(JSON.stringify(again.blocks)).toContain("*Replaced by `sha256:9b1d…e07` at <!date^1772409600^");
    expect(JSON.stringify(again.blocks)).toContain("(now `sha256:4c2a…f11`)");
  });

  it("offers no Request button while an approved promotion is on its way", () => {
    const card = renderReadinessCard(
      model({
        promotion: {
          id: "p1",
          kind: "promotion",
          state: "deploying",
          requestedBy: "U0BOB",
          approvedBy: ["U0ALICE"],
          required: 1,
        },
      }),
    );
    expect(actionIds(card.blocks)).toEqual([ACTION_IDS.readinessDetails]);
  });
  it("summarises 80 checks and 500 drift keys on the card and lists them all in Details", () => {
    const checks = Array.from({ length: 80 }, (_, i) => passed(i));
    const big = model({ driftAgainst: "staging", drift: drift(500) }, checks);
    const card = renderReadinessCard(big);
    expect(checkMessage(card).error).toBeUndefined();
    expect(JSON.stringify(card.blocks)).toMatch(/and 6\d more — see Details/);
    expect(JSON.stringify(card.blocks)).toContain("feature_flags 500/2 ❌");

    const pages = detailsPages(big);
    const all = pages.map((_, page) => renderDetailsModal(big, page));
    for (const view of all) expect(checkView(view).error).toBeUndefined();
    const text = JSON.stringify(all.map((v) => v.blocks));
    for (let i = 0; i < 80; i++) expect(text).toContain(`*test-${i}*`);
    for (let i = 0; i < 500; i++) expect(text).toContain(`feature_flags.flag-${i}\``);
  });

  it("pages the Details modal when it would pass 100 blocks", () => {
    const huge = model({ driftAgainst: "staging", drift: drift(8000) }, []);
    const pages = detailsPages(huge);
    expect(pages.length).toBeGreaterThan(1);
    const first = renderDetailsModal(huge, 0);
    const last = renderDetailsModal(huge, pages.length - 1);
    expect(first.blocks.length).toBeLessThanOrEqual(100);
    expect(checkView(first).error).toBeUndefined();
    expect(checkView(last).error).toBeUndefined();
    expect(JSON.stringify(first.blocks)).toContain(`Page 1 of ${pages.length}`);
    expect(JSON.stringify(first.blocks)).toContain('"text":"Next"');
    expect(JSON.stringify(last.blocks)).toContain('"text":"Previous"');
    const text = JSON.stringify(pages.map((_, p) => renderDetailsModal(huge, p).blocks));
    expect(text).toContain("flag-7999");
  });
});
