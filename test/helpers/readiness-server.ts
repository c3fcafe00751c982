/**
 * A real Tollgate read API for tests: SQLite file with migrations, real stores, contracts loaded
 * from YAML files, the HTTP server on 127.0.0.1 port 0 with the readiness routes.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadContractSet } from "../../src/adapters/contracts/load-contract-set.js";
import { createMetrics } from "../../src/adapters/http/metrics.js";
import { registerReadinessRoutes } from "../../src/adapters/http/readiness-routes.js";
import { createHttpServer, type HttpServer } from "../../src/adapters/http/server.js";
import { createLogger } from "../../src/adapters/log.js";
import { createDeploymentHistoryStore } from "../../src/adapters/sqlite/deployment-history-store.js";
import { createLatestEvidenceStore } from "../../src/adapters/sqlite/latest-evidence-store.js";
import { createStores, type Stores } from "../../src/adapters/sqlite/stores.js";
import type { ContractSet } from "../../src/domain/contract.js";
import { createReadinessService, type FullReadinessService } from "../../src/flows/evaluate-readiness.js";
import type { Clock } from "../../src/flows/ports.js";
import { resolveArtifact } from "../../src/flows/resolve-artifact.js";
import { createTestDb, type TestDb } from "./test-db.js";

export const CONTRACTS: Record<string, string> = {
  "dev.yml": "description: Development\nevidence:\n  - {kind: test, name: unit}\n",
  "staging.yml": "after: dev\nartifact: {same_as: dev}\nevidence:\n  - {kind: test, name: unit}\n",
  "prod.yml": [
    "after: staging",
    "timezone: Europe/Berlin",
    "artifact: {same_as: staging, soak: 1h}",
    "evidence:",
    "  - {kind: test, name: unit}",
    "  - {kind: test, name: e2e, environment: staging, min_total: 1}",
    "",
  ].join("\n"),
};

export interface ReadinessServer {
  baseUrl: string;
  stores: Stores;
  readiness: FullReadinessService;
  db: TestDb;
  close(): Promise<void>;
}

export function loadContracts(files: Record<string, string>): ContractSet {
  const dir = mkdtempSync(join(tmpdir(), "tollgate-contracts-"));
  try {
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    const loaded = loadContractSet(dir);
    if (!loaded.ok) throw new Error(`test contracts invalid: ${JSON.stringify(loaded.errors)}`);
    return loaded.set;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function startReadinessServer(options: {
  tokens: string[];
  clock: Clock;
}): Promise<ReadinessServer> {
  const db = createTestDb();
  const stores = createStores(db.db);
  const set = loadContracts(CONTRACTS);
  const contracts = { current: () => set };
  const deployments = { ...stores.deployments, ...createDeploymentHistoryStore(db.db) };
  const readiness = createReadinessService({
    contracts,
    artifacts: stores.artifacts,
    evidence: { ...stores.evidence, ...createLatestEvidenceStore(db.db) },
    deployments,
    snapshots: stores.snapshots,
    clock: options.clock,
  });
  const http: HttpServer = createHttpServer({
    logger: createLogger({ level: "silent", secrets: [] }),
    metrics: createMetrics(),
  });
  registerReadinessRoutes(http, {
    tokens: options.tokens,
    resolve: (ref, env) => resolveArtifact(ref, env, { artifacts: stores.artifacts, deployments, contracts }),
    evaluate: (artifact, env) => readiness.evaluateArtifact(artifact, env),
  });
  http.setState("ready");
  const address = await http.listen(0, "127.0.0.1");
  return {
    baseUrl: `http://127.0.0.1:${address.port}`,
    stores,
    readiness,
    db,
    async close() {
      await http.close(1_000);
      await stores.intake.drain();
      db.cleanup();
    },
  };
}
