import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  createDriftDigestScheduler,
  type DriftDigestScheduler,
} from "../../../src/adapters/scheduler/drift-digest-scheduler.js";
import { renderDriftDigest } from "../../../src/adapters/slack/views/drift-digest.js";
import { systemClock } from "../../../src/flows/ports.js";
import { postDriftDigest } from "../../../src/flows/post-drift-digest.js";
import {
  contractSource,
  type DriftWorld,
  driftContract,
  driftWorld,
  type RecordingPoster,
  recordingPoster,
} from "../../helpers/drift-fixtures.js";

const HOUR = 3_600_000;
// Friday 2026-11-27 08:59:30 in Seoul (UTC+9).
const start = new Date("2026-11-26T23:59:30Z");
const log = { info: () => undefined, error: vi.fn() };

let world: DriftWorld;
let poster: RecordingPoster;
let contracts: ReturnType<typeof contractSource>;
const schedulers: DriftDigestScheduler[] = [];

function prodContract(schedule: string) {
  return driftContract("prod", { digest: { schedule, channel: "C0DRIFT" } }, "Asia/Seoul");
}

function scheduler(catchUpWindowMs?: number, installedAt?: Date): DriftDigestScheduler {
  const deps = { contracts, snapshots: world.snapshots, runs: world.runs, poster, render: renderDriftDigest };
  const created = createDriftDigestScheduler({
    contracts,
    clock: systemClock,
    log,
    runDigest: (environment, scheduledFor) => postDriftDigest(deps, environment, scheduledFor, new Date()),
    ...(catchUpWindowMs === undefined ? {} : { catchUpWindowMs }),
    installedAt,
  });
  schedulers.push(created);
  return created;
}

beforeEach(() => {
  vi.useFakeTimers({ now: start });
  world = driftWorld();
  poster = recordingPoster();
  contracts = contractSource(driftContract("staging"), prodContract("0 9 * * 1-5"));
  world.addSnapshot("prod", new Date(start.getTime() - HOUR), { feature_flags: { a: 1 } });
  world.addSnapshot("staging", new Date(start.getTime() - HOUR), { feature_flags: { a: 2 } });
});

afterEach(async () => {
  await Promise.all(schedulers.splice(0).map((s) => s.stop()));
  vi.useRealTimers();
  world.cleanup();
  log.error.mockClear();
});

const postedSlots = () =>
  world.test.db
    .prepare("SELECT scheduled_for FROM drift_digest_runs WHERE posted_at IS NOT NULL ORDER BY 1")
    .pluck()
    .all();

describe("drift digest scheduler", () => {
  it("posts at 09:00 in the contract's time zone, one job per contract with a digest", async () => {
    const s = scheduler();
    await s.start();
    expect(s.jobs().map((j) => [j.environment, j.timezone, j.nextRun?.toISOString()])).toEqual([
      ["prod", "Asia/Seoul", "2026-11-27T00:00:00.000Z"],
    ]);
    // Thursday's 09:00 KST is 23h59m30s ago — inside the default 24h window, so it is caught up.
    expect(postedSlots()).toEqual([Date.parse("2026-11-26T00:00:00Z")]);
    await vi.advanceTimersByTimeAsync(31_000);
    expect(poster.posts).toHaveLength(2);
    expect(postedSlots()).toEqual([Date.parse("2026-11-26T00:00:00Z"), Date.parse("2026-11-27T00:00:00Z")]);
    // Weekend: the next post is Monday 09:00 KST.
    await vi.advanceTimersByTimeAsync(2 * 24 * HOUR);
    expect(poster.posts).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(24 * HOUR);
    expect(poster.posts).toHaveLength(3);
    expect(log.error).not.toHaveBeenCalled();
  });

  it("catches up a digest missed while down exactly once, even when started twice", async () => {
    vi.setSystemTime(new Date("2026-11-27T02:00:00Z")); // 11:00 KST, 09:00 was missed
    await scheduler().start();
    expect(poster.posts).toHaveLength(1);
    await schedulers[0]?.stop();
    await scheduler().start();
    expect(poster.posts).toHaveLength(1);
    expect(postedSlots()).toEqual([Date.parse("2026-11-27T00:00:00Z")]);
  });

  it("does not catch up a slot from before the installation began (a fresh install opens quietly)", async () => {
    vi.setSystemTime(new Date("2026-11-27T02:00:00Z")); // 11:00 KST; 09:00 KST was 2 h ago
    await scheduler(undefined, new Date("2026-11-27T01:00:00Z")).start();
    expect(poster.posts).toHaveLength(0);
    await schedulers[0]?.stop();
    // Installed before the slot: it was missed while down, and is caught up.
    await scheduler(undefined, new Date("2026-11-26T23:00:00Z")).start();
    expect(poster.posts).toHaveLength(1);
  });

  it("does not catch up a slot older than the window", async () => {
    vi.setSystemTime(new Date("2026-11-27T02:00:00Z"));
    await scheduler(HOUR).start();
    expect(poster.posts).toHaveLength(0);
  });

  it("stops cleanly: no job fires after stop()", async () => {
    const s = scheduler(HOUR);
    await s.start();
    await s.stop();
    expect(s.jobs()).toEqual([]);
    await vi.advanceTimersByTimeAsync(HOUR);
    expect(poster.posts).toHaveLength(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("reloads jobs when contracts change", async () => {
    const s = scheduler(HOUR);
    await s.start();
    contracts.set([driftContract("staging"), prodContract("0 10 * * *"), driftContract("dev")]);
    s.reload();
    expect(s.jobs().map((j) => [j.environment, j.nextRun?.toISOString()])).toEqual([
      ["prod", "2026-11-27T01:00:00.000Z"],
    ]);
    await vi.advanceTimersByTimeAsync(31_000);
    expect(poster.posts).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(HOUR);
    expect(poster.posts).toHaveLength(1);
  });

  it("refuses an invalid schedule with contract_invalid", async () => {
    contracts.set([driftContract("staging"), prodContract("61 9 * * *")]);
    await expect(scheduler().start()).rejects.toMatchObject({ code: "contract_invalid" });
  });
});
