/** Group commit with a durability barrier: nothing is settled before the barrier says it is on disk. */
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { createGroupCommit } from "../../../src/adapters/sqlite/group-commit.js";
import { createTestDb, type TestDb } from "../../helpers/test-db.js";

function controlledBarrier() {
  const pending: (() => void)[] = [];
  const failing: ((error: Error) => void)[] = [];
  return {
    calls: () => pending.length,
    sync: () =>
      new Promise<void>((resolve, reject) => {
        pending.push(resolve);
        failing.push(reject);
      }),
    release: (index: number) => pending[index]?.(),
    fail: (index: number, error: Error) => failing[index]?.(error),
  };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe("group commit with a barrier", () => {
  let test: TestDb | undefined;
  afterEach(() => test?.cleanup());

  function setup() {
    test = createTestDb();
    test.db.exec("CREATE TABLE t (v TEXT UNIQUE)");
    const barrier = controlledBarrier();
    const sizes: number[] = [];
    const insert = test.db.prepare("INSERT INTO t VALUES (?)");
    const commits = createGroupCommit(test.db, insert, {
      barrier: barrier.sync,
      onCommit: (n) => sizes.push(n),
    });
    const seen = () => {
      const other = new Database(test?.path ?? "", { readonly: true });
      const rows = other.prepare("SELECT v FROM t ORDER BY v").pluck().all();
      other.close();
      return rows;
    };
    return { db: test.db, barrier, sizes, commits, seen };
  }

  it("resolves only after the barrier, and keeps the connection's own sync level", async () => {
    const { db, barrier, commits, seen } = setup();
    let settled = false;
    const done = commits
      .commit((insert) => insert.run("a"))
      .then(() => {
        settled = true;
      });
    await turn();
    expect(seen()).toEqual(["a"]);
    expect(barrier.calls()).toBe(1);
    await turn();
    expect(settled).toBe(false);
    expect(db.pragma("synchronous", { simple: true })).toBe(2);
    barrier.release(0);
    await done;
    expect(settled).toBe(true);
  });

  it("commits the next batch while one syncs, and gathers what comes after into one commit", async () => {
    const { barrier, sizes, commits } = setup();
    const first = commits.commit((insert) => insert.run("a"));
    await turn();
    // The disk works on "a"; "b, c, d" commit meanwhile and wait for a sync of their own.
    const second = ["b", "c", "d"].map((v) => commits.commit((insert) => insert.run(v)));
    await turn();
    expect(sizes).toEqual([1, 3]);
    expect(barrier.calls()).toBe(2);
    // Two batches wait for the disk: later work queues up and becomes one commit.
    const third = ["e", "f"].map((v) => commits.commit((insert) => insert.run(v)));
    await turn();
    await turn();
    expect(sizes).toEqual([1, 3]);
    let secondSettled = false;
    void Promise.all(second).then(() => {
      secondSettled = true;
    });
    barrier.release(0);
    await first;
    await turn();
    expect(secondSettled).toBe(false);
    expect(sizes).toEqual([1, 3, 2]);
    barrier.release(1);
    await Promise.all(second);
    barrier.release(2);
    await Promise.all(third);
    await expect(commits.drain()).resolves.toBeUndefined();
  });

  it("refuses every request of a commit whose sync failed, and one request's error alone", async () => {
    const { barrier, commits } = setup();
    const ok = commits.commit((insert) => insert.run("a"));
    const dup = commits.commit((insert) => insert.run("a"));
    await turn();
    barrier.fail(0, new Error("EIO"));
    await expect(ok).rejects.toThrow("EIO");
    await expect(dup).rejects.toThrow("EIO");
    const next = commits.commit((insert) => insert.run("b"));
    const clash = commits.commit((insert) => insert.run("a"));
    await turn();
    barrier.release(1);
    await expect(next).resolves.toBeDefined();
    await expect(clash).rejects.toThrow(/UNIQUE/);
  });
});
