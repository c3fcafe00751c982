/**
 * Drift report now (`/promote drift <env> [vs <env>]`) and the scheduled digest (SPEC §6). The
 * digest claims its (environment, scheduled time) row before posting, so the cron tick, the
 * start-up catch-up and a restart in between post it at most once.
 */

import type { DriftDifference } from "../domain/drift.js";
import { buildDriftReport, type DriftReport } from "../domain/drift-report.js";
import { CodedError } from "../errors.js";
import type { ContractSource, SnapshotReader } from "./ports.js";
import { noContractFor } from "./resolve-artifact.js";

/** Slack's chat.postMessage, or anything that answers with the message timestamp. */
export interface DriftDigestPoster {
  post(channel: string, blocks: unknown[], text: string): Promise<{ ts: string }>;
}

/** Implemented by adapters/sqlite/drift-store.ts. */
export interface DriftRunStore {
  claimRun(
    claim: {
      environment: string;
      compareTo: string;
      scheduledFor: Date;
      channel: string;
      differences: DriftDifference[];
    },
    at: Date,
  ): number | undefined;
  completeRun(id: number, posted: { ts: string; postedAt: Date }): void;
  releaseRun(id: number): void;
  lastPostedRun(
    environment: string,
    compareTo: string,
  ): { postedAt: Date; differences: DriftDifference[] } | undefined;
}

export interface DriftReportDeps {
  contracts: ContractSource;
  snapshots: SnapshotReader;
  runs: Pick<DriftRunStore, "lastPostedRun">;
}

export interface DriftDigestDeps extends DriftReportDeps {
  runs: DriftRunStore;
  poster: DriftDigestPoster;
  /** The pure digest view (adapters/slack/views/drift-digest.ts), injected by app.ts. */
  render(report: DriftReport): { blocks: unknown[]; text: string };
}

export type DriftDigestOutcome =
  | { status: "posted"; channel: string; ts: string; report: DriftReport }
  | { status: "already_posted" }
  | { status: "not_configured" };

/** The report between `environment` and its `compare_to` (or `versus`), as of `now`. */
export function reportDrift(
  deps: DriftReportDeps,
  environment: string,
  versus: string | undefined,
  now: Date,
): DriftReport {
  const set = deps.contracts.current();
  const contract = set.contracts.get(environment);
  if (contract === undefined) {
    throw new CodedError("environment_not_found", noContractFor(environment, set.order));
  }
  // NOTE: with `vs`, any two environments can be compared; without a drift section nothing is
  // ignored or normalised and no difference is allowed.
  const policy =
    contract.drift ?? (versus === undefined ? undefined : { allow: {}, ignore: [], normalize: {} });
  const compareTo = versus ?? contract.drift?.compareTo;
  if (policy === undefined || compareTo === undefined) {
    throw new CodedError("drift_not_configured", `contracts/${environment}.yml has no drift section`, {
      hint: "Add drift.compare_to, or name the other environment: /promote drift <env> vs <env>",
    });
  }
  if (!set.contracts.has(compareTo)) {
    throw new CodedError("environment_not_found", noContractFor(compareTo, set.order));
  }
  if (compareTo === environment) {
    throw new CodedError(
      "invalid_request",
      `Comparing ${environment} with itself shows nothing: name another environment`,
    );
  }
  return buildDriftReport({
    environment,
    compareTo,
    policy,
    here: deps.snapshots.newestSnapshot(environment),
    there: deps.snapshots.newestSnapshot(compareTo),
    previous: deps.runs.lastPostedRun(environment, compareTo),
    now,
  });
}

/** Posts the digest for one scheduled time, once. */
export async function postDriftDigest(
  deps: DriftDigestDeps,
  environment: string,
  scheduledFor: Date,
  now: Date,
): Promise<DriftDigestOutcome> {
  const digest = deps.contracts.current().contracts.get(environment)?.drift?.digest;
  if (digest === undefined) return { status: "not_configured" };
  const report = reportDrift(deps, environment, undefined, now);
  const claim = {
    environment,
    compareTo: report.compareTo,
    scheduledFor,
    channel: digest.channel,
    differences: report.differences,
  };
  const id = deps.runs.claimRun(claim, now);
  if (id === undefined) return { status: "already_posted" };
  const { blocks, text } = deps.render(report);
  let ts: string;
  try {
    ({ ts } = await deps.poster.post(digest.channel, blocks, text));
  } catch (error) {
    // NOTE: Slack answered with an error, so nothing was posted: free the slot for a retry.
    deps.runs.releaseRun(id);
    throw error;
  }
  deps.runs.completeRun(id, { ts, postedAt: now });
  return { status: "posted", channel: digest.channel, ts, report };
}
