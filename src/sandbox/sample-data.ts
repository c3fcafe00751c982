/**
 * The sample traffic a visitor sends from the page: a build of one service, evidence that passes
 * or fails each example contract's checks, and configuration snapshots that stay within (or
 * break) the drift allowances. Pure builders; sample-routes.ts signs and sends them.
 */
import { randomBytes } from "node:crypto";

export interface SampleArtifact {
  name: string;
  digest: string;
  version: string;
  commit: string;
}

export const SAMPLE_SERVICE = "checkout-api";

/** Sample builds are `1.4.0`, `1.4.1`, …; nothing else (the banner's example included) uses 1.4.N. */
const SAMPLE_VERSION = /^1\.4\.(0|[1-9]\d{0,8})$/;

/**
 * The version of the next sample build: one past the highest `1.4.N` among `known` (compared as
 * numbers, so 1.4.10 follows 1.4.9), skipping any that `taken` says is already a label.
 * NOTE: every build needs a version of its own: two digests labelled `checkout-api@1.4.2` make
 * `/promote checkout-api@1.4.2` ambiguous, and the walk in docs/sandbox.md stops there.
 */
export function nextSampleVersion(
  known: Iterable<string | undefined>,
  taken: (version: string) => boolean = () => false,
): string {
  let patch = 0;
  for (const version of known) {
    const match = SAMPLE_VERSION.exec(version ?? "");
    if (match) patch = Math.max(patch, Number(match[1]) + 1);
  }
  while (taken(`1.4.${patch}`)) patch++;
  return `1.4.${patch}`;
}

export function newBuild(version: string): SampleArtifact {
  return {
    name: SAMPLE_SERVICE,
    digest: `sha256:${randomBytes(32).toString("hex")}`,
    version,
    commit: randomBytes(20).toString("hex"),
  };
}

interface EvidenceSample {
  label: string;
  kind: string;
  name: string;
  status: "passed" | "failed";
  environment?: string;
  summary?: Record<string, number>;
}

export const EVIDENCE_SAMPLES: Record<string, EvidenceSample> = {
  "unit-pass": {
    label: "Unit tests pass",
    kind: "test",
    name: "unit",
    status: "passed",
    summary: { total: 1287, passed: 1287, failed: 0, skipped: 0 },
  },
  "unit-fail": {
    label: "Unit tests fail",
    kind: "test",
    name: "unit",
    status: "failed",
    summary: { total: 1287, passed: 1279, failed: 8, skipped: 0 },
  },
  "e2e-pass": {
    label: "e2e in staging passes",
    kind: "test",
    name: "e2e",
    environment: "staging",
    status: "passed",
    summary: { total: 412, passed: 410, failed: 0, skipped: 2 },
  },
  "e2e-fail": {
    label: "e2e in staging fails",
    kind: "test",
    name: "e2e",
    environment: "staging",
    status: "failed",
    summary: { total: 412, passed: 405, failed: 7, skipped: 0 },
  },
  "trivy-clean": {
    label: "Trivy scan clean",
    kind: "scan",
    name: "trivy",
    status: "passed",
    summary: { critical: 0, high: 1, medium: 6, low: 14 },
  },
  "trivy-critical": {
    label: "Trivy finds 2 critical",
    kind: "scan",
    name: "trivy",
    status: "passed",
    summary: { critical: 2, high: 5, medium: 9, low: 20 },
  },
  sbom: { label: "SBOM published", kind: "sbom", name: "cyclonedx", status: "passed" },
  cosign: { label: "Signed with cosign", kind: "signature", name: "cosign", status: "passed" },
};

/** Everything prod asks for besides unit tests, in one all-or-nothing batch. */
export const RELEASE_CHECKS = ["unit-pass", "e2e-pass", "trivy-clean", "sbom", "cosign"] as const;

export function evidenceBody(
  artifact: SampleArtifact,
  key: string,
  runNumber: number,
): Record<string, unknown> {
  const sample = EVIDENCE_SAMPLES[key];
  if (sample === undefined) throw new Error(`unknown sample ${key}`);
  const { label: _label, ...fields } = sample;
  return { artifact, ...fields, url: `https://ci.example.com/runs/${runNumber}` };
}

export type SnapshotVariant = "aligned" | "drifting";

/**
 * One environment's configuration. Endpoints differ only by the environment's name, which the
 * prod contract's `normalize` maps away; "drifting" gives prod a changed endpoint and role.
 */
export function snapshotBody(
  environment: string,
  variant: SnapshotVariant,
  takenAt: Date,
): Record<string, unknown> {
  const drifting = variant === "drifting" && environment === "prod";
  return {
    environment,
    taken_at: takenAt.toISOString(),
    source: "sandbox",
    config: {
      feature_flags: {
        "new-checkout": environment !== "prod",
        "dark-mode": false,
        [`experiment-banner-${environment}`]: true,
      },
      endpoints: {
        payments: drifting ? "https://payments-v2.prod.internal" : `https://payments.${environment}.internal`,
        search: `https://search.${environment}.internal`,
      },
      data: { "orders.schema": "v42" },
      security: { mtls: true, admin_roles: drifting ? ["sre", "contractor"] : ["sre"] },
    },
  };
}
