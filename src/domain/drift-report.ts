/**
 * The drift report between an environment and its `compare_to` (SPEC §6, issue 6 item 3): the
 * computed drift, snapshot ages with stale ones called out, and what changed since the previous
 * digest so that a standing difference is not news every morning.
 */
import { computeDrift } from "./compute-drift.js";
import type { DriftPolicy } from "./contract.js";
import type { DriftDifference, DriftResult } from "./drift.js";
import type { ConfigValue, Snapshot } from "./evidence.js";

export interface SnapshotAge {
  environment: string;
  /** Undefined when the environment has never sent a snapshot. */
  takenAt?: Date | undefined;
  source?: string | undefined;
  ageMs?: number | undefined;
  /** Older than `max_snapshot_age` (never true when the policy sets none). */
  stale: boolean;
}

export interface DriftChanges {
  /** When the digest compared against was posted. */
  previousAt: Date;
  /** Differences whose key was not different in the previous digest. */
  added: DriftDifference[];
  /** Keys still different, but with other values than in the previous digest. */
  changed: DriftDifference[];
  /** Differences of the previous digest that are gone (values as they were then). */
  resolved: DriftDifference[];
  /** Differences identical to the previous digest. */
  standing: number;
}

export type DriftReportStatus = "within_budget" | "over_budget" | "incomplete";

export interface DriftReport {
  environment: string;
  compareTo: string;
  generatedAt: Date;
  status: DriftReportStatus;
  here: SnapshotAge;
  there: SnapshotAge;
  rules: Pick<DriftPolicy, "allow" | "ignore" | "normalize" | "maxSnapshotAgeMs">;
  /**
   * Whether this pair is the one the contract gates promotions on (`drift.compare_to`); an ad-hoc
   * `drift prod vs dev` applies the same allowance but blocks nothing.
   */
  gatesPromotions: boolean;
  /** Undefined when either snapshot is missing (status `incomplete`). */
  result?: DriftResult | undefined;
  /** Every difference, in report order (categories as in `result`, keys sorted). */
  differences: DriftDifference[];
  /** Undefined when there is no previous digest to compare with. */
  sincePrevious?: DriftChanges | undefined;
}

export interface PreviousDigest {
  postedAt: Date;
  differences: DriftDifference[];
}

export interface DriftReportInput {
  environment: string;
  compareTo: string;
  /** A contract's `drift` section as is; `compareTo` above wins, so `vs <env>` can override it. */
  policy: Omit<DriftPolicy, "compareTo" | "digest"> & Partial<Pick<DriftPolicy, "compareTo" | "digest">>;
  here?: Snapshot | undefined;
  there?: Snapshot | undefined;
  previous?: PreviousDigest | undefined;
  now: Date;
}

function ageOf(
  environment: string,
  snapshot: Snapshot | undefined,
  maxAgeMs: number | undefined,
  now: Date,
): SnapshotAge {
  if (snapshot === undefined) return { environment, stale: false };
  const ageMs = Math.max(0, now.getTime() - snapshot.takenAt.getTime());
  return {
    environment,
    takenAt: snapshot.takenAt,
    source: snapshot.source,
    ageMs,
    stale: maxAgeMs !== undefined && ageMs > maxAgeMs,
  };
}

/** JSON with sorted object keys, so equal values always give equal text. */
export function canonicalJson(value: ConfigValue | undefined): string {
  if (value === undefined) return "~";
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(",")}}`;
}

/** Identity of a difference across digests: the category and dotted key. */
export function differenceId(d: Pick<DriftDifference, "category" | "key">): string {
  return `${d.category}\u0000${d.key}`;
}

function differenceValue(d: DriftDifference): string {
  return `${d.kind}|${canonicalJson(d.here)}|${canonicalJson(d.there)}`;
}

export function changesSince(current: DriftDifference[], previous: PreviousDigest): DriftChanges {
  const before = new Map(previous.differences.map((d) => [differenceId(d), d]));
  const added: DriftDifference[] = [];
  const changed: DriftDifference[] = [];
  let standing = 0;
  for (const d of current) {
    const id = differenceId(d);
    const old = before.get(id);
    before.delete(id);
    if (old === undefined) added.push(d);
    else if (differenceValue(old) !== differenceValue(d)) changed.push(d);
    else standing++;
  }
  return { previousAt: previous.postedAt, added, changed, resolved: [...before.values()], standing };
}

export function buildDriftReport(input: DriftReportInput): DriftReport {
  const { policy, now } = input;
  const here = ageOf(input.environment, input.here, policy.maxSnapshotAgeMs, now);
  const there = ageOf(input.compareTo, input.there, policy.maxSnapshotAgeMs, now);
  const rules = {
    allow: policy.allow,
    ignore: policy.ignore,
    normalize: policy.normalize,
    maxSnapshotAgeMs: policy.maxSnapshotAgeMs,
  };
  const base = {
    environment: input.environment,
    compareTo: input.compareTo,
    generatedAt: now,
    here,
    there,
    rules,
    gatesPromotions: policy.compareTo === undefined || policy.compareTo === input.compareTo,
  };
  if (input.here === undefined || input.there === undefined) {
    return { ...base, status: "incomplete", differences: [] };
  }
  const result = computeDrift(input.here.config, input.there.config, policy);
  const differences = result.categories.flatMap((c) => c.differences);
  const sincePrevious = input.previous === undefined ? undefined : changesSince(differences, input.previous);
  return {
    ...base,
    status: result.overBudget ? "over_budget" : "within_budget",
    result,
    differences,
    sincePrevious,
  };
}
