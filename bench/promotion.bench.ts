/**
 * Promotion benchmarks, with production card coalescing (2 s):
 * (a) Approval clicks end to end — signed block_actions in → the card's chat.update seen by the
 *     emulator — 20 concurrent clicks on 20 cards, p50/p99 (target p99 < 200 ms). Tollgate runs as
 *     in production, its own process in HTTP mode; Slack (the emulator and the signed requests of
 *     the people clicking) is another process, which measures (promotion-processes.ts). Baseline in
 *     the same run: `/promote help` (signed command in → response_url reply), Bolt's own floor.
 * (b) 100 promotions in parallel through request → 2 approvals → signed deploy hook → deployment
 *     report → deployed; counts lost and duplicated hand-offs. Baseline: 100 parallel signed
 *     deployment reports (intake alone). Runs the app in process (test/helpers/promotion-harness.ts)
 *     to read the promotion ledger directly.
 */
import { ACTION_IDS } from "../src/adapters/slack/ids.js";
import { CHANNELS, startPromotionHarness, USERS } from "../test/helpers/promotion-harness.js";
import { type PromotionProcesses, startPromotionProcesses } from "./promotion-processes.js";

const ROUNDS = 5;
const CONCURRENCY = 20;
/** Longer than any answer could honestly take: past it the bench fails rather than waits. */
const TIMEOUT_MS = 30_000;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

const fmt = (ms: number) => `${ms.toFixed(1)} ms`;

async function until(check: () => boolean, what: () => string, timeoutMs = TIMEOUT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what()}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** `count` ready artifacts promoted to prod; answers their cards' ts once every card shows Approve. */
async function openPromotions(p: PromotionProcesses, first: number, count: number): Promise<string[]> {
  const numbers = Array.from({ length: count }, (_, i) => first + i);
  const digests = await Promise.all(numbers.map((n) => p.readyArtifact(n)));
  await Promise.all(
    digests.map((d, i) =>
      p.slack.request({
        kind: "command",
        user: USERS.requester,
        channel: CHANNELS.prod,
        command: "/promote",
        text: `svc-${numbers[i]}@${d} to prod`,
        timeoutMs: TIMEOUT_MS,
      }),
    ),
  );
  return p.slack.request({
    kind: "awaitCards",
    channel: CHANNELS.prod,
    digests,
    actionId: ACTION_IDS.promotionApprove,
    timeoutMs: TIMEOUT_MS,
  });
}

function clickRound(p: PromotionProcesses, cards: string[], user: { id: string; name: string }) {
  return p.slack.request({
    kind: "clickRound",
    user,
    channel: CHANNELS.prod,
    cards,
    actionId: ACTION_IDS.promotionApprove,
    timeoutMs: TIMEOUT_MS,
  });
}

async function helpBaseline(p: PromotionProcesses, samples: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < samples / CONCURRENCY; i++) {
    const batch = await p.slack.request({
      kind: "commandRound",
      user: USERS.requester,
      channel: CHANNELS.prod,
      command: "/promote",
      text: "help",
      count: CONCURRENCY,
      timeoutMs: TIMEOUT_MS,
    });
    out.push(...batch);
  }
  return out;
}

async function approvalLatency(): Promise<void> {
  const p = await startPromotionProcesses();
  try {
    const samples: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const cards = await openPromotions(p, 1 + round * CONCURRENCY, CONCURRENCY);
      samples.push(...(await clickRound(p, cards, USERS.alice)));
      samples.push(...(await clickRound(p, cards, USERS.bob)));
    }
    // Bob's click is the second approval: each promotion must have reached its deploy hook.
    const promoted = ROUNDS * CONCURRENCY;
    await until(
      () => p.deployer.acted.size === promoted,
      () => `deploy hooks ${p.deployer.acted.size}/${promoted}`,
    );
    const baseline = await helpBaseline(p, samples.length);
    const p99 = percentile(samples, 99);
    const base99 = percentile(baseline, 99);
    process.stdout.write(
      `approval click → card updated, ${samples.length} clicks at ${CONCURRENCY} concurrent: p50 ${fmt(percentile(samples, 50))}, p99 ${fmt(p99)} (target < 200 ms: ${p99 < 200 ? "met" : "MISSED"})\n` +
        `baseline /promote help → reply, same concurrency: p50 ${fmt(percentile(baseline, 50))}, p99 ${fmt(base99)}\n` +
        `ratio p99 approval / baseline: ${(p99 / base99).toFixed(2)}x\n`,
    );
  } finally {
    await p.close();
  }
}

async function fullCycle(): Promise<void> {
  const h = await startPromotionHarness({ coalesce: { quietMs: 2_000, maxWaitMs: 10_000 } });
  const n = 100;
  try {
    const digests = await Promise.all(Array.from({ length: n }, (_, i) => h.readyArtifact(1_000 + i)));
    const reported = new Set<string>();
    const reporter = setInterval(() => {
      for (const call of h.deployer.acted.values()) {
        if (reported.has(call.delivery)) continue;
        reported.add(call.delivery);
        const digest = call.body.artifact.digest;
        void h.post("/api/v1/deployments", {
          environment: "prod",
          artifact: { name: `svc-${1_000 + digests.indexOf(digest)}`, digest },
          status: "succeeded",
        });
      }
    }, 5);
    const start = performance.now();
    await Promise.all(digests.map((d, i) => h.promote(USERS.requester, `svc-${1_000 + i}@${d} to prod`)));
    await h.until(() => digests.every((d) => h.card(d)?.text.includes(ACTION_IDS.promotionApprove)), 30_000);
    await Promise.all(digests.map((d) => h.click(USERS.alice, d, ACTION_IDS.promotionApprove)));
    await Promise.all(digests.map((d) => h.click(USERS.bob, d, ACTION_IDS.promotionApprove)));
    const repo = h.promotions.runtime().deps.promotions;
    await h.until(() => digests.every((d) => repo.forDigest(d, "prod")[0]?.state === "deployed"), 60_000);
    const elapsed = performance.now() - start;
    clearInterval(reporter);
    const ids = new Set(h.deployer.calls.map((c) => c.delivery));
    const lost = n - h.deployer.acted.size;
    const duplicated = h.deployer.calls.length - ids.size;

    const baseStart = performance.now();
    await Promise.all(
      digests.map((d, i) =>
        h.post("/api/v1/deployments", {
          environment: "staging",
          artifact: { name: `svc-${1_000 + i}`, digest: d },
          status: "succeeded",
        }),
      ),
    );
    const baseline = performance.now() - baseStart;
    process.stdout.write(
      `${n} promotions request→approve→deploy hook→deployed in parallel: ${(elapsed / 1000).toFixed(2)} s, ` +
        `hand-offs ${h.deployer.acted.size}/${n}, lost ${lost}, duplicated ${duplicated}, bad signatures ${h.deployer.calls.filter((c) => !c.signatureValid).length}\n` +
        `baseline ${n} parallel signed deployment reports (intake alone): ${fmt(baseline)}; ratio ${(elapsed / baseline).toFixed(1)}x\n`,
    );
    if (lost !== 0 || duplicated !== 0) throw new Error("lost or duplicated hand-offs");
  } finally {
    await h.close();
  }
}

export async function run(): Promise<void> {
  await approvalLatency();
  await fullCycle();
}
