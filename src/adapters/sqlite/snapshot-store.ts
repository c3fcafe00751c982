/** Environment configuration snapshots (SPEC §3.3); the newest by `taken_at` is the one compared. */
import type { ConfigValue, Snapshot } from "../../domain/evidence.js";
import type { IntakeTx } from "../../flows/intake-ports.js";
import type { SnapshotReader } from "../../flows/ports.js";
import { newId } from "./new-id.js";
import type { Db } from "./open-database.js";

interface SnapshotRow {
  id: string;
  environment: string;
  source: string | null;
  config: string;
  taken_at: number;
}

export interface SnapshotStore extends SnapshotReader {
  insert: IntakeTx["insertSnapshot"];
}

export function createSnapshotStore(db: Db): SnapshotStore {
  const insert = db.prepare(
    "INSERT INTO snapshots (id, environment, source, config, taken_at, received_at) VALUES (?, ?, ?, ?, ?, ?)",
  );
  const newest = db.prepare<[string], SnapshotRow>(
    `SELECT id, environment, source, config, taken_at FROM snapshots WHERE environment = ?
     ORDER BY taken_at DESC, seq DESC LIMIT 1`,
  );
  return {
    insert(row) {
      const id = newId("snap", row.receivedAt.getTime());
      insert.run(
        id,
        row.environment,
        row.source ?? null,
        row.configJson,
        row.takenAt.getTime(),
        row.receivedAt.getTime(),
      );
      return id;
    },
    newestSnapshot(environment) {
      const row = newest.get(environment);
      if (row === undefined) return undefined;
      return {
        id: row.id,
        environment: row.environment,
        takenAt: new Date(row.taken_at),
        source: row.source ?? undefined,
        config: JSON.parse(row.config) as Record<string, ConfigValue>,
      } satisfies Snapshot;
    },
  };
}
