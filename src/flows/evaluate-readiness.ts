/**
 * Readiness from stored facts: reads only what the contract's clauses need, then asks the pure
 * `evaluateContract`. One evaluation is what a slash command or an API call pays, so each fact
 * is one indexed read: the newest evidence per requirement, its latest success upstream and what replaced it,
 * the two newest snapshots. `evaluateAll` shares environment-wide facts across artifacts.
 */

import type { Artifact } from "../domain/artifact.js";
import { separateAfterEnvironment, upstreamEnvironment } from "../domain/check-artifact.js";
import type { Contract } from "../domain/contract.js";
import { evaluateContract } from "../domain/evaluate-contract.js";
import type { Deployment, Evidence, Snapshot } from "../domain/evidence.js";
import type { Lock, PromotionFact, Readiness, ReadinessFacts } from "../domain/readiness.js";
import { CodedError } from "../errors.js";
import {
  type ArtifactReader,
  type Clock,
  type ContractSource,
  type DeploymentHistoryReader,
  type DeploymentReader,
  type EvidenceReader,
  type LatestEvidenceReader,
  type ReadinessService,
  type SnapshotReader,
  systemClock,
} from "./ports.js";
import { unknownEnvironment } from "./resolve-artifact.js";

export interface ReadinessDeps {
  contracts: ContractSource;
  artifacts: ArtifactReader;
  /**
   * With `latestEvidenceFor` (adapters/sqlite/latest-evidence-store.ts) only the newest row per
   * requirement is read; the verdict is the same either way, the reads are not.
   */
  evidence: EvidenceReader & Partial<LatestEvidenceReader>;
  deployments: DeploymentReader & DeploymentHistoryReader;
  snapshots: SnapshotReader;
  /** Active locks (all environments); the domain keeps those on this environment or `*`. */
  locks?: (now: Date) => Lock[];
  clock?: Clock;
}

export interface EvaluateOptions {
  promotion?: PromotionFact | undefined;
  /** The "may it enter now?" question (ReadinessFacts.entry). */
  entry?: ReadinessFacts["entry"];
}

export interface FullReadinessService extends ReadinessService {
  /** Like `evaluate` for an artifact already read (the read API resolved it). */
  evaluateArtifact(artifact: Artifact, environment: string, options?: EvaluateOptions): Readiness;
  /** Every artifact × environment (or the given environments), newest artifacts first. */
  evaluateAll(options?: { environments?: readonly string[]; limit?: number }): Readiness[];
}

/** Reads shared by every artifact in one pass; a single evaluation uses a fresh one. */
interface Pass {
  now: Date;
  locks: Lock[];
  snapshots: Map<string, Snapshot | undefined>;
  /** Bulk passes read each upstream environment's successes once, grouped by artifact name. */
  upstream?: Map<string, Map<string, Deployment[]>>;
}

