/**
 * The intake writer thread's side of write turns (src/adapters/sqlite/write-turns.ts), in a real
 * worker thread, for tests of whoever takes turns on the event loop's side.
 */
import { Worker } from "node:worker_threads";
import type { WriteTurns } from "../../src/adapters/sqlite/write-turns.js";

// The thread side, as the intake writer thread runs it. Told to hold, it takes its turn (blocking,
// as the thread does) and holds it that long. It records where it is in shared memory (the `phase`
// cell: ASKING, HOLDING, then RELEASED set just before it lets go), so the tests see the order of
// events without comparing two threads' clocks.
export const ASKING = 1;
export const HOLDING = 2;
export const RELEASED = 3;
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

export type TurnHolder = Awaited<ReturnType<typeof startTurnHolder>>;

/**
 * A thread holding the other side of `turns`; `hold(ms)` resolves once it has the turn. `stop()`
 * ends the thread.
 */
export async function startTurnHolder(turns: WriteTurns, yieldMs = 2) {
  // The compiled module: a worker cannot load the TypeScript source (`npm test` builds first).
  const module = new URL("../../dist/src/adapters/sqlite/write-turns.js", import.meta.url).href;
  const phase = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(HOLDER, {
    eval: true,
    workerData: { buffer: turns.buffer, module, yieldMs, phase: phase.buffer },
  });
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
    stop: () => worker.terminate(),
  };
}
