/**
 * Stores what a GitHub webhook means (SPEC §3.4), through the same intake flows as our own API:
 * run and check results become commit-scoped evidence, package publications register artifacts,
 * deployment statuses become deployments of the artifact they name or that their commit built.
 */
import { type Artifact, shortDigest } from "../domain/artifact.js";
import type { DeploymentStatus } from "../domain/evidence.js";
import { type DeliveryKey, repeatOf } from "./delivery-repeat.js";
import type {
  EvidenceInput,
  IntakeDeps,
  IntakeOutcome,
  IntakeTx,
  KnownArtifactClaim,
} from "./intake-ports.js";
import type { ArtifactReader } from "./ports.js";
import { DEPLOYMENT_ROUTE, recordDeployment } from "./record-deployment.js";
import { recordEvidence } from "./record-evidence.js";
import { registerArtifact } from "./register-artifact.js";

export interface GithubDeploymentIntent {
  environment: string;
  status: DeploymentStatus;
  /** deployment.sha: resolves the artifact when the payload does not name one. */
  commit: string;
  /** From deployment.payload, when the deployer named the artifact. */
  digest?: string | undefined;
  name?: string | undefined;
  deployedAt?: Date | undefined;
  url?: string | undefined;
}

export type GithubIntake =
  | { kind: "evidence"; evidence: EvidenceInput }
  | { kind: "artifact"; artifact: KnownArtifactClaim }
  | { kind: "deployment"; deployment: GithubDeploymentIntent };

export type GithubResult =
  | { status: "accepted"; outcome: IntakeOutcome }
  | { status: "ignored"; reason: string };

export interface GithubDeps extends IntakeDeps {
  artifacts: Pick<ArtifactReader, "getArtifact">;
}

/**
 * NOTE: the space makes these keys unforgeable through X-Tollgate-Delivery, which allows only
 * printable ASCII without spaces, so a v1 sender can never shadow a GitHub delivery.
 */
export function githubDeliveryKey(guid: string): string {
  return `github ${guid}`;
}

export async function recordGithubEvent(
  deps: GithubDeps,
  intake: GithubIntake,
  guid: string,
): Promise<GithubResult> {
  // GitHub sends a redelivery with the same body; bodies are not compared.
  const delivery = { key: githubDeliveryKey(guid) };
  switch (intake.kind) {
    case "evidence":
      return accepted(await recordEvidence(deps, { items: [intake.evidence], batch: false, delivery }));
    case "artifact":
      return accepted(await registerArtifact(deps, { artifact: intake.artifact, delivery }));
    case "deployment":
      return recordGithubDeployment(deps, intake.deployment, delivery);
  }
}

async function recordGithubDeployment(
  deps: GithubDeps,
  intent: GithubDeploymentIntent,
  delivery: DeliveryKey,
): Promise<GithubResult> {
  // A redelivery answers as a duplicate even if what the commit resolves to has changed since.
  const found = await deps.store.commit((tx) => {
    const prior = repeatOf(tx, DEPLOYMENT_ROUTE, delivery);
    return prior === undefined ? { target: resolveTarget(tx, deps.artifacts, intent) } : { prior };
  });
  if (found.prior !== undefined) return accepted({ id: found.prior, duplicate: true, stored: 0 });
  const target = found.target as KnownArtifactClaim | string;
  if (typeof target === "string") return { status: "ignored", reason: target };
  const { environment, status, deployedAt, url } = intent;
  const deployment = { environment, artifact: target, status, deployedAt, url };
  return accepted(await recordDeployment(deps, { deployment, delivery, source: "github" }));
}

/** The artifact being deployed, or why it cannot be told. */
function resolveTarget(
  tx: IntakeTx,
  artifacts: GithubDeps["artifacts"],
  intent: GithubDeploymentIntent,
): KnownArtifactClaim | string {
  if (intent.digest !== undefined) {
    // NOTE: deployment.sha is the ref being deployed, not necessarily the commit the image was
    // built from (a promotion deploys an older build), so it is never claimed for the digest.
    const name = intent.name ?? artifacts.getArtifact(intent.digest)?.name;
    if (name === undefined) {
      return `${shortDigest(intent.digest)} from deployment.payload is not a known artifact; add "name" to the payload`;
    }
    return { name, digest: intent.digest };
  }
  const built = tx
    .digestsBuiltFrom(intent.commit)
    .map((digest) => artifacts.getArtifact(digest))
    .filter((a): a is Artifact => a !== undefined && (intent.name === undefined || a.name === intent.name));
  const only = built[0];
  if (only === undefined) {
    return `no known artifact was built from commit ${intent.commit}; register it first or put "digest" in deployment.payload`;
  }
  if (built.length > 1) {
    const names = built.map((a) => `${a.name}@${shortDigest(a.digest)}`).join(", ");
    return `commit ${intent.commit} built ${built.length} artifacts (${names}); put "name" or "digest" in deployment.payload`;
  }
  return { name: only.name, digest: only.digest };
}

function accepted(outcome: IntakeOutcome): GithubResult {
  return { status: "accepted", outcome };
}
