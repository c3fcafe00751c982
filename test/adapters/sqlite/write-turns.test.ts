/**
 * Turns at the write lock between the event loop and a thread (write-turns.ts), with a real worker
 * thread on the other side: the loop waits without blocking, the thread lets a waiting loop go
 * first, nobody waits past the timeout, and a dead holder's turn can be freed.
 */
import { Worker } from "node:worker_threads";
import { afterEach, describe, expect, it } from "vitest";
import { createWriteTurns, type WriteTurns, writeTurnsOn } from "../../../src/adapters/sqlite/write-turns.js";

// The thread side, as the intake writer thread runs it. Told to hold, it takes its turn (blocking,
// as the thread does) and holds it that long. It records where it is in shared memory (the `phase`
// cell: ASKING, HOLDING, then RELEASED set just before it lets go), so the tests see the order of
// events without comparing two threads' clocks.
const ASKING = 1;
const HOLDING = 2;
const RELEASED = 3;
const HOLDER = `
const { parentPort, workerData } = require("node:worker_threads");
const phase = new Int32Array(workerData.phase);
import(workerData.module).then(({ writeTurnsOn }) => {
  const turns = writeTurnsOn(workerData.buffer, "thread", { yieldMs: workerData.yieldMs });
  parentPort.on("message", ({ hold, timeoutMs }) => {
    Atomics.store(phase, 0, ${ASKING});
    const asked = performance.now();
    const granted = turns.takeBlocking(timeoutMs ?? 5000);
    Atomics.store(phase, 0, ${HOLDING});
    parentPort.postMessage({ type: "took", granted, waitedMs: performance.now() - asked });
    const until = performance.now() + hold;
    while (performance.now() < until) {}
    Atomics.store(phase, 0, ${RELEASED});
    if (granted) turns.release();
    parentPort.postMessage({ type: "released" });
  });
  parentPort.postMessage({ type: "ready" });
});
`;

const now = () => performance.now();

describe("write turns", () => {
  const workers: Worker[] = [];
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.terminate()));
  });

  /** A thread holding the other side of `turns`; `hold(ms)` resolves once it has the turn. */
  async function holder(turns: WriteTurns, yieldMs = 2) {
    // The compiled module: a worker cannot load the TypeScript source (`npm test` builds first).
    const module = new URL("../../../dist/src/adapters/sqlite/write-turns.js", import.meta.url).href;
    const phase = new Int32Array(new SharedArrayBuffer(4));
    const worker = new Worker(HOLDER, {
      eval: true,
      workerData: { buffer: turns.buffer, module, yieldMs, phase: phase.buffer },
    });
    workers.push(worker);
    const messages: { type: string; [field: string]: unknown }[] = [];
    const waiters: (() => void)[] = [];
    worker.on("message", (m) => {
      messages.push(m);
      for (const w of waiters.splice(0)) w();
    });
    const next = async (type: string) => {
      for (;;) {
        const found = messages.find((m) => m.type === type);
        if (found) {
          messages.splice(messages.indexOf(found), 1);
          return found;
        }
        await new Promise<void>((resolve) => waiters.push(resolve));
      }
    };
    await next("ready");
    return {
      async hold(ms: number, timeoutMs?: number) {
        worker.postMessage({ hold: ms, timeoutMs });
        return next("took");
      },
      released: () => next("released"),
      phase: () => Atomics.load(phase, 0),
    };
  }

  it("makes the event loop wait for the thread's turn without blocking it", async () => {
    const turns = createWriteTurns();
    const thread = await holder(turns);
    await thread.hold(150);
    expect(turns.tryTake()).toBe(false);

    let ticks = 0;
    const ticker = setInterval(() => ticks++, 5);
    const asked = now();
    const granted = await turns.take(5000);
    const got = now();
    clearInterval(ticker);

    expect(granted).toBe(true);
    expect(thread.phase()).toBe(RELEASED);
    // The loop ran its timers the whole time it waited.
    expect(ticks).toBeGreaterThan((got - asked) / 5 / 3);
    await thread.released();
    turns.release();
  });

  // These two use a long yield (200 ms instead of 2) so that who wins does not depend on how fast
  // this machine wakes a thread.
  const busyFor = (ms: number) => {
    const until = now() + ms;
    while (now() < until) {}
  };

  /** The loop holds the turn while the thread asks for it; the loop asks for its next and lets go. */
  async function loopAsksAgainAsItLetsGo(turns: WriteTurns) {
    const thread = await holder(turns, 200);
    expect(turns.tryTake()).toBe(true);
    const threadTook = thread.hold(0);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const loopNext = turns.take(5000);
    turns.release();
    return { thread, threadTook, loopNext };
  }

  it("lets a waiting event loop go before the thread takes the lock again", async () => {
    const turns = createWriteTurns();
    const { thread, threadTook, loopNext } = await loopAsksAgainAsItLetsGo(turns);
    // The loop is busy for a while before it can take its next turn: the thread, awake and free
    // to take the lock, waits for it.
    busyFor(50);
    expect(await loopNext).toBe(true);
    expect(thread.phase()).toBe(ASKING);
    turns.release();
    expect((await threadTook).granted).toBe(true);
  });

  it("does not let a busy event loop hold the thread up longer than its yield", async () => {
    const turns = createWriteTurns();
    const { thread, threadTook, loopNext } = await loopAsksAgainAsItLetsGo(turns);
    // Busy far longer than the thread's yield: the thread goes ahead without waiting for the loop.
    busyFor(600);
    expect(thread.phase()).toBeGreaterThanOrEqual(HOLDING);
    expect((await threadTook).granted).toBe(true);
    await thread.released();
    expect(await loopNext).toBe(true);
    turns.release();
  });

  it("lets a synchronous write on the event loop block exactly until the thread is done", async () => {
    const turns = createWriteTurns();
    const thread = await holder(turns);
    await thread.hold(100);
    expect(turns.takeBlocking(5000)).toBe(true);
    expect(thread.phase()).toBe(RELEASED);
    await thread.released();
    turns.release();
  });

  it("gives up waiting after the timeout, on either side", async () => {
    const turns = createWriteTurns();
    const thread = await holder(turns);
    await thread.hold(300);
    const started = now();
    expect(await turns.take(50)).toBe(false);
    expect(now() - started).toBeGreaterThanOrEqual(45);
    expect(turns.takeBlocking(30)).toBe(false);
    await thread.released();

    expect(turns.tryTake()).toBe(true);
    const { granted } = await thread.hold(0, 40);
    expect(granted).toBe(false);
    turns.release();
  });

  it("frees a turn whose holder died", async () => {
    const turns = createWriteTurns();
    const thread = writeTurnsOn(turns.buffer, "thread");
    expect(thread.tryTake()).toBe(true);
    expect(turns.tryTake()).toBe(false);
    turns.reset();
    expect(turns.tryTake()).toBe(true);
    turns.release();
  });
});
