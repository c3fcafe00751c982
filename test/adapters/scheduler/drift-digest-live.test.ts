/**
 * One real run: a seconds-level node-cron schedule, real time, the real flow and store, posting
 * through @slack/web-api to the Slack emulator (which refuses anything Slack would refuse).
 */
import { WebClient } from "@slack/web-api";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createDriftDigestScheduler } from "../../../src/adapters/scheduler/drift-digest-scheduler.js";
import { createDriftDigestPoster } from "../../../src/adapters/slack/drift-digest-poster.js";
import { renderDriftDigest } from "../../../src/adapters/slack/views/drift-digest.js";
import { systemClock } from "../../../src/flows/ports.js";
import { postDriftDigest } from "../../../src/flows/post-drift-digest.js";
import {
  DEFAULT_BOT_TOKEN,
  type SlackEmulator,
  startSlackEmulator,
} from "../../../src/sandbox/slack-emulator/index.js";
import { contractSource, type DriftWorld, driftContract, driftWorld } from "../../helpers/drift-fixtures.js";

let world: DriftWorld;
let slack: SlackEmulator;

beforeEach(async () => {
  world = driftWorld();
  slack = await startSlackEmulator({ channels: [{ id: "C0DRIFT", name: "drift" }] });
});
afterEach(async () => {
  await slack.close();
  world.cleanup();
});

async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`not reached within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe("drift digest, live", () => {
  it("catches up the last slot at start, then posts on the next 2-second tick, to Slack", async () => {
    const contracts = contractSource(
      driftContract("staging"),
      driftContract("prod", { digest: { schedule: "*/2 * * * * *", channel: "C0DRIFT" } }),
    );
    const taken = new Date();
    world.addSnapshot("prod", taken, { endpoints: { pay: "https://pay.prod" } });
    world.addSnapshot("staging", taken, { endpoints: { pay: "https://pay.staging" } });
    const client = new WebClient(DEFAULT_BOT_TOKEN, {
      slackApiUrl: slack.apiUrl,
      retryConfig: { retries: 0 },
    });
    const deps = {
      contracts,
      snapshots: world.snapshots,
      runs: world.runs,
      poster: createDriftDigestPoster(client),
      render: renderDriftDigest,
    };
    const errors: unknown[] = [];
    const scheduler = createDriftDigestScheduler({
      contracts,
      clock: systemClock,
      log: { info: () => undefined, error: (obj) => errors.push(obj) },
      runDigest: (environment, slot) => postDriftDigest(deps, environment, slot, new Date()),
    });
    const answer = (c: { response: unknown }) =>
      typeof c.response === "object" ? (c.response as Record<string, unknown>) : {};
    // Start well inside a 2-second slot, so start-up never straddles a tick.
    await until(() => Date.now() % 2000 > 100 && Date.now() % 2000 < 1000, 2500);
    const startedAt = Date.now();
    const posts = () => slack.callsTo("chat.postMessage").filter((c) => answer(c).ok === true);
    try {
      await scheduler.start();
      expect(posts().length).toBeGreaterThanOrEqual(1);
      await until(() => posts().length >= 2, 4000);
    } finally {
      await scheduler.stop();
    }
    expect(errors).toEqual([]);
    const runs = world.test.db
      .prepare(
        "SELECT scheduled_for, ts FROM drift_digest_runs WHERE posted_at IS NOT NULL ORDER BY scheduled_for",
      )
      .all() as { scheduled_for: number; ts: string }[];
    expect(runs.length).toBeGreaterThanOrEqual(2);
    // The first slot is before start-up, so only the catch-up can have posted it; the cron only
    // fires slots after start. Then every 2 s, each slot once.
    expect(runs[0]?.scheduled_for).toBeLessThanOrEqual(startedAt);
    expect((runs[1]?.scheduled_for ?? 0) - (runs[0]?.scheduled_for ?? 0)).toBe(2000);
    expect(runs.map((r) => r.ts)).toEqual(posts().map((c) => answer(c).ts));
    expect(posts()[0]?.args.channel).toBe("C0DRIFT");
    const count = posts().length;
    await new Promise((resolve) => setTimeout(resolve, 2100));
    expect(posts()).toHaveLength(count);
  });

  it("gives the slot back when Slack refuses the post", async () => {
    const contracts = contractSource(
      driftContract("staging"),
      driftContract("prod", { digest: { schedule: "0 9 * * *", channel: "C0MISSING" } }),
    );
    world.addSnapshot("prod", new Date(), {});
    world.addSnapshot("staging", new Date(), {});
    const client = new WebClient(DEFAULT_BOT_TOKEN, {
      slackApiUrl: slack.apiUrl,
      retryConfig: { retries: 0 },
    });
    const deps = {
      contracts,
      snapshots: world.snapshots,
      runs: world.runs,
      poster: createDriftDigestPoster(client),
      render: renderDriftDigest,
    };
    const slot = new Date("2026-11-27T09:00:00Z");
    await expect(postDriftDigest(deps, "prod", slot, new Date())).rejects.toThrow(/channel_not_found/);
    expect(world.test.db.prepare("SELECT count(*) FROM drift_digest_runs").pluck().get()).toBe(0);
  });
});
