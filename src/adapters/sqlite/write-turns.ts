/**
 * Turns at SQLite's write lock between the event loop and the intake writer thread.
 *
 * Both hold a connection to the same file, and SQLite serialises their write transactions. Left to
 * SQLite, the loser of a race sleeps in its busy handler for 1, 2, 5, 10, 15, 20… ms whether or
 * not the lock has long been free. On the event loop that sleep stops everything: under a steady
 * evidence load (the thread committing back to back) the bench saw the loop asleep for 50-225 ms at
 * a time, every Slack ack and /healthz included.
 *
 * So the two take turns on a lock in shared memory before they BEGIN: the event loop waits for its
 * turn with `Atomics.waitAsync` (the loop keeps running) and is woken the moment the thread
 * commits; the thread blocks (it has nothing else to do) and gives way while the event loop waits,
 * for at most a couple of milliseconds, so a busy loop cannot hold up intake either. SQLite's lock stays the real
 * guard: a turn that is not granted within `timeoutMs` is taken anyway and SQLite arbitrates as
 * before, so a bug here costs latency, never correctness.
 */

/** Cell indexes in the shared Int32Array. */
const LOCK = 0;
const LOOP_WAITING = 1;
const FREE = 0;
const HELD = 1;

/** How long the thread lets a waiting event loop go first before it takes the lock anyway. */
const DEFAULT_YIELD_MS = 2;

export interface WriteTurns {
  /** The shared memory: hand it to the thread (workerData) and open it there with `writeTurnsOn`. */
  readonly buffer: SharedArrayBuffer;
  /** Takes the turn now if it is free (no waiting, no event-loop hop). */
  tryTake(): boolean;
  /**
   * Event loop only. Resolves once the turn is ours, without blocking the loop; false when
   * `timeoutMs` passed first (go ahead anyway: SQLite's lock still decides).
   */
  take(timeoutMs: number): Promise<boolean>;
  /**
   * Blocks until the turn is ours (false: `timeoutMs` passed first). On the thread it first lets a
   * waiting event loop go; on the event loop (a synchronous write) it waits exactly as long as the
   * thread's commit, where SQLite's busy handler would oversleep.
   */
  takeBlocking(timeoutMs: number): boolean;
  release(): void;
  /** Frees the turn whoever holds it: the thread holding it has died, and its SQLite lock with it. */
  reset(): void;
}

export type TurnSide = "event-loop" | "thread";

/** The event loop's side; the thread opens the same buffer with `writeTurnsOn(buffer, "thread")`. */
export function createWriteTurns(): WriteTurns {
  return writeTurnsOn(new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT), "event-loop");
}

export function writeTurnsOn(
  buffer: SharedArrayBuffer,
  side: TurnSide,
  options: { yieldMs?: number } = {},
): WriteTurns {
  const cell = new Int32Array(buffer);
  const yieldMs = options.yieldMs ?? DEFAULT_YIELD_MS;
  const tryTake = (): boolean => Atomics.compareExchange(cell, LOCK, FREE, HELD) === FREE;
  const release = (): void => {
    Atomics.store(cell, LOCK, FREE);
    Atomics.notify(cell, LOCK);
  };
  /** The event loop announces itself while it waits, so the thread lets it go first. */
  const announceLoopWaiting = (): (() => void) => {
    Atomics.add(cell, LOOP_WAITING, 1);
    return () => {
      Atomics.sub(cell, LOOP_WAITING, 1);
      Atomics.notify(cell, LOOP_WAITING);
    };
  };

  /** The event loop's tries for its turn until the timeout; each yields how long to wait before the next. */
  function* loopTries(timeoutMs: number): Generator<number, boolean> {
    const deadline = performance.now() + timeoutMs;
    const done = announceLoopWaiting();
    try {
      for (;;) {
        if (tryTake()) return true;
        const left = deadline - performance.now();
        if (left <= 0) return false;
        yield left;
      }
    } finally {
      done();
    }
  }

  function loopTakeBlocking(timeoutMs: number): boolean {
    const tries = loopTries(timeoutMs);
    for (let attempt = tries.next(); ; attempt = tries.next()) {
      if (attempt.done) return attempt.value;
      Atomics.wait(cell, LOCK, HELD, attempt.value);
    }
  }

  async function loopTake(timeoutMs: number): Promise<boolean> {
    const tries = loopTries(timeoutMs);
    for (let attempt = tries.next(); ; attempt = tries.next()) {
      if (attempt.done) return attempt.value;
      const waited = Atomics.waitAsync(cell, LOCK, HELD, attempt.value);
      if (waited.async) await waited.value;
    }
  }

  function threadTakeBlocking(timeoutMs: number): boolean {
    const deadline = performance.now() + timeoutMs;
    let yieldUntil = performance.now() + yieldMs;
    for (;;) {
      const now = performance.now();
      const loopWaiting = Atomics.load(cell, LOOP_WAITING);
      if ((loopWaiting === 0 || now >= yieldUntil) && tryTake()) return true;
      if (now >= deadline) return false;
      if (loopWaiting > 0 && now < yieldUntil) {
        Atomics.wait(cell, LOOP_WAITING, loopWaiting, Math.min(yieldUntil, deadline) - now);
      } else {
        Atomics.wait(cell, LOCK, HELD, deadline - now);
        // The event loop had its chance while we waited for this lock: yield again next time.
        yieldUntil = performance.now() + yieldMs;
      }
    }
  }

  return {
    buffer,
    tryTake,
    take: loopTake,
    takeBlocking: side === "thread" ? threadTakeBlocking : loopTakeBlocking,
    release,
    reset: release,
  };
}
