import { afterEach, describe, expect, it } from "vitest";
import { blockText, digestOf, evidenceFor, type Harness, STAGING, startHarness } from "./slack-harness.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function cardsFor(h: Harness, name: string) {
  return h.emulator.messages(STAGING.id).filter((m) => blockText(m.blocks).includes(`${name} → staging`));
}

describe("the Slack outbox under rate limits, outages and restarts", () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it("loses nothing while Slack answers 429 for 10 s, and honours Retry-After", async () => {
    h = await startHarness();
    await h.evidence(evidenceFor(4, "unit", "failed"));
    await h.until(() => cardsFor(h!, "svc-4").length === 1);
    await h.until(() => h!.slack.health().pending === 0);
    h.emulator.rateLimit("*", { seconds: 10 });
    const limitedAt = Date.now();
    for (let i = 0; i < 20; i++) {
      const observed_at = new Date(limitedAt + 60_000 + i * 1000).toISOString();
      expect(await h.evidence(evidenceFor(4, i % 2 ? "unit" : "e2e", "passed", { observed_at }))).toBe(202);
      await sleep(50);
    }
    await h.evidence(evidenceFor(5, "unit"));
    await sleep(1500);
    expect(h.slack.health().pending).toBeGreaterThan(0);
    const limited = h.emulator.calls.filter((c) => c.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    // One 429 pauses the whole outbox: no hammering while Slack asked us to wait.
    expect(limited.length).toBeLessThanOrEqual(4);

    await h.until(() => h!.slack.health().pending === 0 && cardsFor(h!, "svc-5").length === 1, 20_000);
    const firstSuccessAfter = h.emulator.calls.find((c) => c.at > limitedAt && c.status === 200);
    expect(firstSuccessAfter!.at - limitedAt).toBeGreaterThanOrEqual(9_000);
    const card4 = blockText(cardsFor(h, "svc-4")[0]?.blocks);
    expect(card4).toContain("✅ *unit*");
    expect(card4).toContain("✅ *e2e*");
    expect(cardsFor(h, "svc-4")).toHaveLength(1);
    expect(cardsFor(h, "svc-5")).toHaveLength(1);
    expect(h.emulator.calls.filter((c) => c.status === 429).length).toBeLessThanOrEqual(4);
  }, 40_000);

  it("delivers pending calls exactly once after the bot is stopped without draining and restarted", async () => {
    h = await startHarness();
    await h.evidence(evidenceFor(6, "unit", "failed"));
    await h.until(() => cardsFor(h!, "svc-6").length === 1);
    await h.until(() => h!.slack.health().pending === 0);
    // Slack keeps saying "wait 1 s", so the calls stay queued in SQLite.
    h.emulator.rateLimit("*", { seconds: 60, retryAfter: 1 });
    await h.evidence(
      evidenceFor(6, "unit", "passed", { observed_at: new Date(Date.now() + 1000).toISOString() }),
    );
    await h.evidence(evidenceFor(7, "unit"));
    await h.until(() => h!.slack.health().pending >= 2 && h!.slack.cards.dirtyCount() === 0);
    await h.stop({ drain: false });
    h.emulator.clearFaults();
    expect(cardsFor(h, "svc-7")).toHaveLength(0);

    await h.restart();
    await h.until(() => cardsFor(h!, "svc-7").length === 1 && h!.slack.health().pending === 0);
    await sleep(500);
    expect(cardsFor(h, "svc-7")).toHaveLength(1);
    expect(cardsFor(h, "svc-6")).toHaveLength(1);
    expect(blockText(cardsFor(h, "svc-6")[0]?.blocks)).toContain("✅ *unit*");
    const posts = h.emulator.callsTo("chat.postMessage").filter((c) => c.status === 200);
    expect(posts.filter((c) => blockText(c.args.blocks).includes("svc-7 → staging"))).toHaveLength(1);
  }, 30_000);

  it("retries 5xx with backoff and stops on permanent errors with a hint for /readyz", async () => {
    h = await startHarness({
      contracts: {
        "staging.yml": "channel: C0STAGING\nevidence:\n  - {kind: test, name: unit}\n",
        "qa.yml": "channel: C0NOBOT\nevidence:\n  - {kind: test, name: unit}\n",
      },
    });
    h.emulator.addChannel({ id: "C0NOBOT", name: "qa", botIsMember: false });
    h.emulator.serverError("chat.postMessage", 503, 2);
    await h.evidence(evidenceFor(8, "unit"));
    await h.until(() => cardsFor(h!, "svc-8").length === 1);
    await h.until(() => h!.slack.health().problems.length > 0);
    const problem = h.slack.health().problems[0]!;
    expect(problem.error).toBe("not_in_channel");
    expect(problem.hint).toContain("/invite @Tollgate");
    expect(h.slack.health().ok).toBe(true);
    const readyz = await fetch(`${h.baseUrl}/readyz`);
    expect(await readyz.text()).toContain("not_in_channel");
    await sleep(600);
    const toNoBot = h.emulator.callsTo("chat.postMessage").filter((c) => c.args.channel === "C0NOBOT");
    const refused = toNoBot.filter((c) => JSON.stringify(c.response).includes("not_in_channel"));
    expect(refused).toHaveLength(1);
    expect(toNoBot.at(-1)).toBe(refused[0]);
    const toStaging = h.emulator.callsTo("chat.postMessage").filter((c) => c.args.channel === STAGING.id);
    expect(toStaging.filter((c) => c.status === 200)).toHaveLength(1);
    expect(toStaging.length).toBeGreaterThanOrEqual(2);
    expect(digestOf(8)).toContain("sha256:");
  });
});
