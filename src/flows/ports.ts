/**
 * What flows need from the outside world. SQLite stores, the Slack client and the clock satisfy
 * these in app.ts; tests use the same stores on a real database.
 */
import type { Artifact, ArtifactRef } from "../domain/artifact.js";
import type { ContractSet } from "../domain/contract.js";
import type { Deployment, Evidence, Snapshot } from "../domain/evidence.js";

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export interface ArtifactReader {
  getArtifact(digest: string): Artifact | undefined;
  /** Artifacts matching a reference other than a bare name; newest first, at most `limit`. */
  findArtifacts(ref: ArtifactRef, limit: number): Artifact[];
  /** Artifacts of one name, newest first. */
  artifactsNamed(name: string, limit: number): Artifact[];
  /** Every artifact, newest first (App Home, bulk evaluation). */
  listArtifacts(options: { limit: number; offset?: number }): Artifact[];
}

export interface EvidenceReader {
  /** Digest-scoped evidence for the artifact plus commit-scoped evidence for its commit. */
  evidenceFor(artifact: Pick<Artifact, "digest" | "commit">): Evidence[];
}

/**
 * Only the newest evidence per (digest or commit, kind, name, environment): everything a verdict
 * needs (SPEC §3.1), without reading an artifact's whole history.
 */
export interface LatestEvidenceReader {
  latestEvidenceFor(artifact: Pick<Artifact, "digest" | "commit">): Evidence[];
}

export interface DeploymentReader {
  /** The latest `succeeded` deployment in the environment: what runs there now. */
  currentlyRunning(environment: string): Deployment | undefined;
  /** Deployments into an environment at or after `since` (all statuses), oldest first. */
  deploymentsIn(environment: string, since?: Date): Deployment[];
  /** The latest `succeeded` deployment of this digest into the environment. */
  latestSuccessOf(digest: string, environment: string): Deployment | undefined;
  /** The latest report of any status (started, succeeded, failed) of this digest into the environment. */
  latestReportOf(digest: string, environment: string): Deployment | undefined;
}

/**
 * Narrow deployment reads for readiness and artifact references: what one evaluation needs
 * without reading an environment's whole history (a busy staging has thousands of deployments).
 */
export interface DeploymentHistoryReader {
  /** The latest `succeeded` deployment of an artifact with this name in the environment. */
  runningNamed(environment: string, name: string): Deployment | undefined;
  /**
   * The first `succeeded` deployment of another digest of the same name in the same environment
   * after `deployment`: the moment it stopped running there.
   */
  replacementOf(deployment: Deployment): Deployment | undefined;
}

export interface SnapshotReader {
  newestSnapshot(environment: string): Snapshot | undefined;
}

export interface AuditEntryInput {
  actor: string;
  action: string;
  subject: string;
  data?: Record<string, unknown>;
}

export interface AuditAppender {
  /** Appends inside the caller's transaction when one is open. */
  append(entry: AuditEntryInput, at: Date): { seq: number; hash: string };
}

export interface ContractSource {
  current(): ContractSet;
}

/** What changed, so Slack cards and other views can re-render. */
export type ChangeEvent =
  | { type: "artifact_changed"; digests: string[] }
  | { type: "environment_changed"; environment: string }
  | { type: "contracts_reloaded" };

export interface ChangeBus {
  publish(event: ChangeEvent): void;
  subscribe(listener: (event: ChangeEvent) => void): () => void;
}

export function createChangeBus(): ChangeBus {
  const listeners = new Set<(event: ChangeEvent) => void>();
  return {
    publish(event) {
      for (const listener of listeners) listener(event);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** Evaluates readiness from stored facts (implemented in flows/evaluate-readiness.ts). */
export interface ReadinessService {
  evaluate(
    digest: string,
    environment: string,
    options?: { promotion?: import("../domain/readiness.js").PromotionFact },
  ): import("../domain/readiness.js").Readiness;
}

/** Durable thread replies under an artifact's card (implemented by the Slack outbox). */
export interface CardThreadPoster {
  postEvent(input: { digest: string; environment: string; text: string }): void;
}
