import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createSnapshotRetentionJob } from "../../../src/adapters/scheduler/snapshot-retention-job.js";
import { systemClock } from "../../../src/flows/ports.js";
import { type DriftWorld, driftWorld } from "../../helpers/drift-fixtures.js";

const DAY = 86_400_000;
let world: DriftWorld;
beforeEach(() => {
  vi.useFakeTimers({ now: new Date("2026-11-27T03:00:00Z") });
  world = driftWorld();
});
afterEach(() => {
  vi.useRealTimers();
  world.cleanup();
});

describe("snapshot retention job", () => {
  it("prunes daily at 03:17 UTC, keeping each environment's newest snapshot", async () => {
    const now = Date.now();
    world.addSnapshot("prod", new Date(now - 40 * DAY), { a: 1 });
    world.addSnapshot("prod", new Date(now - 31 * DAY), { a: 2 });
    world.addSnapshot("prod", new Date(now - 2 * DAY), { a: 3 });
    world.addSnapshot("qa", new Date(now - 90 * DAY), { a: 4 });
    const log = { info: vi.fn(), error: vi.fn() };
    const job = createSnapshotRetentionJob({
      prune: world.runs.prune,
      clock: systemClock,
      log,
      retentionMs: 30 * DAY,
    });
    job.start();
    await vi.advanceTimersByTimeAsync(16 * 60_000);
    expect(world.test.db.prepare("SELECT count(*) FROM snapshots").pluck().get()).toBe(4);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(world.test.db.prepare("SELECT count(*) FROM snapshots").pluck().get()).toBe(2);
    expect(world.snapshots.newestSnapshot("qa")?.config).toEqual({ a: 4 });
    expect(log.error).not.toHaveBeenCalled();
    await job.stop();
    expect(vi.getTimerCount()).toBe(0);
  });
});
