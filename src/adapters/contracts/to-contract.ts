/** The validated YAML document (snake_case, durations already in ms) → the domain `Contract`. */
import type { Contract, FreezeWindow } from "../../domain/contract.js";
import type { ContractDocument } from "./contract-schema.js";

export function toContract(environment: string, revision: string, doc: ContractDocument): Contract {
  return {
    environment,
    revision,
    description: doc.description,
    after: doc.after,
    channel: doc.channel,
    timezone: doc.timezone,
    artifact: { sameAs: doc.artifact.same_as, soakMs: doc.artifact.soak, maxAgeMs: doc.artifact.max_age },
    evidence: doc.evidence.map((e) => ({
      kind: e.kind,
      name: e.name,
      environment: e.environment,
      maxAgeMs: e.max_age,
      minTotal: e.min_total,
      max: e.max,
    })),
    drift: doc.drift && {
      compareTo: doc.drift.compare_to,
      allow: doc.drift.allow,
      ignore: doc.drift.ignore,
      normalize: doc.drift.normalize,
      maxSnapshotAgeMs: doc.drift.max_snapshot_age,
      digest: doc.drift.digest,
    },
    approvals: doc.approvals && {
      required: doc.approvals.required,
      approvers: doc.approvals.approvers,
      selfApproval: doc.approvals.self_approval,
      expireAfterMs: doc.approvals.expire_after,
    },
    requesters: doc.requesters,
    freeze: doc.freeze.map(toFreezeWindow),
    rollback: doc.rollback && {
      when: doc.rollback.when,
      withinMs: doc.rollback.within,
      action: doc.rollback.action,
      lock: doc.rollback.lock,
    },
    deploy: doc.deploy && {
      webhook: { url: doc.deploy.webhook.url, secretEnv: doc.deploy.webhook.secret_env },
    },
  };
}

function toFreezeWindow(window: ContractDocument["freeze"][number]): FreezeWindow {
  // The schema guarantees weekly xor (from and to).
  if (window.weekly !== undefined) return { kind: "weekly", spec: window.weekly, reason: window.reason };
  return { kind: "dated", from: window.from!, to: window.to!, reason: window.reason };
}
