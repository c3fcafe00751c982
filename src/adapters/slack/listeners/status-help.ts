/** The `/promote` handlers this adapter owns: status, help and unknown. */
import type { Artifact, ArtifactRef } from "../../../domain/artifact.js";
import { CodedError } from "../../../errors.js";
import type {
  ArtifactReader,
  ContractSource,
  DeploymentHistoryReader,
  ReadinessService,
} from "../../../flows/ports.js";
import { candidateLine, renderHelp, renderStatus, renderUnknown } from "../views/replies.js";
import type { PromoteHandler } from "./promote-command.js";

export interface StatusDeps {
  artifacts: ArtifactReader;
  deployments: Pick<DeploymentHistoryReader, "runningNamed">;
  contracts: ContractSource;
  readiness: ReadinessService;
}

const CANDIDATES = 10;

/** A bare name in `status` means the newest artifact of that name: there is no target to look before. */
export function resolveForStatus(artifacts: ArtifactReader, ref: ArtifactRef, text: string): Artifact {
  const found =
    ref.kind === "name"
      ? artifacts.artifactsNamed(ref.name, 1)
      : artifacts.findArtifacts(ref, CANDIDATES + 1);
  const distinct = [...new Map(found.map((a) => [a.digest, a])).values()];
  if (distinct.length > 1) {
    // As the promote form does: the candidates, so the next command can name one.
    const how = ref.kind === "name_version" ? "name one by digest" : "give more of the digest";
    const more = distinct.length > CANDIDATES ? ` (the newest ${CANDIDATES})` : "";
    const list = distinct.slice(0, CANDIDATES).map(candidateLine);
    throw new CodedError(
      "artifact_ambiguous",
      [`\`${text}\` matches more than one artifact; ${how}${more}:`, ...list].join("\n"),
    );
  }
  const artifact = found[0];
  if (!artifact) throw new CodedError("artifact_not_found", `No artifact \`${text}\` is known`);
  return artifact;
}

export function statusHandler(deps: StatusDeps): PromoteHandler<"status"> {
  return async (command, context) => {
    const artifact = resolveForStatus(deps.artifacts, command.artifact, command.artifactText);
    const set = deps.contracts.current();
    const environments = set.order.map((environment) => ({
      environment,
      readiness: deps.readiness.evaluate(artifact.digest, environment),
      running: deps.deployments.runningNamed(environment, artifact.name)?.digest === artifact.digest,
    }));
    await context.respond(renderStatus({ artifact, environments }));
  };
}

export const helpHandler: PromoteHandler<"help"> = async (_command, context) => {
  await context.respond(renderHelp());
};

export const unknownHandler: PromoteHandler<"unknown"> = async (command, context) => {
  await context.respond(renderUnknown(command));
};
