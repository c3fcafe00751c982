/**
 * Writes of the card store and the outbox, batched and kept off the event loop's disk path.
 *
 * Every write queued in one event-loop turn runs in one transaction (each in its own SAVEPOINT,
 * so one failing write rolls back alone). With a `barrier` (an fdatasync of the WAL on the thread
 * pool, as intake uses) the transaction commits at synchronous=NORMAL and each write's promise
 * resolves only once the barrier has synced it; without one it commits at the connection's level.
 *
 * NOTE: callers act on a write only after its promise resolves, which is what keeps the outbox
 * exactly-once across a power cut: a new card's row is on disk before the worker posts it
 * (`durableThrough`), and a posted card's ts is on disk before its line sends the next update.
 */
import type Database from "better-sqlite3";
import { relaxedCommits } from "../../sqlite/wal-sync.js";
import type { WriteTurns } from "../../sqlite/write-turns.js";

export type Barrier = () => Promise<void>;

interface Job {
  work: () => unknown;
  /** Settle only once synced; otherwise as soon as committed (the barrier still covers it later). */
  durable: boolean;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

export type SlackWriter = ReturnType<typeof createSlackWriter>;

/**
 * `turns`: present while evidence is written on the intake writer thread; each batch waits for its
 * turn at the write lock without blocking the event loop (sqlite/write-turns.ts).
 */
export function createSlackWriter(db: Database.Database, barrier?: Barrier, turns?: WriteTurns) {
  let queue: Job[] = [];
  let scheduled = false;
  let awaitingTurn = false;
  const busyTimeoutMs = db.pragma("busy_timeout", { simple: true }) as number;
  /** Commits whose barrier has not returned yet, by commit number. */
  const syncing = new Map<number, Promise<void>>();
  /** Batches committed so far, and the highest of them a returned barrier has covered. */
  let committed = 0;
  let synced = 0;
  let inFlight = 0;
  const one = db.transaction((work: () => unknown) => work());
  const all = db.transaction((jobs: Job[]): Outcome[] =>
    jobs.map((job) => {
      try {
        return { ok: true, value: one(job.work) };
      } catch (error) {
        return { ok: false, error };
      }
    }),
  );
  const relaxed = barrier ? relaxedCommits(db) : <T>(work: () => T): T => work();

  function run(jobs: Job[]): Outcome[] {
    return relaxed(() => all.immediate(jobs));
  }

  function flush(): void {
    scheduled = false;
    if (queue.length === 0 || awaitingTurn) return;
    if (turns === undefined || turns.tryTake()) {
      commitQueued(turns !== undefined);
      return;
    }
    // The intake thread is committing. Writes queued while we wait join this batch.
    awaitingTurn = true;
    void turns.take(busyTimeoutMs).then((granted) => {
      awaitingTurn = false;
      // Not granted in time: go ahead, SQLite's busy handler arbitrates as it would without turns.
      commitQueued(granted);
    });
  }

  function commitQueued(holdingTurn: boolean): void {
    const jobs = queue;
    queue = [];
    let outcomes: Outcome[];
    try {
      outcomes = run(jobs);
    } catch (error) {
      finish(jobs, () => rejectAll(jobs, error));
      return;
    } finally {
      if (holdingTurn) turns?.release();
    }
    if (!barrier) {
      finish(jobs, () => settle(jobs, outcomes));
      return;
    }
    const commit = ++committed;
    const early = jobs.filter((job) => !job.durable);
    if (early.length > 0) finish(early, () => settle(jobs, outcomes, false));
    const waiting = jobs.filter((job) => job.durable);
    const done = barrier().then(
      () => {
        // A sync that began after this commit covers every earlier one too.
        synced = Math.max(synced, commit);
        finish(waiting, () => settle(jobs, outcomes, true));
      },
      // Not known to be on disk: nobody may act on it (a later write or the start-up reconcile redoes it).
      (error: unknown) => finish(waiting, () => rejectAll(waiting, error)),
    );
    syncing.set(commit, done);
    void done.finally(() => syncing.delete(commit));
  }

  /** Resolves once commit `mark` (and every one before it) is known to be on disk. */
  async function durableThrough(mark: number): Promise<void> {
    while (barrier && synced < mark) {
      const covering = [...syncing.keys()].find((commit) => commit >= mark);
      if (covering !== undefined) {
        await syncing.get(covering);
        continue;
      }
      // Every barrier that could cover it failed: ask for one more, which throws if the disk still does.
      const at = committed;
      await barrier();
      synced = Math.max(synced, at);
    }
  }

  function finish(jobs: Job[], settleAll: () => void): void {
    inFlight -= jobs.length;
    settleAll();
  }

  return {
    /**
     * Runs `work` in the next batch; resolves with its result once it is committed and durable, or
     * with `{ durable: false }` once committed (for writes whose loss in a power cut is redone anyway).
     */
    write<T>(work: () => T, options: { durable?: boolean } = {}): Promise<T> {
      inFlight++;
      const durable = options.durable ?? true;
      return new Promise<T>((resolve, reject) => {
        queue.push({ work, durable, resolve: resolve as (value: unknown) => void, reject });
        if (!scheduled) {
          scheduled = true;
          setImmediate(flush);
        }
      });
    },
    /** Commits what is queued now instead of at the end of the turn (a render someone waits for). */
    commitNow(): void {
      // Inside someone's transaction the batch would join it: the scheduled flush commits it instead.
      if (!db.inTransaction) flush();
    },
    /**
     * Marks what is visible now: rows read after this call were committed by batch `mark` or
     * earlier, so `durableThrough(mark)` — often already true — makes them safe to act on.
     */
    commitMark: (): number => committed,
    durableThrough,
    /** Writes queued or waiting for their barrier. */
    pending: (): number => inFlight,
    /** Resolves when every write queued so far has settled (stop, before the database closes). */
    async settled(): Promise<void> {
      while (inFlight > 0) {
        await new Promise((resolve) => setImmediate(resolve));
        await Promise.allSettled([...syncing.values()]);
      }
    },
  };
}

function rejectAll(jobs: Job[], error: unknown): void {
  for (const job of jobs) job.reject(error);
}

function settle(jobs: Job[], outcomes: Outcome[], durable?: boolean): void {
  jobs.forEach((job, i) => {
    if (durable !== undefined && job.durable !== durable) return;
    const outcome = outcomes[i] as Outcome;
    if (outcome.ok) job.resolve(outcome.value);
    else job.reject(outcome.error);
  });
}
