/**
 * Stores a deployment report (SPEC §3.2). What runs in an environment is its latest succeeded
 * deployment, so both the artifact and the environment change.
 */
import type { DeploymentInput, IntakeDeps, IntakeOutcome } from "./intake-ports.js";

export const DEPLOYMENT_ROUTE = "deployments";

export async function recordDeployment(
  deps: IntakeDeps,
  request: { deployment: DeploymentInput; delivery?: string | undefined },
): Promise<IntakeOutcome> {
  const receivedAt = deps.clock.now();
  const { deployment, delivery } = request;
  const result = await deps.store.commit((tx) => {
    const prior = delivery === undefined ? undefined : tx.priorDelivery(DEPLOYMENT_ROUTE, delivery);
    if (prior !== undefined) return { id: prior, duplicate: true, stored: 0 };
    tx.registerArtifact(deployment.artifact, receivedAt);
    const id = tx.insertDeployment({
      environment: deployment.environment,
      digest: deployment.artifact.digest,
      status: deployment.status,
      url: deployment.url,
      deployedAt: deployment.deployedAt ?? receivedAt,
      receivedAt,
    });
    if (delivery !== undefined) tx.recordDelivery(DEPLOYMENT_ROUTE, delivery, id, receivedAt);
    return { id, duplicate: false, stored: 1 };
  });
  if (!result.duplicate) {
    deps.bus.publish({ type: "artifact_changed", digests: [deployment.artifact.digest] });
    deps.bus.publish({ type: "environment_changed", environment: deployment.environment });
  }
  return result;
}
