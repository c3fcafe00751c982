import { shortDigest } from "../domain/artifact.js";
import type { Contract } from "../domain/contract.js";
import { TOLLGATE_ACTOR } from "../domain/mention.js";
import type { Promotion } from "../domain/promotion.js";
import { failApproval, whyNoLongerAllowed } from "./approval-gate.js";
import { moveTo, notify, type PromotionDeps } from "./promotion-deps.js";
import type { OutboxItem } from "./promotion-ports.js";

export type SendOutcome = { ok: true; status: number } | { ok: false; error: string };

export interface DeployHookSender {
  send(item: { url: string; secretEnv: string; body: string; deliveryId: string }): Promise<SendOutcome>;
}

export interface ExecutorOptions {
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** After this many failed attempts the promotion fails (and the card says why). */
  maxAttempts?: number;
  /** How long a claimed row is ours before a restart may send it again. */
  leaseMs?: number;
  batch?: number;
}

export function hookBody(
  promotion: Promotion,
  approvedBy: readonly string[],
  deps: Pick<PromotionDeps, "artifacts">,
) {
  const artifact = deps.artifacts.getArtifact(promotion.digest);
  return JSON.stringify({
    promotion_id: promotion.id,
    artifact: {
      name: promotion.artifactName,
      digest: promotion.digest,
      ...(artifact?.version === undefined ? {} : { version: artifact.version }),
      ...(artifact?.commit === undefined ? {} : { commit: artifact.commit }),
      ...(artifact?.repository === undefined ? {} : { repository: artifact.repository }),
    },
    from: promotion.fromEnvironment ?? null,
    to: promotion.environment,
    requested_by: promotion.requestedBy,
    approved_by: [...approvedBy],
    contract_revision: promotion.contractRevision,
  });
}

/** Inside the approving transaction: queue the hand-off when the contract has a webhook. */
export function scheduleExecution(
  deps: Pick<PromotionDeps, "outbox" | "artifacts">,
  promotion: Promotion,
  contract: Contract,
  approvedBy: readonly string[],
  now: Date,
): boolean {
  const webhook = contract.deploy?.webhook;
  if (webhook === undefined) return false;
  const body = hookBody(promotion, approvedBy, deps);
  deps.outbox.enqueue(
    { promotionId: promotion.id, url: webhook.url, secretEnv: webhook.secretEnv, body },
    now,
  );
  return true;
}

type ExecutorDeps = Pick<
  PromotionDeps,
  "outbox" | "promotions" | "audit" | "tx" | "clock" | "thread" | "bus" | "log" | "contracts" | "readiness"
>;

export interface PromotionExecutor {
  /** Sends every due item once; resolves when their outcomes are recorded. */
  tick(): Promise<number>;
  start(intervalMs?: number): void;
  /** Stops the timer and waits for sends in progress. */
  stop(): Promise<void>;
}

export function createPromotionExecutor(
  deps: ExecutorDeps,
  sender: DeployHookSender,
  options: ExecutorOptions = {},
): PromotionExecutor {
  const base = options.baseDelayMs ?? 1_000;
  const cap = options.maxDelayMs ?? 5 * 60_000;
  const maxAttempts = options.maxAttempts ?? 200;
  const leaseMs = options.leaseMs ?? 60_000;
  const batch = options.batch ?? 50;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;
  let again = false;

  const deliver = async (item: OutboxItem): Promise<void> => {
    const stop = whyNoLongerAllowed(deps, item.promotionId);
    if (stop !== undefined) return recordStopped(deps, item, stop, deps.clock.now());
    const outcome = await sender.send({ ...item, deliveryId: item.promotionId });
    const now = deps.clock.now();
    if (outcome.ok) return await recordHandOff(deps, item, outcome.status, now);
    if (item.attempts >= maxAttempts) return recordGiveUp(deps, item, outcome.error, now);
    const delay = Math.min(cap, base * 2 ** Math.min(item.attempts - 1, 30));
    deps.outbox.reschedule(item.promotionId, new Date(now.getTime() + delay), outcome.error);
    const promotion = deps.promotions.get(item.promotionId);
    // The card shows every failed attempt; the thread hears of the first and every tenth.
    if (promotion)
      notify(
        deps,
        promotion,
        item.attempts === 1 || item.attempts % 10 === 0
          ? `:warning: Deploy hook failed (attempt ${item.attempts}): ${outcome.error}. Retrying.`
          : undefined,
      );
  };

  const drain = async (): Promise<number> => {
    let total = 0;
    do {
      again = false;
      // NOTE: polled every second: an idle poll only reads, so it never waits for (or holds) the
      // write lock while evidence is being written.
      if (!deps.outbox.hasDue(deps.clock.now())) break;
      // A lease lost in a power cut only means the hand-off is sent again, deduplicated by its
      // delivery id; what must be on disk first is the approval that queued it.
      const items = deps.tx.relaxed(() => deps.outbox.claimDue(deps.clock.now(), batch, leaseMs));
      if (items.length > 0) await deps.tx.durable();
      total += items.length;
      await Promise.all(
        items.map((item) => deliver(item).catch((err) => deps.log.warn({ err }, "deploy hook"))),
      );
      if (items.length === batch) again = true;
    } while (again);
    return total;
  };

  const tick = (): Promise<number> => {
    if (running) {
      again = true;
      return running;
    }
    running = drain().finally(() => {
      running = undefined;
    });
    return running;
  };

  return {
    tick,
    start(intervalMs = 1_000) {
      timer ??= setInterval(() => void tick(), intervalMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await running;
    },
  };
}

async function recordHandOff(deps: ExecutorDeps, item: OutboxItem, status: number, now: Date): Promise<void> {
  // Lost in a power cut, the hand-off is sent again and the deployer deduplicates it.
  const moved = deps.tx.relaxed(() => {
    if (!deps.outbox.markHandedOff(item.promotionId, now)) return undefined;
    const promotion = deps.promotions.get(item.promotionId);
    if (promotion?.state !== "approved") return undefined;
    return moveTo(deps, promotion, "hand_off", TOLLGATE_ACTOR, now, { status, attempts: item.attempts });
  });
  if (moved) {
    await deps.tx.durable();
    const what = `${moved.artifactName} ${shortDigest(moved.digest)}`;
    notify(
      deps,
      moved,
      `:rocket: Deploy hook accepted ${what} for ${moved.environment} (HTTP ${status}); waiting for the deployment report.`,
    );
  }
}

/** Not handed off, and never will be (approval-gate.ts): the outbox row dies with the promotion. */
function recordStopped(deps: ExecutorDeps, item: OutboxItem, why: string, now: Date): void {
  const detail = `not handed off: ${why}`;
  failApproval(deps, item.promotionId, now, {
    detail,
    says: (what) =>
      `:no_entry: Not handed off: ${what} was approved, but ${why}\nRequest it again when the contract holds.`,
    alsoInTx: () => deps.outbox.markDead(item.promotionId, detail),
  });
}

function recordGiveUp(deps: ExecutorDeps, item: OutboxItem, error: string, now: Date): void {
  const moved = deps.tx.immediate(() => {
    deps.outbox.markDead(item.promotionId, error);
    const promotion = deps.promotions.get(item.promotionId);
    if (promotion?.state !== "approved") return undefined;
    const detail = `deploy hook gave up after ${item.attempts} attempts: ${error}`;
    return moveTo(deps, promotion, "fail", TOLLGATE_ACTOR, now, { detail });
  });
  if (moved) notify(deps, moved, `:x: ${moved.detail ?? "deploy hook failed"}`);
}
