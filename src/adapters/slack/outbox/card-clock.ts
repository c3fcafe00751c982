/**
 * Time moves cards without any new traffic: a soak completes, evidence passes its `max_age`, a
 * freeze window starts or ends, a lock or a promotion expires. Two cheap mechanisms keep cards true:
 *
 * - a periodic sweep (default every 30 s) re-evaluates recent cards that are not settled (a digest
 *   replaced in its environment cannot change by the clock) and re-renders only those whose STATE
 *   changed — verdict, check statuses, promotion, deployment — so "soaking 3m of 24h" does not cost
 *   a chat.update per sweep, while "soaking" → "ready" does;
 * - a timer at the soonest boundary the checks name (soak end, freeze end, lock expiry) when it
 *   falls before the next sweep, so a short soak flips on time.
 *
 * NOTE: evaluation is synchronous SQLite work; the sweep yields between batches so HTTP acks
 * (Slack's 3 s) never wait behind a whole sweep.
 */
import { createHash } from "node:crypto";
import type { Readiness } from "../../../domain/readiness.js";
import type { Logger } from "../../log.js";
import type { CardFacts } from "../card-facts.js";
import type { CardModel } from "../views/card-model.js";
import { cardKey, type SlackStore } from "./slack-store.js";

export interface CardClockOptions {
  store: Pick<SlackStore, "recentCards">;
  facts: Pick<CardFacts, "cardModel">;
  logger: Logger;
  /** Renders a card from a model evaluated just now (the card service's flush). */
  render(digest: string, environment: string, model: CardModel): void;
  /** A card already waiting for its coalesced render needs no evaluation of its own. */
  isDirty(digest: string, environment: string): boolean;
  /** Sweep period; 0 turns the sweep off (boundary timers still run). Default 30 s. */
  intervalMs?: number;
  /** Most recently updated cards a sweep looks at. Default 500. */
  limit?: number;
  /** Cards evaluated between yields to the event loop. Default 50. */
  batch?: number;
}

/** Setting a timer a little after the boundary: exactly at it, the check may still be waiting. */
const BOUNDARY_SLACK_MS = 25;
const MAX_TIMER_MS = 2_147_483_647;

export type CardClock = ReturnType<typeof createCardClock>;

export function createCardClock(options: CardClockOptions) {
  const intervalMs = options.intervalMs ?? 30_000;
  const limit = options.limit ?? 500;
  const batch = Math.max(1, options.batch ?? 50);
  const states = new Map<string, string>();
  const settled = new Set<string>();
  const boundaries = new Map<string, NodeJS.Timeout>();
  let interval: NodeJS.Timeout | undefined;
  let started = false;
  let sweeping: Promise<number> | undefined;

  function schedule(digest: string, environment: string, model: CardModel): void {
    const key = cardKey(digest, environment);
    clearTimeout(boundaries.get(key));
    boundaries.delete(key);
    const at = nextBoundary(model.readiness);
    if (!started || at === undefined) return;
    const delay = at - model.readiness.evaluatedAt.getTime() + BOUNDARY_SLACK_MS;
    if (delay <= 0 || delay > (intervalMs > 0 ? intervalMs : MAX_TIMER_MS)) return;
    const timer = setTimeout(() => {
      boundaries.delete(key);
      evaluate(digest, environment);
    }, delay);
    timer.unref();
    boundaries.set(key, timer);
  }

  /** True when the card's state changed and it was re-rendered. */
  function evaluate(digest: string, environment: string): boolean {
    const key = cardKey(digest, environment);
    if (options.isDirty(digest, environment)) return false;
    try {
      const model = options.facts.cardModel(digest, environment);
      if (!model) return false;
      if (stateKeyOf(model) === states.get(key)) {
        schedule(digest, environment, model);
        return false;
      }
      options.render(digest, environment, model);
      return true;
    } catch (error) {
      options.logger.error({ err: error, digest, environment }, "card re-evaluation failed");
      return false;
    }
  }

  async function runSweep(fromTimer: boolean): Promise<number> {
    const cards = options.store
      .recentCards(limit)
      .filter((c) => !settled.has(cardKey(c.digest, c.environment)));
    let rendered = 0;
    for (let i = 0; i < cards.length; i += batch) {
      if (fromTimer && !started) break;
      for (const card of cards.slice(i, i + batch)) if (evaluate(card.digest, card.environment)) rendered++;
      await new Promise((resolve) => setImmediate(resolve));
    }
    return rendered;
  }

  function sweep(fromTimer = false): Promise<number> {
    // One sweep at a time: a slow one is not stacked on by the next tick.
    sweeping ??= runSweep(fromTimer).finally(() => {
      sweeping = undefined;
    });
    return sweeping;
  }

  return {
    /** Called by every render: what the card showed, so a sweep can tell whether time changed it. */
    remember(digest: string, environment: string, model: CardModel): void {
      const key = cardKey(digest, environment);
      states.set(key, stateKeyOf(model));
      if (model.deployment?.state === "replaced") settled.add(key);
      else settled.delete(key);
      schedule(digest, environment, model);
    },
    /** Re-evaluates recent unsettled cards now; resolves with how many were re-rendered. */
    sweep: () => sweep(false),
    start(): void {
      if (started) return;
      started = true;
      if (intervalMs > 0) {
        interval = setInterval(() => void sweep(true), intervalMs);
        interval.unref();
      }
    },
    /** Stops the sweep and every boundary timer; a sweep in flight stops at its next batch. */
    async stop(): Promise<void> {
      started = false;
      clearInterval(interval);
      interval = undefined;
      for (const timer of boundaries.values()) clearTimeout(timer);
      boundaries.clear();
      await sweeping;
    },
  };
}

/** Everything a card shows except wording that drifts with the clock ("soaking 3m of 2h"). */
export function stateKeyOf(model: CardModel): string {
  const { readiness, ...rest } = model;
  const checks = readiness.checks.map((c) => `${c.id}:${c.status}`);
  return createHash("sha256")
    .update(JSON.stringify([rest, readiness.verdict, readiness.contractRevision, checks]))
    .digest("hex");
}

/** The soonest moment after the evaluation at which a check is known to change by itself. */
export function nextBoundary(readiness: Readiness): number | undefined {
  const times: number[] = [];
  for (const check of readiness.checks) {
    const detail = check.detail;
    if (check.id === "artifact:soak" && check.status === "waiting" && isRecord(detail)) {
      const { since, requiredMs } = detail;
      if (since instanceof Date && typeof requiredMs === "number") times.push(since.getTime() + requiredMs);
    } else if (check.id === "freeze" && isRecord(detail) && detail.endsAt instanceof Date) {
      times.push(detail.endsAt.getTime());
    } else if (check.id === "lock" && Array.isArray(detail)) {
      for (const lock of detail as unknown[])
        if (isRecord(lock) && lock.expiresAt instanceof Date) times.push(lock.expiresAt.getTime());
    }
  }
  const after = times.filter((t) => t > readiness.evaluatedAt.getTime());
  return after.length > 0 ? Math.min(...after) : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}
