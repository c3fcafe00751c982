/** App Home: published when a user opens the Home tab (`app_home_opened`). */
import type {
  ArtifactReader,
  ContractSource,
  DeploymentHistoryReader,
  ReadinessService,
} from "../../../flows/ports.js";
import type { Logger } from "../../log.js";
import type { BoltApp } from "../bolt-app.js";
import { HOME_MAX_ROWS, type HomeModel, renderAppHome } from "../views/app-home.js";

export interface HomeDeps {
  artifacts: ArtifactReader;
  deployments: Pick<DeploymentHistoryReader, "runningNamed">;
  contracts: ContractSource;
  readiness: ReadinessService;
  logger: Logger;
  now(): Date;
}

export function buildHomeModel(deps: HomeDeps): HomeModel {
  const set = deps.contracts.current();
  const listed = deps.artifacts.listArtifacts({ limit: HOME_MAX_ROWS + 1 });
  // NOTE: an environment runs many services; "running" is per artifact name, asked once per name.
  const running = new Map<string, string | undefined>();
  const runningDigest = (environment: string, name: string) => {
    const key = `${environment}\u0000${name}`;
    if (!running.has(key)) running.set(key, deps.deployments.runningNamed(environment, name)?.digest);
    return running.get(key);
  };
  const rows = listed.slice(0, HOME_MAX_ROWS).map((artifact) => ({
    artifact,
    verdicts: set.order.map((environment) => ({
      environment,
      verdict:
        runningDigest(environment, artifact.name) === artifact.digest
          ? ("running" as const)
          : deps.readiness.evaluate(artifact.digest, environment).verdict,
    })),
  }));
  return { environments: set.order, rows, more: listed.length > HOME_MAX_ROWS, generatedAt: deps.now() };
}

export function registerAppHome(app: BoltApp, deps: HomeDeps): void {
  app.event("app_home_opened", async ({ event, client }) => {
    if (event.tab !== "home") return;
    await client.views.publish({ user_id: event.user, view: renderAppHome(buildHomeModel(deps)) });
  });
}
