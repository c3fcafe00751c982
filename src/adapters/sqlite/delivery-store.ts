/** Idempotency keys (X-Tollgate-Delivery, X-GitHub-Delivery): a repeat answers with the first id. */
import type { Db } from "./open-database.js";

export interface DeliveryStore {
  prior(route: string, key: string): string | undefined;
  record(route: string, key: string, resultId: string, at: Date): void;
}

export function createDeliveryStore(db: Db): DeliveryStore {
  const find = db.prepare<[string, string], { result_id: string }>(
    "SELECT result_id FROM deliveries WHERE route = ? AND delivery_key = ?",
  );
  const insert = db.prepare(
    "INSERT INTO deliveries (route, delivery_key, result_id, received_at) VALUES (?, ?, ?, ?)",
  );
  return {
    prior: (route, key) => find.get(route, key)?.result_id,
    record(route, key, resultId, at) {
      insert.run(route, key, resultId, at.getTime());
    },
  };
}
