/**
 * Evidence is written on a thread of its own. Ingest is the hot path (every CI step reports), and
 * its SQLite work — statements, then COMMIT writing WAL frames — cost as much event-loop time as
 * the HTTP handling itself; on its own thread it runs in parallel with the next requests' HTTP,
 * signature and schema work, and never stalls a Slack ack. The thread runs the very same group
 * commit and WAL sync barrier (group-commit.ts, wal-sync.ts), so a 202 still means durable.
 *
 * Jobs of one event-loop turn travel as one message, and outcomes come back the same way, so the
 * hop costs a few microseconds per request. Other writers (promotions, the Slack outbox) keep the
 * main connection; SQLite's write lock and busy_timeout serialise the two connections.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { CodedError, type ErrorCode } from "../../errors.js";
import type { EvidenceRecorded, EvidenceRequest } from "../../flows/intake-ports.js";
import type {
  FromWriter,
  ToWriter,
  WriterFailure,
  WriterJob,
  WriterOutcome,
} from "./intake-writer-protocol.js";
import { createWriteTurns, type WriteTurns } from "./write-turns.js";

export interface IntakeWriter {
  recordEvidence(request: EvidenceRequest, receivedAt: Date): Promise<EvidenceRecorded>;
  /** Resolves once every job handed over so far has its outcome. */
  drain(): Promise<void>;
  /** Drains, then closes the thread's connection and ends the thread. */
  close(): Promise<void>;
  /** The event loop's side of the turns the thread takes at the write lock (write-turns.ts). */
  readonly turns: WriteTurns;
}

export interface IntakeWriterOptions {
  /** Runs the jobs in-process when the thread has died (an error is logged once). */
  fallback(request: EvidenceRequest, receivedAt: Date): Promise<EvidenceRecorded>;
  onCommit?: ((requests: number, seconds: number) => void) | undefined;
  onFailure?: ((error: unknown) => void) | undefined;
}

interface Pending {
  resolve(value: EvidenceRecorded): void;
  reject(error: unknown): void;
}

/** The writer for the database file at `path`, or undefined when the thread's code is not built. */
export function startIntakeWriter(path: string, options: IntakeWriterOptions): IntakeWriter | undefined {
  const entry = threadEntry();
  if (entry === undefined) return undefined;
  const turns = createWriteTurns();
  const worker = new Worker(entry, { workerData: { path, turns: turns.buffer } });
  worker.unref();
  const pending = new Map<number, Pending>();
  let queue: WriterJob[] = [];
  let nextId = 0;
  let scheduled = false;
  let dead = false;
  let drained: (() => void)[] = [];
  let closed: (() => void) | undefined;

  worker.on("message", (message: FromWriter) => {
    if (message.type === "closed") return closed?.();
    for (const [requests, seconds] of message.commits) options.onCommit?.(requests, seconds);
    for (const outcome of message.outcomes) settle(outcome);
    idleCheck();
  });
  worker.on("error", (error) => stopped(error));
  worker.on("exit", (code) => {
    closed?.();
    if (closed === undefined) stopped(new Error(`intake writer thread exited with ${code}`));
  });

  /**
   * The thread is gone. Jobs it was sent are not known to be stored: they fail, and a retry with
   * the same delivery key is answered as a duplicate if they were. Jobs not yet sent run here.
   */
  function stopped(error: unknown): void {
    if (dead) return;
    dead = true;
    // A thread that died holding its turn released SQLite's lock with its connection.
    turns.reset();
    options.onFailure?.(error);
    const unsent = queue;
    queue = [];
    for (const job of unsent) {
      const waiting = pending.get(job.id);
      pending.delete(job.id);
      if (waiting) options.fallback(job.request, job.receivedAt).then(waiting.resolve, waiting.reject);
    }
    for (const { reject } of pending.values()) reject(error);
    pending.clear();
    idleCheck();
  }

  function settle(outcome: WriterOutcome): void {
    const job = pending.get(outcome.id);
    pending.delete(outcome.id);
    if (job === undefined) return;
    if (outcome.ok) job.resolve(outcome.value);
    else job.reject(revive(outcome.error));
  }

  function idleCheck(): void {
    if (pending.size > 0) return;
    worker.unref();
    const waiters = drained;
    drained = [];
    for (const resolve of waiters) resolve();
  }

  function flush(): void {
    scheduled = false;
    const jobs = queue;
    queue = [];
    if (jobs.length > 0 && !dead) worker.postMessage({ type: "jobs", jobs } satisfies ToWriter);
  }

  return {
    turns,
    recordEvidence(request, receivedAt) {
      if (dead) return options.fallback(request, receivedAt);
      return new Promise<EvidenceRecorded>((resolve, reject) => {
        const id = ++nextId;
        pending.set(id, { resolve, reject });
        queue.push({ id, request, receivedAt });
        // Referenced while answers are owed, so the process waits for them.
        if (pending.size === 1) worker.ref();
        if (!scheduled) {
          scheduled = true;
          setImmediate(flush);
        }
      });
    },
    drain() {
      if (pending.size === 0) return Promise.resolve();
      return new Promise((resolve) => drained.push(resolve));
    },
    async close() {
      await this.drain();
      if (dead) return;
      dead = true;
      worker.ref();
      await new Promise<void>((resolve) => {
        closed = resolve;
        worker.postMessage({ type: "close" } satisfies ToWriter);
      });
      await worker.terminate();
    },
  };
}

function revive(failure: WriterFailure): Error {
  if (failure.code === undefined) return new Error(failure.message);
  return new CodedError(failure.code as ErrorCode, failure.message, {
    details: failure.details,
    ...(failure.hint === undefined ? {} : { hint: failure.hint }),
  });
}

/**
 * The thread's compiled module. NOTE: under vitest this file is the .ts source and a worker cannot
 * load TypeScript; `npm test` builds first, so the thread runs the compiled twin in dist/.
 */
function threadEntry(): URL | undefined {
  const sibling = new URL("./intake-writer-thread.js", import.meta.url);
  if (existsSync(fileURLToPath(sibling))) return sibling;
  const at = sibling.href.lastIndexOf("/src/adapters/sqlite/");
  if (at === -1) return undefined;
  const built = new URL(`${sibling.href.slice(0, at)}/dist${sibling.href.slice(at)}`);
  return existsSync(fileURLToPath(built)) ? built : undefined;
}
