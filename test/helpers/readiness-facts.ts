/** Plain domain values for readiness tests: a contract, an artifact and facts, with overrides. */
import type { Artifact } from "../../src/domain/artifact.js";
import type { Contract } from "../../src/domain/contract.js";
import type { Deployment, Evidence, Snapshot } from "../../src/domain/evidence.js";
import type { ReadinessFacts } from "../../src/domain/readiness.js";

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
export const NOW = new Date("2026-11-27T12:00:00Z");
export const REVISION = `sha256:${"ab".repeat(32)}`;

export function digestOf(seed: string): string {
  const hex = [...seed].map((c) => c.charCodeAt(0).toString(16).padStart(2, "0")).join("");
  return `sha256:${hex.padEnd(64, "0").slice(0, 64)}`;
}

export const DIGEST = `sha256:4f2a${"0".repeat(57)}c91`;
export const COMMIT = "9fceb02d0ae598e95dc970b74767f19372d61af8";

export function at(offsetMs: number, from: Date = NOW): Date {
  return new Date(from.getTime() + offsetMs);
}

export function anArtifact(overrides: Partial<Artifact> = {}): Artifact {
  return { name: "checkout-api", digest: DIGEST, commit: COMMIT, firstSeenAt: at(-DAY), ...overrides };
}

export function aContract(overrides: Partial<Contract> = {}): Contract {
  return {
    environment: "prod",
    revision: REVISION,
    after: "staging",
    timezone: "Europe/Berlin",
    artifact: {},
    evidence: [],
    freeze: [],
    ...overrides,
  };
}

let sequence = 0;

export function anEvidence(overrides: Partial<Evidence> = {}): Evidence {
  sequence += 1;
  return {
    id: `ev-${sequence}`,
    digest: DIGEST,
    kind: "test",
    name: "e2e",
    status: "passed",
    summary: {},
    observedAt: at(-HOUR),
    sequence,
    ...overrides,
  };
}

export function aDeployment(overrides: Partial<Deployment> = {}): Deployment {
  sequence += 1;
  return {
    id: `dep-${sequence}`,
    environment: "staging",
    digest: DIGEST,
    name: "checkout-api",
    status: "succeeded",
    deployedAt: at(-2 * DAY),
    sequence,
    ...overrides,
  };
}

export function aSnapshot(environment: string, config: Snapshot["config"], takenAt = at(-HOUR)): Snapshot {
  sequence += 1;
  return { id: `snap-${sequence}`, environment, takenAt, config };
}

export function someFacts(overrides: Partial<ReadinessFacts> = {}): ReadinessFacts {
  return {
    artifact: anArtifact(),
    evidence: [],
    upstreamDeployments: [],
    snapshots: {},
    locks: [],
    ...overrides,
  };
}
