import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { renderDriftDigest } from "../../src/adapters/slack/views/drift-digest.js";
import { isCodedError } from "../../src/errors.js";
import { type DriftDigestDeps, postDriftDigest, reportDrift } from "../../src/flows/post-drift-digest.js";
import {
  contractSource,
  type DriftWorld,
  driftContract,
  driftWorld,
  type RecordingPoster,
  recordingPoster,
} from "../helpers/drift-fixtures.js";

const HOUR = 3_600_000;
const t0 = new Date("2026-11-27T09:00:00Z");
const nextDay = new Date(t0.getTime() + 24 * HOUR);
const digest = { schedule: "0 9 * * *", channel: "C0DRIFT" };

let world: DriftWorld;
let poster: RecordingPoster;
let deps: DriftDigestDeps;

beforeEach(() => {
  world = driftWorld();
  poster = recordingPoster();
  const contracts = contractSource(
    driftContract("staging"),
    driftContract("dev"),
    driftContract("prod", {
      allow: { feature_flags: 1 },
      normalize: { staging: "{env}", prod: "{env}" },
      digest,
    }),
  );
  deps = { contracts, snapshots: world.snapshots, runs: world.runs, poster, render: renderDriftDigest };
  world.addSnapshot("prod", t0, {
    feature_flags: { a: true, b: 1 },
    endpoints: { pay: "https://pay.prod.internal" },
  });
  world.addSnapshot("staging", t0, {
    feature_flags: { a: false, b: 1 },
    endpoints: { pay: "https://pay.staging.internal" },
  });
});
afterEach(() => world.cleanup());

describe("postDriftDigest", () => {
  it("posts one message to the digest channel and records the run", async () => {
    const outcome = await postDriftDigest(deps, "prod", t0, t0);
    expect(outcome.status).toBe("posted");
    expect(poster.posts).toHaveLength(1);
    expect(poster.posts[0]?.channel).toBe("C0DRIFT");
    expect(poster.posts[0]?.text).toBe("Drift prod vs staging: within budget (1 difference)");
    const run = world.runs.lastPostedRun("prod", "staging");
    expect(run).toMatchObject({ channel: "C0DRIFT", ts: "1700000000.000001", scheduledFor: t0 });
    expect(run?.differences.map((d) => d.key)).toEqual(["a"]);
  });

  it("posts a scheduled time once, however often it is offered", async () => {
    await postDriftDigest(deps, "prod", t0, t0);
    const again = await postDriftDigest(deps, "prod", t0, new Date(t0.getTime() + 1000));
    expect(again).toEqual({ status: "already_posted" });
    expect(poster.posts).toHaveLength(1);
  });

  it("frees the slot when Slack refuses the post, so a retry posts it", async () => {
    poster.failNext = true;
    await expect(postDriftDigest(deps, "prod", t0, t0)).rejects.toThrow("channel_not_found");
    expect(world.runs.lastPostedRun("prod", "staging")).toBeUndefined();
    expect((await postDriftDigest(deps, "prod", t0, t0)).status).toBe("posted");
  });

  it("tells the next digest what is new and what was resolved", async () => {
    await postDriftDigest(deps, "prod", t0, t0);
    world.addSnapshot("staging", nextDay, {
      feature_flags: { a: true, b: 2 },
      endpoints: { pay: "https://pay.staging.internal" },
    });
    const outcome = await postDriftDigest(deps, "prod", nextDay, nextDay);
    if (outcome.status !== "posted") throw new Error(outcome.status);
    expect(outcome.report.sincePrevious?.added.map((d) => d.key)).toEqual(["b"]);
    expect(outcome.report.sincePrevious?.resolved.map((d) => d.key)).toEqual(["a"]);
    const text = JSON.stringify(poster.posts[1]?.blocks);
    expect(text).toContain("1 new · 0 changed · 1 resolved · 0 unchanged");
  });

  it("does nothing for an environment without drift.digest", async () => {
    expect(await postDriftDigest(deps, "staging", t0, t0)).toEqual({ status: "not_configured" });
    expect(poster.posts).toEqual([]);
  });
});

describe("reportDrift", () => {
  it("compares with another environment when asked (vs)", () => {
    world.addSnapshot("dev", t0, {
      feature_flags: { a: true, b: 1 },
      endpoints: { pay: "https://pay.dev.internal" },
    });
    const report = reportDrift(deps, "prod", "dev", t0);
    expect(report.compareTo).toBe("dev");
    expect(report.differences.map((d) => `${d.category}.${d.key}`)).toEqual(["endpoints.pay"]);
  });

  it("refuses an unknown environment and one without drift with stable codes", () => {
    const codeOf = (fn: () => unknown) => {
      try {
        fn();
      } catch (error) {
        return isCodedError(error) ? error.code : "not coded";
      }
      return "no error";
    };
    expect(codeOf(() => reportDrift(deps, "qa", undefined, t0))).toBe("environment_not_found");
    expect(codeOf(() => reportDrift(deps, "prod", "qa", t0))).toBe("environment_not_found");
    expect(codeOf(() => reportDrift(deps, "staging", undefined, t0))).toBe("drift_not_configured");
  });
});
