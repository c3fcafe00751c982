/**
 * A change is only marked in memory until its coalesced render: a crash in between must not leave
 * the card stale. Start-up re-renders the cards of artifacts whose evidence arrived recently, even
 * when the artifact is old and its card is not among the most recently updated ones.
 */
import { afterEach, describe, expect, it } from "vitest";
import { blockText, evidenceFor, type Harness, STAGING, startHarness } from "./slack-harness.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function cardsFor(h: Harness, name: string) {
  return h.emulator.messages(STAGING.id).filter((m) => blockText(m.blocks).includes(`${name} → staging`));
}

describe("cards after a crash with changes only marked in memory", () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it("re-renders, after restart, the card of an old artifact that got evidence just before the crash", async () => {
    h = await startHarness({
      coalesce: { quietMs: 600, maxWaitMs: 2000 },
      // Only the newest card and what changed in the last 1.5 s are reconciled at start.
      reconcile: { windowMs: 1500, cards: 1 },
    });
    expect(await h.evidence(evidenceFor(11, "unit", "failed"))).toBe(202);
    await h.until(() => cardsFor(h!, "svc-11").length === 1 && h!.slack.health().pending === 0);
    await sleep(1700);
    expect(await h.evidence(evidenceFor(12, "unit"))).toBe(202);
    await h.until(() => cardsFor(h!, "svc-12").length === 1 && h!.slack.health().pending === 0);

    const observed_at = new Date(Date.now() + 1000).toISOString();
    expect(await h.evidence(evidenceFor(11, "unit", "passed", { observed_at }))).toBe(202);
    expect(h.slack.cards.dirtyCount()).toBeGreaterThan(0);
    await h.stop({ drain: false });
    expect(blockText(cardsFor(h, "svc-11")[0]?.blocks)).toContain("❌ *unit*");

    await h.restart();
    await h.until(() => blockText(cardsFor(h!, "svc-11")[0]?.blocks).includes("✅ *unit*"));
    await h.until(() => h!.slack.health().pending === 0 && h!.slack.cards.dirtyCount() === 0);
    expect(cardsFor(h, "svc-11")).toHaveLength(1);
    const posts = h.emulator.callsTo("chat.postMessage").filter((c) => c.status === 200);
    expect(posts.filter((c) => blockText(c.args.blocks).includes("svc-11 → staging"))).toHaveLength(1);
  }, 20_000);
});
