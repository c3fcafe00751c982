/**
 * An environment's entry contract after parsing (SPEC §4). Durations are milliseconds; the
 * YAML schema and its file:line:col errors live in adapters/contracts.
 */
import type { EvidenceKind, EvidenceStatus } from "./evidence.js";

/**
 * An environment is the file name of its contract (SPEC §2): lower-case letters, digits and `-`,
 * so it is the same on every file system and in every URL. The one definition: contract files,
 * `/promote`, the intake API and the GitHub mapping all test against it.
 */
export const ENVIRONMENT_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

export interface EvidenceRequirement {
  kind: EvidenceKind;
  name?: string | undefined;
  /** Only evidence reported for this environment counts. */
  environment?: string | undefined;
  maxAgeMs?: number | undefined;
  /** A passing test run must have `summary.total` at least this. */
  minTotal?: number | undefined;
  /** Upper bounds on summary counts, e.g. `{critical: 0, high: 3}`. */
  max?: Record<string, number> | undefined;
}

export type DriftCategoryName = string;

export interface DriftPolicy {
  compareTo: string;
  /** Differing keys allowed per category; a category not listed allows none. */
  allow: Record<DriftCategoryName, number>;
  /** Dotted-path globs (`feature_flags.experiment-*`) left out of the comparison. */
  ignore: string[];
  /** Substrings replaced in string values before comparing (`staging` → `{env}`). */
  normalize: Record<string, string>;
  maxSnapshotAgeMs?: number | undefined;
  digest?: { schedule: string; channel: string } | undefined;
}

export interface ApprovalPolicy {
  required: number;
  /** User ids (`U…`/`W…`) and user-group ids (`S…`). */
  approvers: string[];
  selfApproval: boolean;
  expireAfterMs?: number | undefined;
}

export type FreezeWindow =
  | { kind: "weekly"; spec: string; reason?: string | undefined }
  | { kind: "dated"; from: string; to: string; reason?: string | undefined };

export interface RollbackCondition {
  kind: EvidenceKind;
  name?: string | undefined;
  status?: EvidenceStatus | undefined;
}

export interface RollbackPolicy {
  when: RollbackCondition[];
  withinMs: number;
  action: "propose" | "auto";
  lock: boolean;
}

export interface DeployWebhook {
  url: string;
  secretEnv: string;
}

export interface Contract {
  /** The file name without `.yml`. */
  environment: string;
  /** `sha256:<hex>` of the file bytes. */
  revision: string;
  description?: string | undefined;
  after?: string | undefined;
  channel?: string | undefined;
  /** IANA name; `UTC` when omitted. */
  timezone: string;
  artifact: { sameAs?: string | undefined; soakMs?: number | undefined; maxAgeMs?: number | undefined };
  evidence: EvidenceRequirement[];
  drift?: DriftPolicy | undefined;
  approvals?: ApprovalPolicy | undefined;
  /** User and user-group ids allowed to request; undefined means anyone. */
  requesters?: string[] | undefined;
  freeze: FreezeWindow[];
  rollback?: RollbackPolicy | undefined;
  deploy?: { webhook: DeployWebhook } | undefined;
}

/** All contracts, ordered from the first stage to the last. */
export interface ContractSet {
  contracts: ReadonlyMap<string, Contract>;
  /** Environments in promotion order (a topological order of `after`). */
  order: string[];
}

export function firstEnvironments(set: ContractSet): string[] {
  return set.order.filter((env) => set.contracts.get(env)?.after === undefined);
}

export function nextEnvironments(set: ContractSet, environment: string): string[] {
  return set.order.filter((env) => set.contracts.get(env)?.after === environment);
}
