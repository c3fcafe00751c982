/**
 * The write side the intake flows need (SPEC §3.1–3.3). Inputs arrive validated and normalised by
 * the HTTP adapter; the store decides how to make them durable (one group commit per event-loop
 * turn in SQLite) and resolves only once they are on disk.
 */
import type { DeploymentStatus, EvidenceKind, EvidenceStatus } from "../domain/evidence.js";
import type { DeliveryKey } from "./delivery-repeat.js";
import type { AuditEntryInput, ChangeBus, Clock } from "./ports.js";

/** What a payload says about an artifact; `digest` or `commit` (or both) is present. */
export interface ArtifactClaim {
  name?: string | undefined;
  digest?: string | undefined;
  version?: string | undefined;
  commit?: string | undefined;
  repository?: string | undefined;
  url?: string | undefined;
}

export type KnownArtifactClaim = ArtifactClaim & { name: string; digest: string };

export interface EvidenceInput {
  artifact: ArtifactClaim;
  kind: EvidenceKind;
  name: string;
  status: EvidenceStatus;
  environment?: string | undefined;
  summary?: Record<string, number> | undefined;
  url?: string | undefined;
  observedAt?: Date | undefined;
  /** `details` already serialised (the adapter measured its size from this text). */
  detailsJson?: string | undefined;
}

export interface DeploymentInput {
  environment: string;
  artifact: KnownArtifactClaim;
  status: DeploymentStatus;
  deployedAt?: Date | undefined;
  url?: string | undefined;
}

export interface SnapshotInput {
  environment: string;
  takenAt?: Date | undefined;
  source?: string | undefined;
  /** The configuration document already serialised. */
  configJson: string;
}

export interface NewEvidenceRow {
  digest?: string | undefined;
  commit?: string | undefined;
  kind: EvidenceKind;
  name: string;
  status: EvidenceStatus;
  environment?: string | undefined;
  summaryJson: string;
  url?: string | undefined;
  detailsJson?: string | undefined;
  observedAt: Date;
  receivedAt: Date;
}

/** What a delivery key was first used for (delivery-repeat.ts). */
export interface PriorDelivery {
  resultId: string;
  /** SHA-256 of the first body; undefined for keys stored before bodies were compared. */
  fingerprint?: string | undefined;
}

/** One request's writes; everything in it commits or rolls back together. */
export interface IntakeTx {
  priorDelivery(route: string, key: string): PriorDelivery | undefined;
  recordDelivery(route: string, key: string, resultId: string, at: Date, fingerprint?: string): void;
  /** Registers the digest or checks it against what is known; throws `artifact_conflict`.
   * Returns the commit now recorded for the digest, if any. */
  registerArtifact(claim: KnownArtifactClaim, at: Date): { commit: string | undefined };
  /** The name a known digest was recorded with, or undefined for a digest not seen yet. */
  artifactName(digest: string): string | undefined;
  /** Digests of known artifacts built from this commit (full or abbreviated). */
  digestsBuiltFrom(commit: string): string[];
  insertEvidence(row: NewEvidenceRow): string;
  insertDeployment(row: {
    environment: string;
    digest: string;
    status: DeploymentStatus;
    url?: string | undefined;
    deployedAt: Date;
    receivedAt: Date;
  }): string;
  insertSnapshot(row: {
    environment: string;
    source?: string | undefined;
    configJson: string;
    takenAt: Date;
    receivedAt: Date;
  }): string;
  newId(prefix: string): string;
  /** Appends to the audit ledger (SPEC §7) in this request's transaction: both or neither. */
  appendAudit(entry: AuditEntryInput, at: Date): void;
}

export interface EvidenceRequest {
  items: EvidenceInput[];
  /** A batch answers with one batch id; a single item with its own id. */
  batch: boolean;
  delivery?: DeliveryKey | undefined;
}

export interface EvidenceRecorded extends IntakeOutcome {
  /** Artifacts whose evidence changed. */
  digests: string[];
}

export interface IntakeStore {
  /** Runs `work` inside the next group commit; resolves after the commit is durable. */
  commit<T>(work: (tx: IntakeTx) => T): Promise<T>;
  /**
   * Runs record-evidence.ts's `evidenceTransaction` inside the next group commit, like `commit`,
   * but by name rather than as a closure, so it can run on another thread; resolves once durable.
   */
  recordEvidence(request: EvidenceRequest, receivedAt: Date): Promise<EvidenceRecorded>;
}

export interface IntakeDeps {
  store: IntakeStore;
  bus: ChangeBus;
  clock: Clock;
}

export interface IntakeOutcome {
  id: string;
  duplicate: boolean;
  /** Rows written (0 for a duplicate), for metrics. */
  stored: number;
}