export function createReadinessService(deps: ReadinessDeps): FullReadinessService {
  const clock = deps.clock ?? systemClock;
  const { evidence: reader } = deps;
  const readEvidence = (artifact: Artifact): Evidence[] =>
    reader.latestEvidenceFor ? reader.latestEvidenceFor(artifact) : reader.evidenceFor(artifact);

  // A snapshot never changes once stored, so the same id may hand back the same object: the
  // domain then reuses its drift result instead of diffing two unchanged snapshots per request.
  const seenSnapshots = new Map<string, Snapshot>();

  function snapshotOf(pass: Pass, environment: string): Snapshot | undefined {
    if (!pass.snapshots.has(environment)) {
      const read = deps.snapshots.newestSnapshot(environment);
      const seen = seenSnapshots.get(environment);
      const snapshot = read && seen?.id === read.id ? seen : read;
      if (snapshot) seenSnapshots.set(environment, snapshot);
      pass.snapshots.set(environment, snapshot);
    }
    return pass.snapshots.get(environment);
  }

  /**
   * Deployments into the upstream environment (`same_as`, else `after`), read when a clause needs
   * them: `same_as`, `soak`, or `after` alone (`artifact:after`).
   */
  function upstreamDeployments(contract: Contract, artifact: Artifact, pass: Pass): Deployment[] {
    const env = upstreamEnvironment(contract);
    const { sameAs, soakMs } = contract.artifact;
    const needed = sameAs !== undefined || soakMs !== undefined || contract.after !== undefined;
    return env === undefined || !needed ? [] : deploymentsOf(env, artifact, pass);
  }

  /** This digest's latest success in `env` and what replaced it; or what runs there instead. */
  function deploymentsOf(env: string, artifact: Artifact, pass: Pass): Deployment[] {
    if (pass.upstream) return byName(pass.upstream, env).get(artifact.name) ?? [];
    const latest = deps.deployments.latestSuccessOf(artifact.digest, env);
    if (latest === undefined) {
      // Only to say what runs there instead ("staging runs sha256:…").
      const running = deps.deployments.runningNamed(env, artifact.name);
      return running ? [running] : [];
    }
    const replacement = deps.deployments.replacementOf(latest);
    return replacement ? [latest, replacement] : [latest];
  }

  function byName(cache: Map<string, Map<string, Deployment[]>>, env: string): Map<string, Deployment[]> {
    let grouped = cache.get(env);
    if (!grouped) {
      grouped = new Map();
      for (const d of deps.deployments.deploymentsIn(env)) {
        if (d.status !== "succeeded") continue;
        const list = grouped.get(d.name);
        if (list) list.push(d);
        else grouped.set(d.name, [d]);
      }
      cache.set(env, grouped);
    }
    return grouped;
  }

  function factsFor(
    contract: Contract,
    artifact: Artifact,
    pass: Pass,
    evidence: () => Evidence[],
    promotion: PromotionFact | undefined,
  ): ReadinessFacts {
    const drift = contract.drift;
    const after = separateAfterEnvironment(contract);
    return {
      artifact,
      evidence: contract.evidence.length > 0 ? evidence() : [],
      upstreamDeployments: upstreamDeployments(contract, artifact, pass),
      afterDeployments: after === undefined ? undefined : deploymentsOf(after, artifact, pass),
      snapshots: drift
        ? { here: snapshotOf(pass, contract.environment), there: snapshotOf(pass, drift.compareTo) }
        : {},
      locks: pass.locks,
      promotion,
    };
  }

  function contractFor(environment: string): Contract {
    const contract = deps.contracts.current().contracts.get(environment);
    if (!contract)
      throw new CodedError(
        "environment_not_found",
        unknownEnvironment(environment, deps.contracts.current().order),
      );
    return contract;
  }

  function newPass(): Pass {
    const now = clock.now();
    return { now, locks: deps.locks?.(now) ?? [], snapshots: new Map() };
  }

  function evaluateArtifact(
    artifact: Artifact,
    environment: string,
    options: EvaluateOptions = {},
  ): Readiness {
    const contract = contractFor(environment);
    const pass = newPass();
    const evidence = () => readEvidence(artifact);
    return evaluateContract(
      contract,
      { ...factsFor(contract, artifact, pass, evidence, options.promotion), entry: options.entry },
      pass.now,
    );
  }

  return {
    evaluateArtifact,
    evaluate(digest, environment, options = {}) {
      const artifact = deps.artifacts.getArtifact(digest);
      if (!artifact) throw new CodedError("artifact_not_found", `no artifact with digest ${digest}`);
      return evaluateArtifact(artifact, environment, options);
    },
    evaluateAll(options = {}) {
      const set = deps.contracts.current();
      const contracts = (options.environments ?? set.order).map(contractFor);
      const pass: Pass = { ...newPass(), upstream: new Map() };
      const out: Readiness[] = [];
      const pageSize = 1_000;
      const limit = options.limit ?? Number.POSITIVE_INFINITY;
      for (let offset = 0; offset < limit; offset += pageSize) {
        const page = deps.artifacts.listArtifacts({ limit: Math.min(pageSize, limit - offset), offset });
        for (const artifact of page) {
          let cached: Evidence[] | undefined;
          const evidence = () => {
            cached ??= readEvidence(artifact);
            return cached;
          };
          for (const contract of contracts) {
            out.push(
              evaluateContract(contract, factsFor(contract, artifact, pass, evidence, undefined), pass.now),
            );
          }
        }
        if (page.length < pageSize) break;
      }
      return out;
    },
  };
}
