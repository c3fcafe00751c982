import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type DriftWorld, driftWorld } from "../../helpers/drift-fixtures.js";

const DAY = 24 * 3_600_000;
const t0 = new Date("2026-11-27T09:00:00Z");
const daysAgo = (n: number) => new Date(t0.getTime() - n * DAY);
const claim = (scheduledFor: Date, key = "a") => ({
  environment: "prod",
  compareTo: "staging",
  scheduledFor,
  channel: "C0DRIFT",
  differences: [{ category: "data", key, kind: "changed" as const, here: 1, there: "1" }],
});

let world: DriftWorld;
beforeEach(() => {
  world = driftWorld();
});
afterEach(() => world.cleanup());

describe("drift store", () => {
  it("claims an (environment, scheduled time) once", () => {
    const id = world.runs.claimRun(claim(t0), t0);
    expect(id).toBeTypeOf("number");
    expect(world.runs.claimRun(claim(t0), t0)).toBeUndefined();
    expect(world.runs.claimRun({ ...claim(t0), compareTo: "dev" }, t0)).toBeUndefined();
  });

  it("returns the last posted run with its differences, ignoring unposted claims", () => {
    const first = world.runs.claimRun(claim(daysAgo(1), "first"), t0)!;
    world.runs.completeRun(first, { ts: "1.1", postedAt: daysAgo(1) });
    world.runs.claimRun(claim(t0, "crashed"), t0);
    expect(world.runs.lastPostedRun("prod", "staging")).toEqual({
      environment: "prod",
      compareTo: "staging",
      scheduledFor: daysAgo(1),
      postedAt: daysAgo(1),
      channel: "C0DRIFT",
      ts: "1.1",
      differences: [{ category: "data", key: "first", kind: "changed", here: 1, there: "1" }],
    });
    expect(world.runs.lastPostedRun("prod", "dev")).toBeUndefined();
  });

  it("releases only a claim that was not posted", () => {
    const id = world.runs.claimRun(claim(t0), t0)!;
    world.runs.releaseRun(id);
    const again = world.runs.claimRun(claim(t0), t0)!;
    world.runs.completeRun(again, { ts: "1.2", postedAt: t0 });
    world.runs.releaseRun(again);
    expect(world.runs.claimRun(claim(t0), t0)).toBeUndefined();
  });

  it("prunes old snapshots but always keeps each environment's newest", () => {
    world.addSnapshot("prod", daysAgo(40), { data: { v: 1 } });
    world.addSnapshot("prod", daysAgo(35), { data: { v: 2 } });
    world.addSnapshot("prod", daysAgo(1), { data: { v: 3 } });
    world.addSnapshot("staging", daysAgo(50), { data: { v: 4 } });
    world.addSnapshot("staging", daysAgo(45), { data: { v: 5 } });
    const deleted = world.runs.prune(daysAgo(30));
    expect(deleted.snapshots).toBe(3);
    expect(world.snapshots.newestSnapshot("prod")?.config).toEqual({ data: { v: 3 } });
    expect(world.snapshots.newestSnapshot("staging")?.config).toEqual({ data: { v: 5 } });
    const left = world.test.db.prepare("SELECT count(*) FROM snapshots").pluck().get();
    expect(left).toBe(2);
  });

  it("prunes old digest runs but keeps each pair's newest posted one", () => {
    for (const n of [60, 50, 40]) {
      const id = world.runs.claimRun(claim(daysAgo(n)), daysAgo(n))!;
      world.runs.completeRun(id, { ts: String(n), postedAt: daysAgo(n) });
    }
    expect(world.runs.prune(daysAgo(30)).digestRuns).toBe(2);
    expect(world.runs.lastPostedRun("prod", "staging")?.ts).toBe("40");
  });
});
