/**
 * Stores a deployment report (SPEC §3.2). What runs in an environment is its latest succeeded
 * deployment, so both the artifact and the environment change. Every deployment is also an audit
 * ledger entry (SPEC §7), written in the same transaction so neither exists without the other.
 */
import { type DeliveryKey, rememberDelivery, repeatOf } from "./delivery-repeat.js";
import type { DeploymentInput, IntakeDeps, IntakeOutcome } from "./intake-ports.js";
import type { AuditEntryInput } from "./ports.js";

export const DEPLOYMENT_ROUTE = "deployments";

export interface DeploymentRequest {
  deployment: DeploymentInput;
  delivery?: DeliveryKey | undefined;
  /** Who reported it, for the ledger: "api" (POST /api/v1/deployments) unless told otherwise. */
  source?: string | undefined;
}

export async function recordDeployment(deps: IntakeDeps, request: DeploymentRequest): Promise<IntakeOutcome> {
  const receivedAt = deps.clock.now();
  const { deployment, delivery } = request;
  const result = await deps.store.commit((tx) => {
    const prior = repeatOf(tx, DEPLOYMENT_ROUTE, delivery);
    if (prior !== undefined) return { id: prior, duplicate: true, stored: 0 };
    tx.registerArtifact(deployment.artifact, receivedAt);
    const deployedAt = deployment.deployedAt ?? receivedAt;
    const id = tx.insertDeployment({
      environment: deployment.environment,
      digest: deployment.artifact.digest,
      status: deployment.status,
      url: deployment.url,
      deployedAt,
      receivedAt,
    });
    tx.appendAudit(ledgerEntry(request, id, deployedAt), receivedAt);
    rememberDelivery(tx, DEPLOYMENT_ROUTE, delivery, id, receivedAt);
    return { id, duplicate: false, stored: 1 };
  });
  if (!result.duplicate) {
    deps.bus.publish({ type: "artifact_changed", digests: [deployment.artifact.digest] });
    deps.bus.publish({ type: "environment_changed", environment: deployment.environment });
  }
  return result;
}

function ledgerEntry(request: DeploymentRequest, id: string, deployedAt: Date): AuditEntryInput {
  const { deployment, delivery } = request;
  return {
    actor: request.source ?? "api",
    action: "deployment",
    subject: deployment.environment,
    data: {
      id,
      environment: deployment.environment,
      name: deployment.artifact.name,
      digest: deployment.artifact.digest,
      status: deployment.status,
      deployed_at: deployedAt.toISOString(),
      ...(delivery === undefined ? {} : { delivery: delivery.key }),
    },
  };
}
