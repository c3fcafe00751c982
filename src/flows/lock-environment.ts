/**
 * `/promote lock <env> [for <duration>] <reason>`, `unlock <env>`, `lock all` (SPEC §5). Who may is
 * `mayLock` / `mayLockAll`: approvers; requesters where an environment names no approvers, except
 * for a lock Tollgate (after a rollback) or an approver set; `all` needs an approver of at least one
 * environment.
 */
import { hasApprovers, isApprover, mayLock, mayLockAll } from "../domain/approval-policy.js";
import type { Contract } from "../domain/contract.js";
import { formatDuration } from "../domain/duration.js";
import { TOLLGATE_ACTOR, typed, who } from "../domain/mention.js";
import type { Lock } from "../domain/readiness.js";
import { CodedError } from "../errors.js";
import { contractFor, type PromotionDeps, resolveActor } from "./promotion-deps.js";

type LockDeps = Pick<PromotionDeps, "contracts" | "groups" | "locks" | "audit" | "tx" | "clock" | "bus">;

async function authorise(
  deps: LockDeps,
  userId: string,
  environment: string | "*",
  action: "lock" | "unlock",
): Promise<Contract[]> {
  const set = deps.contracts.current();
  const what =
    environment !== "*"
      ? `${action} ${environment}`
      : action === "lock"
        ? "stop the line (lock all)"
        : "resume the line (unlock all)";
  if (environment === "*") {
    const contracts = [...set.contracts.values()];
    const entries = [];
    for (const contract of contracts) {
      entries.push({
        contract,
        actor: await resolveActor(deps, userId, [contract.approvals?.approvers, contract.requesters]),
      });
    }
    const decision = mayLockAll(entries);
    if (!decision.allowed)
      throw new CodedError("lock_not_allowed", `${who(userId)} may not ${what}: ${decision.reason}`);
    return contracts;
  }
  const contract = contractFor(deps, environment);
  const actor = await resolveActor(deps, userId, [contract.approvals?.approvers, contract.requesters]);
  const lockedBy = deps.locks
    .activeLocks(environment, deps.clock.now())
    .find((lock) => lock.environment === environment)?.lockedBy;
  // Without approvers of its own, who may lift a lock depends on who set it (mayLock explains).
  const guardedLock = lockedBy !== undefined && lockedBy !== userId && !hasApprovers(contract);
  const approvers = guardedLock ? await approverAnywhere(deps, userId) : undefined;
  const lockedByApprover =
    guardedLock && (lockedBy === TOLLGATE_ACTOR || (await approverAnywhere(deps, lockedBy)).actorIsOne);
  const decision = mayLock(contract, actor, { lockedBy, lockedByApprover, approvers });
  if (!decision.allowed)
    throw new CodedError("lock_not_allowed", `${who(userId)} may not ${what}: ${decision.reason}`);
  return [contract];
}

/** Whether any environment names approvers, and whether this user is one of them in any. */
async function approverAnywhere(
  deps: LockDeps,
  userId: string,
): Promise<{ anywhere: boolean; actorIsOne: boolean }> {
  const guarded = [...deps.contracts.current().contracts.values()].filter(hasApprovers);
  for (const contract of guarded) {
    if (isApprover(contract, await resolveActor(deps, userId, [contract.approvals?.approvers])))
      return { anywhere: true, actorIsOne: true };
  }
  return { anywhere: guarded.length > 0, actorIsOne: false };
}

function announce(deps: LockDeps, environment: string | "*", contracts: Contract[]): void {
  for (const contract of environment === "*" ? contracts : contracts.slice(0, 1)) {
    deps.bus.publish({ type: "environment_changed", environment: contract.environment });
  }
}

export async function lockEnvironment(
  deps: LockDeps,
  input: { userId: string; environment: string | "*"; reason: string; durationMs?: number | undefined },
): Promise<{ lock: Lock; message: string }> {
  const contracts = await authorise(deps, input.userId, input.environment, "lock");
  const lock = applyLock(deps, input);
  announce(deps, input.environment, contracts);
  const target = input.environment === "*" ? "All environments" : input.environment;
  const how = input.durationMs === undefined ? "until unlocked" : `for ${formatDuration(input.durationMs)}`;
  return { lock, message: `:lock: ${target} locked by ${who(input.userId)} ${how}: ${typed(input.reason)}` };
}

/** Records a lock without asking who may: also used by automatic rollback, acting as Tollgate. */
export function applyLock(
  deps: Pick<PromotionDeps, "locks" | "audit" | "tx" | "clock">,
  input: { userId: string; environment: string | "*"; reason: string; durationMs?: number | undefined },
): Lock {
  const now = deps.clock.now();
  const lock: Lock = {
    environment: input.environment,
    reason: input.reason,
    lockedBy: input.userId,
    lockedAt: now,
    expiresAt: input.durationMs === undefined ? undefined : new Date(now.getTime() + input.durationMs),
  };
  deps.tx.immediate(() => {
    deps.locks.lock(lock);
    deps.audit.append(
      {
        actor: input.userId,
        action: "lock.set",
        subject: input.environment,
        data: { reason: input.reason, expires_at: lock.expiresAt?.toISOString() },
      },
      now,
    );
  });
  return lock;
}

export async function unlockEnvironment(
  deps: LockDeps,
  input: { userId: string; environment: string | "*" },
): Promise<{ released: boolean; message: string }> {
  const contracts = await authorise(deps, input.userId, input.environment, "unlock");
  const now = deps.clock.now();
  const released = deps.tx.immediate(() => {
    const was = deps.locks.unlock(input.environment, input.userId, now);
    if (was)
      deps.audit.append({ actor: input.userId, action: "lock.released", subject: input.environment }, now);
    return was;
  });
  announce(deps, input.environment, contracts);
  const target = input.environment === "*" ? "The line" : input.environment;
  // Maybe also stopped with the whole line: say what still holds it.
  const lineStopped =
    input.environment !== "*" &&
    deps.locks.activeLocks(input.environment, now).some((l) => l.environment === "*");
  if (released) {
    const still = lineStopped
      ? ` It stays locked: the whole line is stopped (\`lock all\`); \`/promote unlock all\` resumes it.`
      : "";
    return { released, message: `:unlock: ${target} unlocked by ${who(input.userId)}.${still}` };
  }
  return {
    released,
    message: lineStopped
      ? `${target} has no lock of its own, but the whole line is stopped (\`lock all\`): \`/promote unlock all\` resumes it.`
      : `${target} was not locked.`,
  };
}
