/**
 * The prod card through a promotion's life, end to end through the Slack emulator: Request while
 * ready, Approve/Reject (with confirmation) and no Request while open, one thread event per
 * approval, and a loud "Deployed" with no buttons to act on once the deployment is reported.
 */
import { afterEach, describe, expect, it } from "vitest";
import { ACTION_IDS } from "../../src/adapters/slack/ids.js";
import {
  CHANNELS,
  type PromotionHarness,
  startPromotionHarness,
  USERS,
} from "../helpers/promotion-harness.js";

describe("the card and its thread through a promotion", () => {
  let h: PromotionHarness;
  afterEach(async () => h?.close());

  const threadTexts = (ts: string) => h.emulator.thread(CHANNELS.prod.id, ts).map((m) => m.text);

  it("posts every approval to the thread and ends on a Deployed card without Request", async () => {
    h = await startPromotionHarness();
    const digest = await h.readyArtifact(1);
    await h.until(() => h.card(digest)?.text.includes(ACTION_IDS.promotionRequest) ?? false);

    await h.promote(USERS.requester, `svc-1@${digest} to prod because release 1`);
    await h.until(() => h.card(digest)?.text.includes(ACTION_IDS.promotionApprove) ?? false);
    const open = h.card(digest)!;
    expect(open.text).toContain(ACTION_IDS.promotionReject);
    expect(open.text).not.toContain(ACTION_IDS.promotionRequest);
    expect(open.text.match(/"deny":\{/g)).toHaveLength(2);

    await h.click(USERS.alice, digest, ACTION_IDS.promotionApprove);
    await h.until(() => threadTexts(open.ts).some((t) => t.includes("Approved by <@U0ALICE> (1/2)")));
    await h.click(USERS.bob, digest, ACTION_IDS.promotionApprove);
    await h.until(() => threadTexts(open.ts).some((t) => t.includes("Approved by <@W0ENTBOB> (2/2)")));
    const texts = threadTexts(open.ts);
    const first = texts.findIndex((t) => t.includes("(1/2)"));
    const second = texts.findIndex((t) => t.includes("(2/2)"));
    expect(first).toBeGreaterThanOrEqual(0);
    expect(first).toBeLessThan(second);
    expect(texts.filter((t) => t.includes("Approved by"))).toHaveLength(2);

    await h.until(() => h.deployer.acted.size === 1);
    const id = [...h.deployer.acted.values()][0]!.body.promotion_id;
    expect(
      await h.post("/api/v1/deployments", {
        environment: "prod",
        artifact: { name: "svc-1", digest },
        status: "succeeded",
      }),
    ).toBe(202);
    // The deployment report and the promotion's completion are two events, and a card render may
    // fall between them (header "deployed", promotion still "deploying"): wait for the settled card.
    await h.until(() => {
      const text = h.card(digest)?.text ?? "";
      return text.includes("🎉 svc-1 → prod · deployed") && text.includes(`by promotion \``);
    });
    const deployed = h.card(digest)!.text;
    expect(deployed).toContain(`Deployed to prod at <!date^`);
    expect(deployed).toContain(`by promotion \`${id}\``);
    expect(deployed).not.toContain(ACTION_IDS.promotionRequest);
    expect(deployed).not.toContain(ACTION_IDS.promotionApprove);
    expect(h.emulator.messages(CHANNELS.prod.id).filter((m) => m.text.includes("svc-1"))).toHaveLength(1);
  });
});

describe("what people typed, on the card and in its thread", () => {
  let h: PromotionHarness;
  afterEach(async () => h?.close());

  it("shows a reason as text (no channel pings, no links) and names people as mentions", async () => {
    h = await startPromotionHarness();
    const digest = await h.readyArtifact(1);
    await h.promote(
      USERS.requester,
      `svc-1@${digest} to prod because <!channel> see <https://evil.example|this> & <@U0ALICE>`,
    );
    await h.until(() => h.card(digest)?.text.includes(ACTION_IDS.promotionApprove) ?? false);
    const card = h.card(digest)!;
    const requestedIn = () =>
      h.emulator
        .thread(CHANNELS.prod.id, card.ts)
        .map((m) => m.text)
        .find((t) => t.includes("Promotion requested"));
    await h.until(() => requestedIn() !== undefined);
    const requested = requestedIn();
    expect(requested).toContain(
      "&lt;!channel&gt; see &lt;https://evil.example|this&gt; &amp; &lt;@U0ALICE&gt;",
    );
    expect(requested).not.toContain("<!channel>");
    // The card says who asked, not as if they had approved.
    expect(card.text).toContain("Promotion requested · requested by <@U0REQ>");
    expect(card.text).not.toContain("<!channel>");

    // A lock's typed reason is text on the card; the person who locked stays a mention.
    await h.promote(USERS.alice, "lock prod <!here> incident");
    await h.until(() => h.card(digest)?.text.includes("incident") ?? false);
    const locked = h.card(digest)!.text;
    expect(locked).toContain("<@U0ALICE>");
    expect(locked).toContain("&lt;!here&gt; incident");
    expect(locked).not.toContain("<!here>");
  });
});
