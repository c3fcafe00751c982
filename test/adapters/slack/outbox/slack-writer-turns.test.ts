/**
 * While the intake writer thread holds SQLite's write lock, card and outbox writes wait for their
 * turn (sqlite/write-turns.ts) with the event loop still running, instead of sleeping in SQLite's
 * busy handler, and commit as soon as the thread is done.
 */
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createSlackWriter } from "../../../../src/adapters/slack/outbox/slack-writer.js";
import { createWriteTurns } from "../../../../src/adapters/sqlite/write-turns.js";
import { createTestDb, type TestDb } from "../../../helpers/test-db.js";

// The intake thread's side: its turn, then SQLite's write lock on its own connection, held for
// `holdMs` of work, then COMMIT and the turn released, as the thread's group commit does.
const INTAKE_THREAD = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.driver);
import(workerData.turnsModule).then(({ writeTurnsOn }) => {
  const turns = writeTurnsOn(workerData.buffer, "thread");
  const db = new Database(workerData.path);
  turns.takeBlocking(5000);
  db.exec("BEGIN IMMEDIATE");
  db.prepare("INSERT INTO probe (who) VALUES ('thread')").run();
  parentPort.postMessage("holding");
  const until = Date.now() + workerData.holdMs;
  while (Date.now() < until) {}
  db.exec("COMMIT");
  turns.release();
  db.close();
  parentPort.postMessage("released");
});
`;

describe("the Slack writer beside the intake writer thread", () => {
  let t: TestDb;
  beforeEach(() => {
    t = createTestDb();
    t.db.exec("CREATE TABLE probe (seq INTEGER PRIMARY KEY, who TEXT NOT NULL)");
  });
  afterEach(() => t.cleanup());

  it("waits for the thread's turn without blocking the event loop, then commits", async () => {
    const turns = createWriteTurns();
    const thread = new Worker(INTAKE_THREAD, {
      eval: true,
      workerData: {
        buffer: turns.buffer,
        path: t.path,
        holdMs: 300,
        driver: createRequire(import.meta.url).resolve("better-sqlite3"),
        turnsModule: new URL("../../../../dist/src/adapters/sqlite/write-turns.js", import.meta.url).href,
      },
    });
    const said = (word: string) =>
      new Promise<void>((resolve) => thread.on("message", (m) => m === word && resolve()));
    const released = said("released");
    await said("holding");

    const writer = createSlackWriter(t.db, undefined, turns);
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 5);
    const insert = t.db.prepare("INSERT INTO probe (who) VALUES ('event loop')");
    await writer.write(() => insert.run());
    clearInterval(ticker);
    await released;
    await thread.terminate();

    // Asleep in SQLite's busy handler, the loop would not have ticked while the thread held the lock.
    expect(ticks).toBeGreaterThan(10);
    expect(t.db.prepare("SELECT who FROM probe ORDER BY seq").pluck().all()).toEqual([
      "thread",
      "event loop",
    ]);
  });
});
