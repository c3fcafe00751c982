/** Deployments (SPEC §3.2): what runs in an environment is its latest succeeded deployment. */
import type { Deployment, DeploymentStatus } from "../../domain/evidence.js";
import type { IntakeTx } from "../../flows/intake-ports.js";
import type { DeploymentReader } from "../../flows/ports.js";
import { newId } from "./new-id.js";
import type { Db } from "./open-database.js";

export interface DeploymentRow {
  seq: number;
  id: string;
  environment: string;
  digest: string;
  name: string;
  status: DeploymentStatus;
  url: string | null;
  deployed_at: number;
}

const SELECT = `SELECT d.seq, d.id, d.environment, d.digest, a.name, d.status, d.url, d.deployed_at
  FROM deployments d JOIN artifacts a ON a.digest = d.digest`;

export interface DeploymentStore extends DeploymentReader {
  insert: IntakeTx["insertDeployment"];
}

export function createDeploymentStore(db: Db): DeploymentStore {
  const insert = db.prepare(`INSERT INTO deployments (id, environment, digest, status, url, deployed_at,
    received_at) VALUES (?, ?, ?, ?, ?, ?, ?)`);
  const running = db.prepare<[string], DeploymentRow>(
    `${SELECT} WHERE d.environment = ? AND d.status = 'succeeded' ORDER BY d.deployed_at DESC, d.seq DESC LIMIT 1`,
  );
  const since = db.prepare<[string, number], DeploymentRow>(
    `${SELECT} WHERE d.environment = ? AND d.deployed_at >= ? ORDER BY d.deployed_at, d.seq`,
  );
  const latestSuccess = db.prepare<[string, string], DeploymentRow>(
    `${SELECT} WHERE d.digest = ? AND d.environment = ? AND d.status = 'succeeded'
     ORDER BY d.deployed_at DESC, d.seq DESC LIMIT 1`,
  );
  const latestReport = db.prepare<[string, string], DeploymentRow>(
    `${SELECT} WHERE d.digest = ? AND d.environment = ? ORDER BY d.deployed_at DESC, d.seq DESC LIMIT 1`,
  );
  const one = (row: DeploymentRow | undefined) => (row === undefined ? undefined : toDeployment(row));
  return {
    insert(row) {
      const id = newId("dep", row.receivedAt.getTime());
      insert.run(
        id,
        row.environment,
        row.digest,
        row.status,
        row.url ?? null,
        row.deployedAt.getTime(),
        row.receivedAt.getTime(),
      );
      return id;
    },
    currentlyRunning: (environment) => one(running.get(environment)),
    deploymentsIn: (environment, from) =>
      since.all(environment, from?.getTime() ?? Number.MIN_SAFE_INTEGER).map(toDeployment),
    latestSuccessOf: (digest, environment) => one(latestSuccess.get(digest, environment)),
    latestReportOf: (digest, environment) => one(latestReport.get(digest, environment)),
  };
}

export function toDeployment(row: DeploymentRow): Deployment {
  return {
    id: row.id,
    environment: row.environment,
    digest: row.digest,
    name: row.name,
    status: row.status,
    deployedAt: new Date(row.deployed_at),
    url: row.url ?? undefined,
    sequence: row.seq,
  };
}
