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
 *
 * NOTE: under a steady load this backstop is the only thing that starts the WAL over. The
 * background checkpointer copies every frame that was there when it began, but the writer has
 * appended more by the time it ends, and the WAL restarts only when a writer finds it fully
 * copied. So the intake commit that crosses this line copies what the background pass has not
 * (about 1,000 pages, 100 ms of writes) and syncs the database file inside COMMIT: 24-32 ms with
 * every request of that commit and the next waiting, measured on the 1M-row database.
 * - 4,000 pages: crossed several times a second; intake commit p99 23-27 ms.
 * - 16,000 (64 MB): about once a second on 1M rows (13,000 frames/s there); ingest p99 27-30 ms.
 * - 64,000 (256 MB): about every 5 s; ingest p99 21-25 ms in the same interleaved runs.
 * The WAL file keeps the size it reached (SQLite reuses it), so a server that has seen a long
 * burst holds up to 256 MB beside the database; an idle one starts it over at the next write.
 */
export const BACKSTOP_PAGES = 64_000;

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
