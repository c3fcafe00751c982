/**
 * One node-cron job per contract with `drift.digest`, in the contract's time zone (SPEC §6).
 * At start-up the most recent slot before now is offered to the digest flow once; the flow's
 * UNIQUE claim makes that a no-op when the slot was already posted, so starting twice (or a
 * cron tick racing the catch-up) still posts one message.
 */
import cron, { type ScheduledTask } from "node-cron";
import { CodedError } from "../../errors.js";
import type { Clock, ContractSource } from "../../flows/ports.js";
import { previousOccurrence } from "./previous-occurrence.js";

export interface SchedulerLog {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface DriftDigestSchedulerDeps {
  contracts: ContractSource;
  /** Posts the digest of `environment` for the slot `scheduledFor` (flows/post-drift-digest.ts). */
  runDigest(environment: string, scheduledFor: Date): Promise<unknown>;
  clock: Clock;
  log: SchedulerLog;
  /** Missed slots older than this are not caught up: yesterday's news is not a digest. Default 24h. */
  catchUpWindowMs?: number;
  /**
   * When this installation began (its database was created). A slot before it was never missed:
   * a fresh install must not open with a catch-up digest of snapshots it has never received.
   */
  installedAt?: Date | undefined;
}

export interface ScheduledDigest {
  environment: string;
  schedule: string;
  timezone: string;
  nextRun: Date | null;
}

export interface DriftDigestScheduler {
  /** Schedules every job, then catches up slots missed while the bot was down. */
  start(): Promise<void>;
  /** Replaces the jobs after a contract reload (no catch-up: nothing was missed). */
  reload(): void;
  /** Destroys every job and waits for digests being posted. */
  stop(): Promise<void>;
  jobs(): ScheduledDigest[];
}

interface Job {
  environment: string;
  schedule: string;
  timezone: string;
  task: ScheduledTask;
}

const DAY_MS = 24 * 60 * 60 * 1000;

export function createDriftDigestScheduler(deps: DriftDigestSchedulerDeps): DriftDigestScheduler {
  let jobs: Job[] = [];
  const running = new Set<Promise<unknown>>();

  function run(environment: string, scheduledFor: Date, reason: "scheduled" | "catch_up"): Promise<void> {
    const work = deps
      .runDigest(environment, scheduledFor)
      .then((outcome) =>
        deps.log.info({ environment, scheduledFor, reason, outcome: summary(outcome) }, "drift digest"),
      )
      .catch((error: unknown) =>
        deps.log.error({ environment, scheduledFor, reason, err: error }, "drift digest failed"),
      );
    running.add(work);
    return work.finally(() => running.delete(work));
  }

  function createJobs(): Job[] {
    const created: Job[] = [];
    for (const contract of deps.contracts.current().contracts.values()) {
      const digest = contract.drift?.digest;
      if (digest === undefined) continue;
      const { environment, timezone } = contract;
      const task = createTask(environment, digest.schedule, timezone, (date) =>
        run(environment, date, "scheduled"),
      );
      created.push({ environment, schedule: digest.schedule, timezone, task });
    }
    return created;
  }

  async function destroyAll(): Promise<void> {
    const old = jobs;
    jobs = [];
    await Promise.all(old.map((job) => job.task.destroy()));
  }

  async function catchUp(job: Job): Promise<void> {
    const now = deps.clock.now();
    const slot = previousOccurrence(job.schedule, job.timezone, now, (d) => job.task.match(d));
    if (slot === undefined || now.getTime() - slot.getTime() > (deps.catchUpWindowMs ?? DAY_MS)) return;
    if (deps.installedAt !== undefined && slot.getTime() < deps.installedAt.getTime()) return;
    await run(job.environment, slot, "catch_up");
  }

  return {
    async start() {
      await destroyAll();
      jobs = createJobs();
      await Promise.all(jobs.map((job) => job.task.start()));
      // Sequential: one Slack post at a time keeps a start-up after a long outage polite.
      for (const job of jobs) await catchUp(job);
    },
    reload() {
      const old = jobs;
      jobs = createJobs();
      for (const job of jobs) void job.task.start();
      for (const job of old) void job.task.destroy();
    },
    async stop() {
      await destroyAll();
      await Promise.all(running);
    },
    jobs() {
      return jobs.map((job) => ({
        environment: job.environment,
        schedule: job.schedule,
        timezone: job.timezone,
        nextRun: job.task.getNextRun(),
      }));
    },
  };
}

function createTask(
  environment: string,
  schedule: string,
  timezone: string,
  fn: (date: Date) => Promise<void>,
) {
  try {
    return cron.createTask(schedule, (context) => fn(context.date), {
      timezone,
      noOverlap: true,
      name: `drift-digest:${environment}`,
    });
  } catch (error) {
    // The contracts loader validates schedules; this guards contracts built some other way.
    throw new CodedError(
      "contract_invalid",
      `contracts/${environment}.yml: drift.digest.schedule: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
}

function summary(outcome: unknown): unknown {
  return typeof outcome === "object" && outcome !== null && "status" in outcome ? outcome.status : outcome;
}
