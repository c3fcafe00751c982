/** Promotion writes: `relaxed` commits without a sync on the event loop, `durable` waits for one. */
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { createTransactor } from "../../../src/adapters/sqlite/promotion-store.js";
import { createWriteTurns } from "../../../src/adapters/sqlite/write-turns.js";
import { createTestDb, type TestDb } from "../../helpers/test-db.js";
import { RELEASED, startTurnHolder } from "../../helpers/turn-holder.js";

describe("the promotion transactor", () => {
  let t: TestDb | undefined;
  afterEach(() => t?.cleanup());

  function setup() {
    t = createTestDb();
    t.db.exec("CREATE TABLE t (v TEXT)");
    const syncs: (() => void)[] = [];
    const barrier = () => new Promise<void>((resolve) => syncs.push(resolve));
    const read = () => {
      const other = new Database(t?.path ?? "", { readonly: true });
      const rows = other.prepare("SELECT v FROM t").pluck().all();
      other.close();
      return rows;
    };
    return { db: t.db, syncs, barrier, read };
  }

  it("commits a relaxed write for every reader at once and keeps the connection's sync level", () => {
    const { db, barrier, read } = setup();
    const tx = createTransactor(db, barrier);
    tx.relaxed(() => db.prepare("INSERT INTO t VALUES ('approved')").run());
    expect(read()).toEqual(["approved"]);
    expect(db.pragma("synchronous", { simple: true })).toBe(2);
  });

  it("resolves durable() only once a sync that began after the commit has finished", async () => {
    const { db, syncs, barrier } = setup();
    const tx = createTransactor(db, barrier);
    tx.relaxed(() => db.prepare("INSERT INTO t VALUES ('approved')").run());
    let durable = false;
    const waiting = tx.durable().then(() => {
      durable = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(durable).toBe(false);
    syncs[0]?.();
    await waiting;
    expect(durable).toBe(true);
  });

  it("rolls a relaxed write back whole when it throws", () => {
    const { db, barrier, read } = setup();
    const tx = createTransactor(db, barrier);
    expect(() =>
      tx.relaxed(() => {
        db.prepare("INSERT INTO t VALUES ('half')").run();
        throw new Error("refused");
      }),
    ).toThrow("refused");
    expect(read()).toEqual([]);
    expect(db.pragma("synchronous", { simple: true })).toBe(2);
  });

  it("commits at NORMAL only when a barrier will sync it later; without one, in place at FULL", async () => {
    const { db, barrier, read } = setup();
    const levelDuring = (tx: ReturnType<typeof createTransactor>) =>
      tx.relaxed(() => {
        db.prepare("INSERT INTO t VALUES ('approved')").run();
        return db.pragma("synchronous", { simple: true });
      });
    expect(levelDuring(createTransactor(db, barrier))).toBe(1);
    const unsynced = createTransactor(db);
    expect(levelDuring(unsynced)).toBe(2);
    expect(read()).toEqual(["approved", "approved"]);
    await expect(unsynced.durable()).resolves.toBeUndefined();
  });

  it("waits for the intake thread's turn before it takes the write lock", async () => {
    const { db, barrier, read } = setup();
    const turns = createWriteTurns();
    const thread = await startTurnHolder(turns);
    try {
      await thread.hold(100);
      const tx = createTransactor(db, barrier, turns);
      // SQLite's lock is free: only the turn, still the thread's, keeps this write waiting.
      tx.immediate(() => db.prepare("INSERT INTO t VALUES ('after the thread')").run());
      expect(thread.phase()).toBe(RELEASED);
      expect(read()).toEqual(["after the thread"]);
      // The turn was given back: the thread gets the next one at once.
      expect((await thread.hold(0)).granted).toBe(true);
    } finally {
      await thread.stop();
    }
  });
});
