/**
 * Promotion benchmarks against the real app (createApp + promotions + Slack modules), the Slack
 * emulator, a real SQLite file and a loopback deployer, with production card coalescing (2 s):
 * (a) Approval clicks end to end — signed block_actions in → the card's chat.update seen by the
 *     emulator — 20 concurrent clicks on 20 cards, p50/p99 (target p99 < 200 ms). Baseline in the
 *     same run: `/promote help` (signed command in → response_url reply), Bolt's own floor.
 * (b) 100 promotions in parallel through request → 2 approvals → signed deploy hook → deployment
 *     report → deployed; counts lost and duplicated hand-offs. Baseline: 100 parallel signed
 *     deployment reports (intake alone).
 */
import { ACTION_IDS } from "../src/adapters/slack/ids.js";
import {
  CHANNELS,
  type PromotionHarness,
  startPromotionHarness,
  USERS,
} from "../test/helpers/promotion-harness.js";

const ROUNDS = 5;
const CONCURRENCY = 20;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

const fmt = (ms: number) => `${ms.toFixed(1)} ms`;

/** Resolves with the time from now until the emulator updates message `ts`. */
function cardUpdate(h: PromotionHarness, ts: string): Promise<number> {
  const start = performance.now();
  return new Promise((resolve) => {
    const listener = (change: { kind: string; ts?: string }) => {
      if (change.kind === "message_updated" && change.ts === ts) {
        h.emulator.off("change", listener);
        resolve(performance.now() - start);
      }
    };
    h.emulator.on("change", listener);
  });
}

async function openPromotions(h: PromotionHarness, first: number, count: number): Promise<string[]> {
  const digests = await Promise.all(Array.from({ length: count }, (_, i) => h.readyArtifact(first + i)));
  await Promise.all(digests.map((d, i) => h.promote(USERS.requester, `svc-${first + i}@${d} to prod`)));
  await h.until(() => digests.every((d) => h.card(d)?.text.includes(ACTION_IDS.promotionApprove)), 30_000);
  return digests;
}

async function clickRound(
  h: PromotionHarness,
  digests: string[],
  user: { id: string; name: string },
): Promise<number[]> {
  // Looked up before the first click: finding a card is the harness's work, not the product's.
  const cards = digests.map((digest) => h.card(digest)!);
  return Promise.all(
    cards.map(async (card) => {
      const updated = cardUpdate(h, card.ts);
      const reply = h.signer.clickInMessage({
        user,
        channel: CHANNELS.prod,
        messageTs: card.ts,
        actionId: ACTION_IDS.promotionApprove,
      });
      const [ms] = await Promise.all([updated, reply]);
      return ms;
    }),
  );
}

async function helpBaseline(h: PromotionHarness, samples: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < samples / CONCURRENCY; i++) {
    const batch = await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        const start = performance.now();
        await h.promote(USERS.requester, "help");
        return performance.now() - start;
      }),
    );
    out.push(...batch);
  }
  return out;
}

async function approvalLatency(): Promise<void> {
  const h = await startPromotionHarness({ coalesce: { quietMs: 2_000, maxWaitMs: 10_000 } });
  h.emulator.setMaxListeners(CONCURRENCY * 4);
  try {
    const samples: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const digests = await openPromotions(h, 1 + round * CONCURRENCY, CONCURRENCY);
      samples.push(...(await clickRound(h, digests, USERS.alice)));
      samples.push(...(await clickRound(h, digests, USERS.bob)));
    }
    const baseline = await helpBaseline(h, samples.length);
    const p99 = percentile(samples, 99);
    const base99 = percentile(baseline, 99);
    process.stdout.write(
      `approval click → card updated, ${samples.length} clicks at ${CONCURRENCY} concurrent: p50 ${fmt(percentile(samples, 50))}, p99 ${fmt(p99)} (target < 200 ms: ${p99 < 200 ? "met" : "MISSED"})\n` +
        `baseline /promote help → reply, same concurrency: p50 ${fmt(percentile(baseline, 50))}, p99 ${fmt(base99)}\n` +
        `ratio p99 approval / baseline: ${(p99 / base99).toFixed(2)}x\n`,
    );
  } finally {
    await h.close();
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
