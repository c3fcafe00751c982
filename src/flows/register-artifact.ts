/**
 * Records an artifact on its own, before any evidence or deployment names it (SPEC §3.4: a
 * registry's "package published" event). Evidence that arrived earlier for its commit now counts.
 */
import { type DeliveryKey, rememberDelivery, repeatOf } from "./delivery-repeat.js";
import type { IntakeDeps, IntakeOutcome, KnownArtifactClaim } from "./intake-ports.js";

export const ARTIFACT_ROUTE = "artifacts";

export async function registerArtifact(
  deps: IntakeDeps,
  request: { artifact: KnownArtifactClaim; delivery?: DeliveryKey | undefined },
): Promise<IntakeOutcome> {
  const receivedAt = deps.clock.now();
  const { artifact, delivery } = request;
  const result = await deps.store.commit((tx) => {
    const prior = repeatOf(tx, ARTIFACT_ROUTE, delivery);
    if (prior !== undefined) return { id: prior, duplicate: true, stored: 0 };
    // A known digest is checked, not overwritten: another name or commit is `artifact_conflict`.
    tx.registerArtifact(artifact, receivedAt);
    rememberDelivery(tx, ARTIFACT_ROUTE, delivery, artifact.digest, receivedAt);
    return { id: artifact.digest, duplicate: false, stored: 1 };
  });
  if (!result.duplicate) deps.bus.publish({ type: "artifact_changed", digests: [artifact.digest] });
  return result;
}
