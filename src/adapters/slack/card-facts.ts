/**
 * Gathers what a card shows from the stores and the readiness service: one place that knows where
 * each fact lives, so the card, the Details modal and `/promote status` agree.
 */
import type { Artifact } from "../../domain/artifact.js";
import type { Readiness } from "../../domain/readiness.js";
import type {
  ArtifactReader,
  ContractSource,
  DeploymentHistoryReader,
  DeploymentReader,
  ReadinessService,
} from "../../flows/ports.js";
import type { CardDeployment, CardModel, CardPromotion, RunningArtifact } from "./views/card-model.js";
import { driftFromDetail } from "./views/card-model.js";

/** The promotion a card shows for (digest, environment): the newest one, open or recently closed. */
export interface CardPromotionSource {
  promotionFor(digest: string, environment: string): CardPromotion | undefined;
  /** True when a rollback condition fired for what runs in `environment` and the contract proposes one. */
  rollbackProposed?(digest: string, environment: string): boolean;
}

/** What cards read about deployments: per artifact NAME, since one environment runs many services. */
export type CardDeploymentReader = Pick<DeploymentReader, "latestSuccessOf" | "latestReportOf"> &
  Pick<DeploymentHistoryReader, "runningNamed" | "replacementOf">;

export interface CardFactsDeps {
  artifacts: ArtifactReader;
  deployments: CardDeploymentReader;
  contracts: ContractSource;
  readiness: ReadinessService;
  promotions?: CardPromotionSource | undefined;
}

export type CardFacts = ReturnType<typeof createCardFacts>;

export function createCardFacts(deps: CardFactsDeps) {
  /** What runs in `environment` under the artifact name `name` (other services are not its concern). */
  function running(environment: string, name: string): RunningArtifact | undefined {
    const deployment = deps.deployments.runningNamed(environment, name);
    if (!deployment) return undefined;
    const artifact = deps.artifacts.getArtifact(deployment.digest);
    return {
      name: artifact?.name ?? deployment.name,
      digest: deployment.digest,
      version: artifact?.version,
      since: deployment.deployedAt,
    };
  }

  function deploymentOf(
    artifact: Artifact,
    environment: string,
    now: RunningArtifact | undefined,
    promotion: CardPromotion | undefined,
  ): CardDeployment | undefined {
    const promotionId = promotion?.state === "deployed" ? promotion.id : undefined;
    const by = promotionId === undefined ? {} : { promotionId };
    if (now?.digest === artifact.digest) return { state: "deployed", at: now.since, ...by };
    const last = deps.deployments.latestSuccessOf(artifact.digest, environment);
    if (last) {
      const replacement = deps.deployments.replacementOf(last);
      return replacement
        ? {
            state: "replaced",
            at: last.deployedAt,
            ...by,
            replacedBy: { digest: replacement.digest, at: replacement.deployedAt },
          }
        : { state: "deployed", at: last.deployedAt, ...by };
    }
    // NOTE: a promotion can reach `deployed` before (or without) a report we can match by name.
    if (promotion?.state === "deployed" && promotion.stateChangedAt)
      return { state: "deployed", at: promotion.stateChangedAt, ...by };
    return undefined;
  }

  /** The newest report of this build there, when it says the deployment failed. */
  function failedDeployment(digest: string, environment: string): CardModel["failedDeployment"] {
    const latest = deps.deployments.latestReportOf(digest, environment);
    return latest?.status === "failed" ? { at: latest.deployedAt, url: latest.url } : undefined;
  }

  function evaluate(
    artifact: Artifact,
    environment: string,
    promotion: CardPromotion | undefined,
  ): Readiness {
    // NOTE: an open promotion's approvals are part of readiness; without one the service decides.
    return promotion?.fact
      ? deps.readiness.evaluate(artifact.digest, environment, { promotion: promotion.fact })
      : deps.readiness.evaluate(artifact.digest, environment);
  }

  return {
    /** The card for (digest, environment), or undefined when either is unknown. */
    cardModel(digest: string, environment: string): CardModel | undefined {
      const artifact = deps.artifacts.getArtifact(digest);
      const contract = deps.contracts.current().contracts.get(environment);
      if (!artifact || !contract) return undefined;
      const promotion = deps.promotions?.promotionFor(digest, environment);
      const readiness = evaluate(artifact, environment, promotion);
      const driftCheck = readiness.checks.find((c) => c.id === "drift");
      const now = running(environment, artifact.name);
      return {
        artifact,
        environment,
        readiness,
        driftAgainst: contract.drift?.compareTo,
        drift: driftFromDetail(driftCheck?.detail),
        promotion,
        running: now,
        deployment: deploymentOf(artifact, environment, now, promotion),
        failedDeployment: failedDeployment(artifact.digest, environment),
        rollbackProposed: deps.promotions?.rollbackProposed?.(digest, environment) ?? false,
      };
    },
    running,
    channelFor(environment: string): string | undefined {
      return deps.contracts.current().contracts.get(environment)?.channel;
    },
  };
}
