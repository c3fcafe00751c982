/** The WAL barrier: a real fdatasync for file databases, and sharing that never skips a commit. */
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { coalesced, createWalSync } from "../../../src/adapters/sqlite/wal-sync.js";
import { createTestDb, type TestDb } from "../../helpers/test-db.js";

function deferred() {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe("WAL barrier", () => {
  let test: TestDb | undefined;
  afterEach(() => test?.cleanup());

  it("syncs the WAL of a file database in WAL mode and refuses to relax anything else", async () => {
    test = createTestDb();
    const sync = createWalSync(test.db);
    expect(sync).toBeTypeOf("function");
    test.db.exec("CREATE TABLE t (v TEXT); INSERT INTO t VALUES ('x')");
    await expect(sync?.()).resolves.toBeUndefined();
    expect(createWalSync(new Database(":memory:"))).toBeUndefined();
    const rollback = new Database(`${test.dir}/rollback.db`);
    expect(createWalSync(rollback)).toBeUndefined();
    rollback.close();
    test.db.pragma("synchronous = NORMAL");
    expect(createWalSync(test.db)).toBeUndefined();
  });

  it("runs two syncs at once; callers arriving meanwhile share the next, started after one ends", async () => {
    const runs: ReturnType<typeof deferred>[] = [];
    const sync = coalesced(() => {
      const run = deferred();
      runs.push(run);
      return run.promise;
    });
    const first = sync();
    const second = sync();
    expect(runs).toHaveLength(2);
    const third = sync();
    const fourth = sync();
    expect(runs).toHaveLength(2);
    let thirdDone = false;
    void third.then(() => {
      thirdDone = true;
    });
    runs[0]?.resolve();
    await first;
    // The running syncs may have begun before the third caller's commit: they do not count for it.
    await new Promise((resolve) => setImmediate(resolve));
    expect(thirdDone).toBe(false);
    expect(runs).toHaveLength(3);
    runs[1]?.resolve();
    await second;
    expect(thirdDone).toBe(false);
    runs[2]?.resolve();
    await Promise.all([third, fourth]);
    expect(runs).toHaveLength(3);
  });

  it("fails the callers of a failed sync and recovers for the next ones", async () => {
    let fail = true;
    const sync = coalesced(() => (fail ? Promise.reject(new Error("EIO")) : Promise.resolve()));
    await expect(sync()).rejects.toThrow("EIO");
    fail = false;
    await expect(sync()).resolves.toBeUndefined();
  });
});
