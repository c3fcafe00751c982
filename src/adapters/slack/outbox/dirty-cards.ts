/**
 * Which cards wait for a render, and when each is due. Marking is O(1) — a map entry and, for a
 * new one, one timer — because it runs inside the request that caused the change. An artifact's
 * render is due once its changes have been quiet for `quietMs`, or `maxWaitMs` after the first
 * (so a steady stream still shows progress). Due renders are handed out a few per event-loop turn
 * and within the render budget (render-budget.ts).
 */
import type { RenderBudget } from "./render-budget.js";

/** One artifact's pending render: every card of it (`all`), or only some environments. */
export interface DirtyCard {
  digest: string;
  all: boolean;
  environments: Set<string>;
  firstAt: number;
  lastAt: number;
  timer?: NodeJS.Timeout;
}

/** Coalesced renders per event-loop turn (each is a readiness evaluation, ~1 ms). */
const RENDERS_PER_TURN = 8;

export function createDirtyCards(options: {
  now: () => number;
  quietMs: number;
  maxWaitMs: number;
  budget: RenderBudget;
  /** Renders the artifact's due cards (it calls `take` for them). */
  render(digest: string): void;
}) {
  const { now, quietMs, maxWaitMs, budget } = options;
  const dirty = new Map<string, DirtyCard>();

  function mark(digest: string, environment?: string): void {
    const t = now();
    let entry = dirty.get(digest);
    if (!entry) {
      entry = { digest, all: false, environments: new Set(), firstAt: t, lastAt: t };
      dirty.set(digest, entry);
      arm(entry, quietMs);
    }
    entry.lastAt = t;
    if (environment === undefined) entry.all = true;
    else entry.environments.add(environment);
  }

  // NOTE: the timer is set once and re-armed lazily when it fires early, not reset on every mark.
  function arm(entry: DirtyCard, ms: number): void {
    entry.timer = setTimeout(() => fire(entry), Math.max(0, ms));
  }

  function fire(entry: DirtyCard): void {
    if (dirty.get(entry.digest) !== entry) return;
    const wait = Math.min(entry.lastAt + quietMs, entry.firstAt + maxWaitMs) - now();
    if (wait > 0) arm(entry, wait);
    else enqueue(entry.digest);
  }

  // NOTE: many marks can come due in one timer phase (a burst, the start-up reconcile); rendering
  // them all there would hold every request behind them, so they render a few per turn.
  const ready = new Set<string>();
  let draining = false;
  function enqueue(digest: string): void {
    ready.add(digest);
    if (draining) return;
    draining = true;
    setImmediate(drain);
  }

  function drain(): void {
    let n = 0;
    for (const digest of ready) {
      if (!budget.take()) break;
      ready.delete(digest);
      options.render(digest);
      if (++n >= RENDERS_PER_TURN) break;
    }
    const wait = ready.size === 0 ? undefined : budget.waitMs();
    if (wait === undefined) draining = false;
    else if (wait === 0) setImmediate(drain);
    else setTimeout(drain, wait).unref();
  }

  return {
    mark,
    /** Removes an artifact's pending render and answers it (the caller renders it now). */
    take(digest: string): DirtyCard | undefined {
      const entry = dirty.get(digest);
      if (!entry) return undefined;
      clearTimeout(entry.timer);
      dirty.delete(digest);
      return entry;
    },
    /** One card is being rendered now: it no longer waits (the artifact's other cards still do). */
    consume(digest: string, environment: string): void {
      const entry = dirty.get(digest);
      if (!entry || entry.all) return;
      entry.environments.delete(environment);
      if (entry.environments.size === 0) {
        clearTimeout(entry.timer);
        dirty.delete(digest);
      }
    },
    has(digest: string, environment: string): boolean {
      const entry = dirty.get(digest);
      return entry !== undefined && (entry.all || entry.environments.has(environment));
    },
    digests: (): string[] => [...dirty.keys()],
    size: (): number => dirty.size,
    clear(): void {
      for (const entry of dirty.values()) clearTimeout(entry.timer);
      dirty.clear();
      ready.clear();
    },
  };
}
