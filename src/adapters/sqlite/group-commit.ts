/**
 * Group commit. Requests validated in the same event-loop turn share one transaction and are
 * answered together once it is durable. Each request runs in its own SAVEPOINT: one request's
 * `artifact_conflict` rolls back that request alone. better-sqlite3 is synchronous, so everything
 * queued before the `setImmediate` fires is, by construction, the concurrent work of that turn.
 *
 * Durability: with a `barrier` (wal-sync.ts) the transaction commits with synchronous=NORMAL and
 * the requests are settled only after the barrier has synced the WAL, so the event loop keeps
 * reading and validating the next requests while the disk works. Without one, COMMIT syncs in
 * place (synchronous=FULL, as the connection was opened).
 *
 * Pipelining: while one batch's sync runs, the next batch commits (its sync is the one after),
 * so COMMIT's CPU work overlaps the disk's; a third waits, growing into one bigger commit.
 */
import type { Db } from "./open-database.js";
import { relaxedCommits, type WalSync } from "./wal-sync.js";
import type { WriteTurns } from "./write-turns.js";

interface Job<C> {
  work: (context: C) => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

export interface GroupCommit<C> {
  commit<T>(work: (context: C) => T): Promise<T>;
  /** Resolves once everything queued so far has been committed, made durable, and settled. */
  drain(): Promise<void>;
}

export interface GroupCommitOptions {
  onCommit?: ((requests: number, seconds: number) => void) | undefined;
  /** Makes the commits before it durable; see the file comment. */
  barrier?: WalSync | undefined;
  /** Taken around each commit on the intake writer thread, so the event loop never sleeps on the lock (write-turns.ts). */
  turns?: WriteTurns | undefined;
}

/** Batches in flight to the disk: one syncing, one committed behind it. */
const PIPELINE_DEPTH = 2;

export function createGroupCommit<C>(db: Db, context: C, options: GroupCommitOptions = {}): GroupCommit<C> {
  const { onCommit, barrier, turns } = options;
  const busyTimeoutMs = db.pragma("busy_timeout", { simple: true }) as number;
  let queue: Job<C>[] = [];
  let scheduled = false;
  /** Batches committed and waiting for their sync; at most PIPELINE_DEPTH (see commit). */
  let unsynced = 0;
  /** Batches committed but not yet settled (waiting for the barrier). */
  const settling = new Set<Promise<void>>();
  let flushed: Promise<void> | undefined;
  let flushedResolve: (() => void) | undefined;

  // Nested better-sqlite3 transactions become SAVEPOINTs and roll back alone when they throw.
  const one = db.transaction((work: Job<C>["work"]) => work(context));
  const all = db.transaction((jobs: Job<C>[]): Outcome[] => {
    const outcomes: Outcome[] = new Array(jobs.length);
    for (let i = 0; i < jobs.length; i++) {
      try {
        outcomes[i] = { ok: true, value: one((jobs[i] as Job<C>).work) };
      } catch (error) {
        outcomes[i] = { ok: false, error };
      }
    }
    return outcomes;
  });
  // NOTE: only intake commits are relaxed; every other write on this connection stays as opened.
  const relaxed = barrier ? relaxedCommits(db) : <T>(work: () => T): T => work();

  function run(jobs: Job<C>[]): Outcome[] {
    if (turns === undefined) return relaxed(() => all.immediate(jobs));
    // Not granted in time: go ahead, SQLite's busy handler arbitrates as it would without turns.
    const granted = turns.takeBlocking(busyTimeoutMs);
    try {
      return relaxed(() => all.immediate(jobs));
    } finally {
      if (granted) turns.release();
    }
  }

  function flushScheduled(): void {
    if (scheduled && unsynced < PIPELINE_DEPTH) flush();
  }

  function flush(): void {
    scheduled = false;
    const jobs = queue;
    queue = [];
    const started = performance.now();
    let outcomes: Outcome[] | undefined;
    try {
      // IMMEDIATE takes the write lock up front, so a concurrent writer (CLI, scheduler) waits on
      // busy_timeout here instead of failing at COMMIT.
      outcomes = run(jobs);
    } catch (error) {
      for (const job of jobs) job.reject(error);
    }
    onCommit?.(jobs.length, (performance.now() - started) / 1000);
    if (outcomes !== undefined) {
      if (barrier === undefined) settle(jobs, outcomes);
      else awaitBarrier(barrier, jobs, outcomes);
    }
    flushedResolve?.();
    flushed = flushedResolve = undefined;
  }

  function awaitBarrier(sync: WalSync, jobs: Job<C>[], outcomes: Outcome[]): void {
    unsynced++;
    const done: Promise<void> = sync().then(
      () => settle(jobs, outcomes),
      // Not known to be on disk: nobody is told it was stored (a retry is a duplicate at worst).
      (error: unknown) => {
        for (const job of jobs) job.reject(error);
      },
    );
    settling.add(done);
    void done.finally(() => {
      settling.delete(done);
      unsynced--;
      // Everything that queued up meanwhile becomes the next commit.
      if (queue.length > 0) flush();
    });
  }

  return {
    commit<T>(work: (context: C) => T): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
        if (!scheduled) {
          scheduled = true;
          // NOTE: with two batches waiting for the disk, new work waits and joins the next commit
          // when a sync is done: it could not be answered before a later sync anyway, and one
          // bigger commit writes fewer WAL pages than several small ones.
          if (unsynced < PIPELINE_DEPTH) setImmediate(flushScheduled);
        }
      });
    },
    async drain() {
      if (scheduled) {
        flushed ??= new Promise<void>((resolve) => {
          flushedResolve = resolve;
        });
        await flushed;
      }
      await Promise.all([...settling]);
    },
  };
}

function settle<C>(jobs: Job<C>[], outcomes: Outcome[]): void {
  for (let i = 0; i < jobs.length; i++) {
    const job = jobs[i] as Job<C>;
    const outcome = outcomes[i] as Outcome;
    if (outcome.ok) job.resolve(outcome.value);
    else job.reject(outcome.error);
  }
}
