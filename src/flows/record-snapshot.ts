/** Stores an environment configuration snapshot (SPEC §3.3); drift views re-render on the event. */
import { type DeliveryKey, rememberDelivery, repeatOf } from "./delivery-repeat.js";
import type { IntakeDeps, IntakeOutcome, SnapshotInput } from "./intake-ports.js";

export const SNAPSHOT_ROUTE = "snapshots";

export async function recordSnapshot(
  deps: IntakeDeps,
  request: { snapshot: SnapshotInput; delivery?: DeliveryKey | undefined },
): Promise<IntakeOutcome> {
  const receivedAt = deps.clock.now();
  const { snapshot, delivery } = request;
  const result = await deps.store.commit((tx) => {
    const prior = repeatOf(tx, SNAPSHOT_ROUTE, delivery);
    if (prior !== undefined) return { id: prior, duplicate: true, stored: 0 };
    const id = tx.insertSnapshot({
      environment: snapshot.environment,
      source: snapshot.source,
      configJson: snapshot.configJson,
      takenAt: snapshot.takenAt ?? receivedAt,
      receivedAt,
    });
    rememberDelivery(tx, SNAPSHOT_ROUTE, delivery, id, receivedAt);
    return { id, duplicate: false, stored: 1 };
  });
  if (!result.duplicate) deps.bus.publish({ type: "environment_changed", environment: snapshot.environment });
  return result;
}
