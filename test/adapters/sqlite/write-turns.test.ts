/**
 * Turns at the write lock between the event loop and a thread (write-turns.ts), with a real worker
 * thread on the other side: the loop waits without blocking, the thread lets a waiting loop go
 * first, nobody waits past the timeout, and a dead holder's turn can be freed.
 */
import { afterEach, describe, expect, it } from "vitest";
import { createWriteTurns, type WriteTurns, writeTurnsOn } from "../../../src/adapters/sqlite/write-turns.js";
import { ASKING, HOLDING, RELEASED, startTurnHolder, type TurnHolder } from "../../helpers/turn-holder.js";

const now = () => performance.now();

describe("write turns", () => {
  const threads: TurnHolder[] = [];
  afterEach(async () => {
    await Promise.all(threads.splice(0).map((thread) => thread.stop()));
  });

  /** A thread holding the other side of `turns`, ended after each test. */
  async function holder(turns: WriteTurns, yieldMs = 2) {
    const thread = await startTurnHolder(turns, yieldMs);
    threads.push(thread);
    return thread;
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
