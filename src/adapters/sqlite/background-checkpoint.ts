/**
 * WAL checkpoints off the request path. SQLite's automatic checkpoint runs inside whichever
 * COMMIT crosses the threshold, stalling the event loop (and every request in that group commit)
 * for two fsyncs and a copy. A worker thread with its own connection runs PASSIVE checkpoints,
 * which never block the writer; the automatic one stays as a backstop at a larger size.
 */
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import type { Db } from "./open-database.js";

/**
 * The automatic checkpoint that remains, for every writing connection: a backstop, not the rule.
 * NOTE: 16,000 pages (64 MB), not 4,000: a PASSIVE checkpoint copies every frame, but the WAL
 * only starts over when a writer finds no reader inside it, so under a steady load it kept growing
 * past 4,000 frames. The intake commit that crossed the line then ran the checkpoint itself, syncing
 * the database file inside COMMIT: intake commits had a p99 of 23-27 ms on the 1M-row database,
 * 6 ms with this limit (bench/ingest.bench.ts).
 */
export const BACKSTOP_PAGES = 16_000;

// CommonJS source run with `eval: true`, so it works the same from src/ (vitest) and dist/.
const WORKER = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.driver);
const db = new Database(workerData.path);
db.pragma("synchronous = FULL");
const timer = setInterval(() => {
  try { db.pragma("wal_checkpoint(PASSIVE)"); } catch (error) { parentPort.postMessage(String(error)); }
}, workerData.intervalMs);
parentPort.on("message", () => { clearInterval(timer); db.close(); parentPort.close(); });
`;

export interface Checkpointer {
  stop(): Promise<void>;
}

export function startBackgroundCheckpoint(
  db: Db,
  path: string,
  options: { intervalMs?: number; onError?: (message: string) => void } = {},
): Checkpointer {
  if (path === ":memory:") return { stop: async () => {} };
  db.pragma(`wal_autocheckpoint = ${BACKSTOP_PAGES}`);
  const driver = createRequire(import.meta.url).resolve("better-sqlite3");
  const worker = new Worker(WORKER, {
    eval: true,
    workerData: { path, driver, intervalMs: options.intervalMs ?? 100 },
  });
  worker.on("message", (message: string) => options.onError?.(message));
  worker.on("error", (error) => options.onError?.(String(error)));
  worker.unref();
  const exited = new Promise<void>((resolve) => worker.once("exit", () => resolve()));
  return {
    stop() {
      // Referenced again so the process waits for the worker to close its connection.
      worker.ref();
      worker.postMessage("stop");
      return exited;
    },
  };
}
