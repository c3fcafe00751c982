/**
 * The intake writer thread (see intake-writer.ts): the same group-committed evidence transactions
 * as in-process, on a connection of its own. Outcomes go back once durable, batched per turn.
 */
import { parentPort, workerData } from "node:worker_threads";
import { isCodedError } from "../../errors.js";
import { BACKSTOP_PAGES } from "./background-checkpoint.js";
import type { FromWriter, ToWriter, WriterOutcome } from "./intake-writer-protocol.js";
import { openDatabase } from "./open-database.js";
import { createStores } from "./stores.js";
import { writeTurnsOn } from "./write-turns.js";

const port = parentPort;
if (port === null) throw new Error("intake-writer-thread.js runs as a worker thread");

const { path, turns } = workerData as { path: string; turns: SharedArrayBuffer };
const db = openDatabase(path);
// The background checkpointer keeps the WAL short; this connection's own checkpoint is a backstop.
db.pragma(`wal_autocheckpoint = ${BACKSTOP_PAGES}`);
let outcomes: WriterOutcome[] = [];
let commits: [number, number][] = [];
let scheduled = false;
const stores = createStores(db, {
  onCommit: (requests, seconds) => commits.push([requests, seconds]),
  writeTurns: writeTurnsOn(turns, "thread"),
});

function send(outcome: WriterOutcome): void {
  outcomes.push(outcome);
  if (scheduled) return;
  scheduled = true;
  setImmediate(() => {
    scheduled = false;
    const message: FromWriter = { type: "outcomes", outcomes, commits };
    outcomes = [];
    commits = [];
    port?.postMessage(message);
  });
}

port.on("message", (message: ToWriter) => {
  if (message.type === "close") {
    void stores.intake.drain().finally(() => {
      db.close();
      port.postMessage({ type: "closed" } satisfies FromWriter);
    });
    return;
  }
  for (const job of message.jobs) {
    stores.intake.recordEvidence(job.request, job.receivedAt).then(
      (value) => send({ id: job.id, ok: true, value }),
      (error: unknown) =>
        send({
          id: job.id,
          ok: false,
          error: isCodedError(error)
            ? { code: error.code, message: error.message, hint: error.hint, details: error.details }
            : { message: error instanceof Error ? error.message : String(error) },
        }),
    );
  }
});
