/** Pending card renders: coalesced while changes keep coming, due after quiet or a maximum wait. */
import { describe, expect, it } from "vitest";
import { createDirtyCards } from "../../../../src/adapters/slack/outbox/dirty-cards.js";
import { createRenderBudget } from "../../../../src/adapters/slack/outbox/render-budget.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function dirtyCards(quietMs: number, maxWaitMs: number) {
  const rendered: string[] = [];
  const budget = createRenderBudget({ burst: 1000, perSecond: 1000 }, Date.now);
  const dirty = createDirtyCards({
    now: Date.now,
    quietMs,
    maxWaitMs,
    budget,
    render: (digest) => {
      const entry = dirty.take(digest);
      if (entry) rendered.push(`${digest}:${entry.all ? "all" : [...entry.environments].join(",")}`);
    },
  });
  return { dirty, rendered };
}

describe("dirty cards", () => {
  it("renders an artifact once after its changes go quiet, with every card they touched", async () => {
    const { dirty, rendered } = dirtyCards(40, 1000);
    dirty.mark("sha256:a", "staging");
    dirty.mark("sha256:a", "prod");
    await sleep(20);
    dirty.mark("sha256:a", "prod");
    expect(dirty.has("sha256:a", "prod")).toBe(true);
    expect(dirty.has("sha256:a", "dev")).toBe(false);
    await sleep(100);
    expect(rendered).toEqual(["sha256:a:staging,prod"]);
    expect(dirty.size()).toBe(0);
  });

  it("renders a steady stream by the maximum wait, and a mark without environment means every card", async () => {
    const { dirty, rendered } = dirtyCards(50, 120);
    const started = Date.now();
    while (rendered.length === 0 && Date.now() - started < 1000) {
      dirty.mark("sha256:b");
      await sleep(10);
    }
    // Marks every 10 ms never go quiet for 50 ms: only the maximum wait can have rendered it.
    expect(rendered).toEqual(["sha256:b:all"]);
    dirty.clear();
  });

  it("drops one card that is rendered now, and the artifact once none is left", () => {
    const { dirty } = dirtyCards(1000, 1000);
    dirty.mark("sha256:c", "staging");
    dirty.mark("sha256:c", "prod");
    dirty.consume("sha256:c", "prod");
    expect(dirty.has("sha256:c", "prod")).toBe(false);
    expect(dirty.has("sha256:c", "staging")).toBe(true);
    dirty.consume("sha256:c", "staging");
    expect(dirty.size()).toBe(0);
  });
});
