/** Contracts with a drift section, snapshots stored through the real snapshot store, and a Slack poster that records. */
import { createDriftStore, type DriftStore } from "../../src/adapters/sqlite/drift-store.js";
import { createSnapshotStore, type SnapshotStore } from "../../src/adapters/sqlite/snapshot-store.js";
import type { Contract, ContractSet, DriftPolicy } from "../../src/domain/contract.js";
import type { ConfigValue } from "../../src/domain/evidence.js";
import type { ContractSource } from "../../src/flows/ports.js";
import type { DriftDigestPoster } from "../../src/flows/post-drift-digest.js";
import { createTestDb, type TestDb } from "./test-db.js";

export const REVISION = `sha256:${"cd".repeat(32)}`;

export function driftContract(environment: string, drift?: Partial<DriftPolicy>, timezone = "UTC"): Contract {
  const policy: DriftPolicy | undefined =
    drift === undefined
      ? undefined
      : { compareTo: "staging", allow: {}, ignore: [], normalize: {}, ...drift };
  return { environment, revision: REVISION, timezone, artifact: {}, evidence: [], freeze: [], drift: policy };
}

export function contractSource(...contracts: Contract[]): ContractSource & { set(next: Contract[]): void } {
  let current: ContractSet = toSet(contracts);
  return {
    current: () => current,
    set(next) {
      current = toSet(next);
    },
  };
}

function toSet(contracts: Contract[]): ContractSet {
  return {
    contracts: new Map(contracts.map((c) => [c.environment, c])),
    order: contracts.map((c) => c.environment),
  };
}

export interface DriftWorld {
  test: TestDb;
  snapshots: SnapshotStore;
  runs: DriftStore;
  addSnapshot(environment: string, takenAt: Date, config: Record<string, ConfigValue>): string;
  cleanup(): void;
}

export function driftWorld(): DriftWorld {
  const test = createTestDb();
  const snapshots = createSnapshotStore(test.db);
  return {
    test,
    snapshots,
    runs: createDriftStore(test.db),
    addSnapshot: (environment, takenAt, config) =>
      snapshots.insert({
        environment,
        source: "test",
        configJson: JSON.stringify(config),
        takenAt,
        receivedAt: takenAt,
      }),
    cleanup: () => test.cleanup(),
  };
}

export interface RecordingPoster extends DriftDigestPoster {
  posts: { channel: string; blocks: unknown[]; text: string }[];
  failNext: boolean;
}

export function recordingPoster(): RecordingPoster {
  const poster: RecordingPoster = {
    posts: [],
    failNext: false,
    async post(channel, blocks, text) {
      if (poster.failNext) {
        poster.failNext = false;
        throw new Error("channel_not_found");
      }
      poster.posts.push({ channel, blocks, text });
      return { ts: `1700000000.${String(poster.posts.length).padStart(6, "0")}` };
    },
  };
  return poster;
}
