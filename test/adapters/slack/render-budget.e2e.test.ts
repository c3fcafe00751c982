/**
 * Under a flood of evidence, cards re-render within the render budget (Slack's own rate limits)
 * instead of all at once; every card still arrives, showing everything that was sent.
 */
import { afterEach, describe, expect, it } from "vitest";
import { createRenderBudget } from "../../../src/adapters/slack/outbox/render-budget.js";
import { blockText, evidenceFor, type Harness, STAGING, startHarness } from "./slack-harness.js";

describe("the render budget", () => {
  it("allows a burst, then one render per 1/perSecond, and never saves up beyond the burst", () => {
    let now = 0;
    const budget = createRenderBudget({ burst: 3, perSecond: 2 }, () => now);
    expect([budget.take(), budget.take(), budget.take(), budget.take()]).toEqual([true, true, true, false]);
    expect(budget.waitMs()).toBe(500);
    now += 499;
    expect(budget.take()).toBe(false);
    now += 1;
    expect(budget.take()).toBe(true);
    now += 60_000;
    expect([budget.take(), budget.take(), budget.take(), budget.take()]).toEqual([true, true, true, false]);
  });
});

describe("cards under a flood of evidence", () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
  });

  it("posts a burst of cards at once and the rest at the budget's pace, each with all its evidence", async () => {
    h = await startHarness({
      coalesce: { quietMs: 300, maxWaitMs: 3000, renderBudget: { burst: 3, perSecond: 5 } },
    });
    const harness = h;
    const artifacts = [1, 2, 3, 4, 5, 6, 7, 8];
    const started = Date.now();
    for (const n of artifacts) expect(await harness.evidence(evidenceFor(n, "unit"))).toBe(202);
    for (const n of artifacts) expect(await harness.evidence(evidenceFor(n, "e2e"))).toBe(202);
    await harness.until(() => harness.emulator.messages(STAGING.id).length >= 3);
    const burst = Date.now() - started;
    await harness.until(() => harness.emulator.messages(STAGING.id).length === artifacts.length, 10_000);
    const all = Date.now() - started;
    // Five more cards at five a second: about a second after the burst, not at once.
    expect(all - burst).toBeGreaterThanOrEqual(800);
    const shown = () => harness.emulator.messages(STAGING.id).map((m) => blockText(m.blocks));
    await harness.until(() => shown().every((t) => t.includes("✅ *unit*") && t.includes("✅ *e2e*")));
    // Nothing is posted twice while cards wait for the budget.
    expect(harness.emulator.callsTo("chat.postMessage")).toHaveLength(artifacts.length);
  });
});
