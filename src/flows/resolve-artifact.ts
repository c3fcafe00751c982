/**
 * Artifact references as people and pipelines type them (SPEC §2): `name@sha256:<prefix ≥ 12>`,
 * `name@<version>`, `sha256:<hex>`, or a bare `name` — the artifact of that name now running in
 * the stage before the target (the contract's `after`). For a first stage, which has nothing
 * before it, and when no target is given, a bare name means the newest artifact of that name.
 */

import { type Artifact, type ArtifactRef, DIGEST, parseArtifactRef } from "../domain/artifact.js";
import { editDistance } from "../domain/promote-command-suggest.js";
import type { ArtifactReader, ContractSource, DeploymentHistoryReader } from "./ports.js";

export type ResolveFailure =
  | "invalid_reference"
  | "artifact_not_found"
  | "artifact_ambiguous"
  | "environment_not_found";

export type Resolution =
  | { ok: true; artifact: Artifact }
  | { ok: false; code: ResolveFailure; message: string; candidates: Artifact[] };

export interface ResolvePorts {
  artifacts: ArtifactReader;
  deployments: DeploymentHistoryReader;
  contracts: ContractSource;
}

/** How many candidates an ambiguous reference lists. */
const CANDIDATES = 10;

function fail(code: ResolveFailure, message: string, candidates: Artifact[] = []): Resolution {
  return { ok: false, code, message, candidates };
}

function describe(ref: ArtifactRef): string {
  switch (ref.kind) {
    case "name_digest":
      return `${ref.name}@${ref.digestPrefix}`;
    case "name_version":
      return `${ref.name}@${ref.version}`;
    case "digest":
      return ref.digestPrefix;
    case "name":
      return ref.name;
  }
}

function bareName(name: string, targetEnv: string | undefined, ports: ResolvePorts): Resolution {
  const upstream =
    targetEnv === undefined ? undefined : ports.contracts.current().contracts.get(targetEnv)?.after;
  if (upstream === undefined) {
    const newest = ports.artifacts.artifactsNamed(name, 1)[0];
    return newest ? { ok: true, artifact: newest } : fail("artifact_not_found", `no artifact named ${name}`);
  }
  const running = ports.deployments.runningNamed(upstream, name);
  const artifact = running && ports.artifacts.getArtifact(running.digest);
  if (artifact) return { ok: true, artifact };
  return fail(
    "artifact_not_found",
    `no ${name} is running in ${upstream}; name the artifact as ${name}@sha256:<digest> or ${name}@<version>`,
  );
}

export function resolveArtifact(
  reference: string | ArtifactRef,
  targetEnv: string | undefined,
  ports: ResolvePorts,
): Resolution {
  const ref = typeof reference === "string" ? parseArtifactRef(reference) : reference;
  if (ref === undefined) {
    return fail(
      "invalid_reference",
      `"${String(reference)}" is not an artifact reference: use name@sha256:<hex>, name@<version>, sha256:<hex> or a name`,
    );
  }
  if (targetEnv !== undefined && !ports.contracts.current().contracts.has(targetEnv)) {
    return fail("environment_not_found", unknownEnvironment(targetEnv, ports.contracts.current().order));
  }
  if (ref.kind === "name") return bareName(ref.name, targetEnv, ports);
  const exact = ref.kind !== "name_version" && DIGEST.test(ref.digestPrefix);
  const found = exact
    ? [ports.artifacts.getArtifact(ref.digestPrefix)].filter((a): a is Artifact => a !== undefined)
    : ports.artifacts.findArtifacts(ref, CANDIDATES + 1);
  const matching = ref.kind === "name_digest" ? found.filter((a) => a.name === ref.name) : found;
  const [first, second] = matching;
  if (first === undefined) return fail("artifact_not_found", `no artifact matches ${describe(ref)}`);
  if (second !== undefined) {
    const more = matching.length > CANDIDATES ? " (showing the newest 10)" : "";
    return fail(
      "artifact_ambiguous",
      `${describe(ref)} matches several artifacts${more}; ${ref.kind === "name_version" ? "name one by digest" : "give more of the digest"}`,
      matching.slice(0, CANDIDATES),
    );
  }
  return { ok: true, artifact: first };
}

/** Names the known environments, and the one a typo most likely meant (`prdo` → `prod`). */
/** The same, as the first words of a reply. */
export function noContractFor(name: string, known: readonly string[]): string {
  const text = unknownEnvironment(name, known);
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}`;
}

export function unknownEnvironment(name: string, known: readonly string[]): string {
  const likely = likelyEnvironment(name, known);
  const guess = likely === undefined ? "" : `; did you mean "${likely}"?`;
  return `no contract for environment "${name}"${guess} (known: ${known.join(", ") || "none"})`;
}

/**
 * Names teams give one stage. NOTE: GitHub's default environment is `production`, and a team whose
 * contract is `prod.yml` sends it in every deployment_status (docs/github.md).
 */
const ALIASES: readonly (readonly string[])[] = [
  ["production", "prod", "prd"],
  ["staging", "stage", "stg"],
  ["development", "dev"],
];

/** The shorter of two names must be this long to count as an abbreviation of the longer. */
const MIN_PREFIX = 3;

/**
 * The known environment `name` most likely meant: a typo (edit distance ≤ 2, nearest first), a
 * common alias (`production` → `prod`), or an abbreviation either way (`stag` → `staging`).
 */
function likelyEnvironment(name: string, known: readonly string[]): string | undefined {
  const typed = name.toLowerCase();
  const byDistance = known
    .map((env) => ({ env, distance: editDistance(typed, env) }))
    .sort((a, b) => a.distance - b.distance);
  const near = byDistance[0];
  if (near !== undefined && near.distance <= 2) return near.env;
  const aliases = ALIASES.find((group) => group.includes(typed)) ?? [];
  const alias = known.find((env) => env !== typed && aliases.includes(env));
  if (alias !== undefined) return alias;
  const abbreviates = (a: string, b: string) => a.length >= MIN_PREFIX && b.startsWith(a);
  return byDistance.find(({ env }) => abbreviates(env, typed) || abbreviates(typed, env))?.env;
}
