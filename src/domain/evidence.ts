/** Evidence, deployments and snapshots as the domain sees them (SPEC §3.1–3.3). */
export const EVIDENCE_KINDS = [
  "test",
  "scan",
  "sbom",
  "signature",
  "provenance",
  "review",
  "health",
  "custom",
] as const;
export type EvidenceKind = (typeof EVIDENCE_KINDS)[number];

export const EVIDENCE_STATUSES = ["passed", "failed", "error", "running", "skipped"] as const;
export type EvidenceStatus = (typeof EVIDENCE_STATUSES)[number];

export interface Evidence {
  id: string;
  /** Set for digest-scoped evidence. */
  digest?: string | undefined;
  /** Set for commit-scoped evidence (and copied from the artifact when known). */
  commit?: string | undefined;
  kind: EvidenceKind;
  name: string;
  status: EvidenceStatus;
  environment?: string | undefined;
  summary: Record<string, number>;
  url?: string | undefined;
  observedAt: Date;
  /** Arrival order; breaks ties between equal `observedAt` (SPEC §3.1). */
  sequence: number;
}

export const DEPLOYMENT_STATUSES = ["started", "succeeded", "failed"] as const;
export type DeploymentStatus = (typeof DEPLOYMENT_STATUSES)[number];

export interface Deployment {
  id: string;
  environment: string;
  digest: string;
  name: string;
  status: DeploymentStatus;
  deployedAt: Date;
  url?: string | undefined;
  sequence: number;
}

/** A nested configuration document; categories are its top-level keys. */
export type ConfigValue = null | boolean | number | string | ConfigValue[] | { [key: string]: ConfigValue };

export interface Snapshot {
  id: string;
  environment: string;
  takenAt: Date;
  source?: string | undefined;
  config: Record<string, ConfigValue>;
}
