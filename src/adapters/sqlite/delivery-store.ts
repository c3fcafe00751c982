/** Idempotency keys (X-Tollgate-Delivery, X-GitHub-Delivery): a repeat answers with the first id. */
import type { PriorDelivery } from "../../flows/intake-ports.js";
import type { Db } from "./open-database.js";

export interface DeliveryStore {
  prior(route: string, key: string): PriorDelivery | undefined;
  record(route: string, key: string, resultId: string, at: Date, fingerprint?: string): void;
}

export function createDeliveryStore(db: Db): DeliveryStore {
  const find = db.prepare<[string, string], { result_id: string; body_sha256: string | null }>(
    "SELECT result_id, body_sha256 FROM deliveries WHERE route = ? AND delivery_key = ?",
  );
  const insert = db.prepare(
    "INSERT INTO deliveries (route, delivery_key, result_id, received_at, body_sha256) VALUES (?, ?, ?, ?, ?)",
  );
  return {
    prior(route, key) {
      const row = find.get(route, key);
      return row && { resultId: row.result_id, fingerprint: row.body_sha256 ?? undefined };
    },
    record(route, key, resultId, at, fingerprint) {
      insert.run(route, key, resultId, at.getTime(), fingerprint ?? null);
    },
  };
}
