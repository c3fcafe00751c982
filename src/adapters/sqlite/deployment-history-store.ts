/**
 * Deployment reads keyed by artifact name (flows/ports.ts DeploymentHistoryReader). Deployments do
 * not store the name, so both queries walk the artifacts of that name (artifacts_by_name) and
 * probe each one's deployments (deployments_by_digest): a few index seeks per build of the
 * service, instead of scanning every deployment of every service in the environment.
 */
import type { DeploymentHistoryReader } from "../../flows/ports.js";
import { type DeploymentRow, toDeployment } from "./deployment-store.js";
import type { Db } from "./open-database.js";

const FROM = `SELECT d.seq, d.id, d.environment, d.digest, a.name, d.status, d.url, d.deployed_at
  FROM artifacts a CROSS JOIN deployments d
  WHERE a.name = @name AND d.digest = a.digest AND d.environment = @environment AND d.status = 'succeeded'`;

export function createDeploymentHistoryStore(db: Db): DeploymentHistoryReader {
  const running = db.prepare<{ name: string; environment: string }, DeploymentRow>(
    `${FROM} ORDER BY d.deployed_at DESC, d.seq DESC LIMIT 1`,
  );
  const replacement = db.prepare<
    { name: string; environment: string; digest: string; at: number; seq: number },
    DeploymentRow
  >(
    `${FROM} AND d.digest <> @digest AND (d.deployed_at > @at OR (d.deployed_at = @at AND d.seq > @seq))
     ORDER BY d.deployed_at, d.seq LIMIT 1`,
  );
  const one = (row: DeploymentRow | undefined) => (row === undefined ? undefined : toDeployment(row));
  return {
    runningNamed: (environment, name) => one(running.get({ environment, name })),
    replacementOf: (d) =>
      one(
        replacement.get({
          name: d.name,
          environment: d.environment,
          digest: d.digest,
          at: d.deployedAt.getTime(),
          seq: d.sequence,
        }),
      ),
  };
}
