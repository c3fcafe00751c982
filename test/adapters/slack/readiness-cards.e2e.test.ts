import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { validateMessageBlocks } from "../../helpers/slack.js";
import {
  blockText,
  digestOf,
  evidenceFor,
  type Harness,
  PROD,
  STAGING,
  startHarness,
} from "./slack-harness.js";

describe("readiness cards end to end", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it("posts one card in the first environment's channel and updates it in place", async () => {
    expect(await h.evidence(evidenceFor(1, "unit"))).toBe(202);
    await h.until(() => h.emulator.messages(STAGING.id).length === 1);
    const [card] = h.emulator.messages(STAGING.id);
    const first = blockText(card?.blocks);
    expect(first).toContain("svc-1");
    expect(first).toContain("sha256:0000…001");
    expect(first).toContain("✅ *unit*");
    expect(first).toContain("⏳ *e2e*");
    expect(h.emulator.messages(PROD.id)).toHaveLength(0);
    expect(validateMessageBlocks(card?.blocks)).toEqual([]);

    expect(await h.evidence(evidenceFor(1, "e2e", "failed"))).toBe(202);
    await h.until(() => blockText(h.emulator.messages(STAGING.id)[0]?.blocks).includes("❌ *e2e*"));
    expect(h.emulator.messages(STAGING.id)).toHaveLength(1);
    expect(h.emulator.callsTo("chat.postMessage")).toHaveLength(1);
    expect(h.emulator.callsTo("chat.update").length).toBeGreaterThanOrEqual(1);
    expect(h.emulator.messages(STAGING.id)[0]?.ts).toBe(card?.ts);
  });

  it("opens a card for the next environment once the artifact runs in its `after`", async () => {
    await h.evidence(evidenceFor(2, "unit"));
    await h.until(() => h.emulator.messages(STAGING.id).length === 1);
    const status = await h.deployment({
      environment: "staging",
      artifact: { name: "svc-2", digest: digestOf(2) },
      status: "succeeded",
    });
    expect(status).toBe(202);
    await h.until(() => h.emulator.messages(PROD.id).length === 1);
    const prodCard = h.emulator.messages(PROD.id)[0];
    expect(blockText(prodCard?.blocks)).toContain("svc-2 → prod");
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(h.emulator.messages(PROD.id)).toHaveLength(1);
    expect(h.emulator.messages(STAGING.id)).toHaveLength(1);
    expect(blockText(h.emulator.messages(STAGING.id)[0]?.blocks)).toContain("Running in staging: svc-2");
  });
});

describe("card threads", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it("posts events as replies in the card's thread, creating the card first when needed", async () => {
    await h.evidence(evidenceFor(12, "unit"));
    await h.until(() => h.emulator.messages(STAGING.id).length === 1);
    const card = h.emulator.messages(STAGING.id)[0]!;
    h.slack.threadPoster.postEvent({
      digest: digestOf(12),
      environment: "staging",
      text: "Deployed by <@U0ALICE>",
    });
    await h.until(() =>
      h.emulator.thread(STAGING.id, card.ts).some((m) => m.text === "Deployed by <@U0ALICE>"),
    );

    // No prod card yet: the event brings the card with it, posted before the reply.
    h.slack.threadPoster.postEvent({
      digest: digestOf(12),
      environment: "prod",
      text: "Promotion requested",
    });
    await h.until(() => h.emulator.messages(PROD.id).length === 1);
    const prodCard = h.emulator.messages(PROD.id)[0]!;
    await h.until(() =>
      h.emulator.thread(PROD.id, prodCard.ts).some((m) => m.text === "Promotion requested"),
    );
    expect(h.emulator.messages(PROD.id)).toHaveLength(1);
  });
});

describe("coalescing with the production window (2 s quiet, 10 s max wait)", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ coalesce: {} });
  });
  afterEach(async () => {
    await h.close();
  });

  it("turns 200 evidence events for one artifact within a second into at most 3 chat.update calls", async () => {
    // Warm the intake path (JIT, connections) on another artifact so the burst is a real burst.
    await Promise.all(
      Array.from({ length: 100 }, (_, i) => h.evidence(evidenceFor(90, i % 2 ? "unit" : "e2e"))),
    );
    await h.evidence(evidenceFor(3, "unit", "failed"));
    await h.until(() => h.emulator.messages(STAGING.id).length === 2);
    await h.until(() => h.slack.health().pending === 0 && h.slack.cards.dirtyCount() === 0);
    const card = h.emulator.messages(STAGING.id).find((m) => blockText(m.blocks).includes("svc-3"));
    h.emulator.clearCalls();
    const started = Date.now();
    const base = started + 60_000;
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        h.evidence(
          evidenceFor(3, i % 2 === 0 ? "unit" : "e2e", i % 2 === 0 ? "failed" : "passed", {
            observed_at: new Date(base + i * 1000).toISOString(),
          }),
        ),
      ),
    );
    const burstMs = Date.now() - started;
    expect(results.every((s) => s === 202)).toBe(true);
    expect(burstMs).toBeLessThan(2000);
    // The newest unit evidence (i = 198) failed; the newest e2e (i = 199) passed.
    const current = () => blockText(h.emulator.message(STAGING.id, card!.ts)?.blocks);
    await h.until(() => current().includes("❌ *unit*") && current().includes("✅ *e2e*"));
    await new Promise((resolve) => setTimeout(resolve, 2500));
    const updates = h.emulator.callsTo("chat.update").filter((c) => c.args.ts === card!.ts);
    expect(updates.length).toBeGreaterThanOrEqual(1);
    expect(updates.length).toBeLessThanOrEqual(3);
    expect(h.emulator.callsTo("chat.postMessage")).toHaveLength(0);
    expect(h.emulator.messages(STAGING.id)).toHaveLength(2);
  });
});
