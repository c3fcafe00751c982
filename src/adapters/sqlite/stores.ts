/**
 * Every SQLite store over one connection, plus the intake write side (group commit). The readers
 * satisfy the ports in flows/ports.ts; the writers are reached only through `intake.commit` and
 * `intake.recordEvidence` (which may run on the intake writer thread, intake-writer.ts).
 */
import type { EvidenceRequest, IntakeStore, IntakeTx } from "../../flows/intake-ports.js";
import type { DeploymentHistoryReader, LatestEvidenceReader } from "../../flows/ports.js";
import type { LockRepository } from "../../flows/promotion-ports.js";
import { evidenceTransaction } from "../../flows/record-evidence.js";
import { type ArtifactStore, createArtifactStore } from "./artifact-store.js";
import { createAuditStore } from "./audit-store.js";
import { createDeliveryStore, type DeliveryStore } from "./delivery-store.js";
import { createDeploymentHistoryStore } from "./deployment-history-store.js";
import { createDeploymentStore, type DeploymentStore } from "./deployment-store.js";
import { createEvidenceStore, type EvidenceStore } from "./evidence-store.js";
import { createGroupCommit } from "./group-commit.js";
import type { IntakeWriter } from "./intake-writer.js";
import { createLatestEvidenceStore } from "./latest-evidence-store.js";
import { createLockStore } from "./lock-store.js";
import { newId } from "./new-id.js";
import type { Db } from "./open-database.js";
import { createSnapshotStore, type SnapshotStore } from "./snapshot-store.js";
import { createWalSync, type WalSync } from "./wal-sync.js";
import type { WriteTurns } from "./write-turns.js";

export interface Stores {
  artifacts: ArtifactStore;
  evidence: EvidenceStore & LatestEvidenceReader;
  deployments: DeploymentStore & DeploymentHistoryReader;
  locks: LockRepository;
  snapshots: SnapshotStore;
  deliveries: DeliveryStore;
  intake: IntakeStore & { drain(): Promise<void>; close(): Promise<void> };
  /** The WAL sync barrier intake uses, shared so other relaxed writers (Slack outbox) join its syncs. */
  barrier?: WalSync | undefined;
  /**
   * Present while evidence is written on the intake writer thread: the event loop's writers (the
   * Slack outbox, the promotion transactor) take a turn before they commit instead of sleeping in
   * SQLite's busy handler (write-turns.ts).
   */
  writeTurns?: WriteTurns | undefined;
}

export interface StoreOptions {
  /** Called after each group commit with the number of requests in it and its duration. */
  onCommit?: (requests: number, seconds: number) => void;
  /**
   * The durability barrier for intake commits (wal-sync.ts). By default an fdatasync of the WAL
   * for a file database in WAL mode; `false` makes every intake COMMIT sync in place instead.
   */
  barrier?: WalSync | false;
  /**
   * Where evidence transactions run instead of this connection's group commit (intake-writer.ts),
   * given the in-process way as its fallback; none when it answers undefined.
   */
  evidenceWriter?: (inProcess: IntakeStore["recordEvidence"]) => IntakeWriter | undefined;
  /** On the intake writer thread: the turns its group commit takes at the write lock. */
  writeTurns?: WriteTurns | undefined;
}

export function createStores(db: Db, options: StoreOptions = {}): Stores {
  const artifacts = createArtifactStore(db);
  const evidence = { ...createEvidenceStore(db), ...createLatestEvidenceStore(db) };
  const deployments = { ...createDeploymentStore(db), ...createDeploymentHistoryStore(db) };
  const locks = createLockStore(db);
  const snapshots = createSnapshotStore(db);
  const deliveries = createDeliveryStore(db);
  const audit = createAuditStore(db);
  const tx: IntakeTx = {
    priorDelivery: deliveries.prior,
    recordDelivery: deliveries.record,
    registerArtifact: artifacts.register,
    artifactName: (digest) => artifacts.getArtifact(digest)?.name,
    digestsBuiltFrom: artifacts.digestsBuiltFrom,
    insertEvidence: evidence.insert,
    insertDeployment: deployments.insert,
    insertSnapshot: snapshots.insert,
    newId: (prefix) => newId(prefix),
    appendAudit: (entry, at) => void audit.append(entry, at),
  };
  const barrier = options.barrier === false ? undefined : (options.barrier ?? createWalSync(db));
  const group = createGroupCommit(db, tx, { onCommit: options.onCommit, barrier, turns: options.writeTurns });
  const inProcess = (request: EvidenceRequest, receivedAt: Date) =>
    group.commit((t) => evidenceTransaction(t, request, receivedAt));
  // A thread needs a database file it can open too, and the barrier that makes its 202s durable.
  const writer = barrier === undefined ? undefined : options.evidenceWriter?.(inProcess);
  const intake = {
    commit: group.commit,
    recordEvidence: writer?.recordEvidence ?? inProcess,
    async drain() {
      await Promise.all([group.drain(), writer?.drain()]);
    },
    close: async () => writer?.close(),
  };
  const writeTurns = writer?.turns;
  return { artifacts, evidence, deployments, locks, snapshots, deliveries, intake, barrier, writeTurns };
}
