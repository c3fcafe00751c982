/**
 * `/promote <artifact> to <env> [because <reason>]` (SPEC §5): authorise the requester, refuse
 * when locked or frozen (approvers may override a freeze with a reason), check the contract now,
 * then open the promotion — superseding older open requests of the same artifact name for the
 * environment, while the same digest already on its way is answered `promotion_already_open` —
 * in one transaction with its audit entries. With no approvals required it is approved at once.
 */
import {
  expiryFor,
  isApprover,
  isGroupId,
  mayRequest,
  requiredApprovals,
} from "../domain/approval-policy.js";
import type { Artifact } from "../domain/artifact.js";
import { shortDigest } from "../domain/artifact.js";
import type { Contract } from "../domain/contract.js";
import { activeFreeze, formatLocalMoment, nextFreezeEnd } from "../domain/freeze-window.js";
import { TOLLGATE_ACTOR, typed, who } from "../domain/mention.js";
import { LIVE_STATES, type Promotion } from "../domain/promotion.js";
import { CodedError } from "../errors.js";
import { scheduleExecution } from "./execute-promotion.js";
import {
  blockers,
  contractFor,
  describeBlockers,
  moveTo,
  notify,
  type PromotionDeps,
  promotionFact,
  resolveActor,
} from "./promotion-deps.js";

export interface RequestInput {
  userId: string;
  artifact: Artifact;
  environment: string;
  reason?: string | undefined;
}

export interface RequestOutcome {
  promotion: Promotion;
  superseded: Promotion[];
  message: string;
}

export function lockRefusal(
  deps: Pick<PromotionDeps, "locks">,
  environment: string,
  now: Date,
  timezone: string,
): void {
  const lock = deps.locks.activeLocks(environment, now)[0];
  if (lock === undefined) return;
  // In the environment's own time, as the card and `status` show it, with the instant for scripts.
  const until = lock.expiresAt
    ? ` until ${formatLocalMoment(lock.expiresAt, timezone, now)} ${timezone} (${lock.expiresAt.toISOString()})`
    : "";
  const what = lock.environment === "*" ? "The line is stopped" : `${environment} is locked`;
  throw new CodedError(
    "environment_locked",
    `${what} by ${who(lock.lockedBy)}${until}: ${typed(lock.reason)}`,
    {
      details: lock,
    },
  );
}

/** Inside a freeze only an approver who gives a reason gets through; the override is loud. */
async function freezeOverride(
  deps: PromotionDeps,
  contract: Contract,
  input: RequestInput,
  now: Date,
): Promise<{ by: string; reason: string } | undefined> {
  const end = nextFreezeEnd(contract.freeze, contract.timezone, now);
  if (end === undefined) return undefined;
  const approver = isApprover(
    contract,
    await resolveActor(deps, input.userId, [contract.approvals?.approvers]),
  );
  const window = activeFreeze(contract.freeze, contract.timezone, now)?.window;
  const why = window?.reason ? ` (${typed(window.reason)})` : "";
  const until = `${formatLocalMoment(end, contract.timezone, now)} ${contract.timezone} (${end.toISOString()})${why}`;
  if (approver && input.reason !== undefined) return { by: input.userId, reason: input.reason };
  const how = approver
    ? "An approver may override with `because <reason>`."
    : "Only an approver may override it, with `because <reason>`.";
  throw new CodedError("freeze_active", `${contract.environment} is frozen until ${until}. ${how}`, {
    details: { endsAt: end },
  });
}

export async function requestPromotion(deps: PromotionDeps, input: RequestInput): Promise<RequestOutcome> {
  const contract = contractFor(deps, input.environment);
  const actor = await resolveActor(deps, input.userId, [contract.requesters]);
  const allowed = mayRequest(contract, actor);
  if (!allowed.allowed) throw new CodedError(allowed.code, allowed.reason);
  const now = deps.clock.now();
  lockRefusal(deps, contract.environment, now, contract.timezone);
  const override = await freezeOverride(deps, contract, input, now);
  const promotion = newPromotion(deps, contract, input, override, now);
  const readiness = deps.readiness.evaluate(input.artifact.digest, contract.environment, {
    promotion: promotionFact(promotion, []),
  });
  const blocking = blockers(readiness.checks);
  if (blocking.length > 0) {
    throw new CodedError(
      "contract_not_satisfied",
      `Blocked: ${input.artifact.name} ${shortDigest(input.artifact.digest)} cannot enter ${contract.environment}:\n${describeBlockers(blocking)}`,
      { details: blocking },
    );
  }
  const opened = { ...promotion, contractRevision: readiness.contractRevision };
  const outcome = openPromotion(deps, contract, opened, now);
  if (outcome.promotion.state !== "requested") return outcome;
  const shortfall = await approverShortfall(deps, contract, input.userId);
  return shortfall === undefined ? outcome : { ...outcome, message: `${outcome.message}\n${shortfall}` };
}

/**
 * Why this request can never be approved, when it cannot: fewer people may approve it (the
 * requester does not count without `self_approval`) than it needs. Said to the requester at once,
 * rather than left to expire. A group Slack cannot list now is not guessed at: no warning.
 */
async function approverShortfall(
  deps: Pick<PromotionDeps, "groups">,
  contract: Contract,
  requester: string,
): Promise<string | undefined> {
  const policy = contract.approvals;
  if (policy === undefined || policy.required === 0) return undefined;
  const eligible = new Set<string>();
  for (const id of policy.approvers) {
    if (!isGroupId(id)) eligible.add(id);
    else {
      try {
        for (const member of await deps.groups.membersOf(id)) eligible.add(member);
      } catch {
        return undefined;
      }
    }
  }
  if (!policy.selfApproval) eligible.delete(requester);
  if (eligible.size >= policy.required) return undefined;
  const people = eligible.size === 1 ? "1 person" : `${eligible.size} people`;
  const besides = policy.selfApproval ? "" : " besides the requester";
  return `:warning: Only ${people}${besides} may approve, so this request cannot reach the ${policy.required} approvals it needs: add approvers to contracts/${contract.environment}.yml.`;
}

function newPromotion(
  deps: PromotionDeps,
  contract: Contract,
  input: RequestInput,
  override: { by: string; reason: string } | undefined,
  now: Date,
): Promotion {
  return {
    id: deps.newId(),
    kind: "promotion",
    artifactName: input.artifact.name,
    digest: input.artifact.digest,
    fromEnvironment: contract.after,
    environment: contract.environment,
    state: "requested",
    requestedBy: input.userId,
    requestedAt: now,
    reason: input.reason,
    contractRevision: contract.revision,
    freezeOverride: override,
    expiresAt: expiryFor(contract, now),
    stateChangedAt: now,
  };
}

/**
 * The same digest already on its way into the environment: asking again answers with that
 * promotion instead of opening another. Another open request would supersede it and drop the
 * approvals it has (or, approved, run a second deployment and post every event twice). A request
 * that overrides a freeze the open one did not is new information and supersedes it as before.
 */
function refuseDuplicate(deps: PromotionDeps, promotion: Promotion): void {
  const overridesWhatItDidNot = (p: Promotion) =>
    p.state === "requested" && promotion.freezeOverride !== undefined && p.freezeOverride === undefined;
  const same = deps.promotions
    .forDigest(promotion.digest, promotion.environment, ["requested", ...LIVE_STATES])
    .find((p) => !overridesWhatItDidNot(p));
  if (same === undefined) return;
  const what = `${promotion.artifactName} ${shortDigest(promotion.digest)} → ${promotion.environment}`;
  const status =
    same.state === "requested"
      ? "is already requested, waiting for approvals on its card"
      : `is already ${same.state}`;
  throw new CodedError(
    "promotion_already_open",
    `${what} ${status} (promotion \`${same.id}\`, requested by ${who(same.requestedBy)}).`,
    { details: { promotionId: same.id, state: same.state } },
  );
}

/** Shared with rollbacks: supersede, insert, audit, and auto-approve when nobody must approve. */
export function openPromotion(
  deps: PromotionDeps,
  contract: Contract,
  promotion: Promotion,
  now: Date,
  options: { autoApprove?: boolean } = {},
): RequestOutcome {
  const opened = openPromotionInTx(deps, contract, promotion, now, options);
  return announceOpened(deps, contract, promotion, opened);
}

export interface Opened {
  superseded: Promotion[];
  current: Promotion;
  enqueued: boolean;
}

/** The writes of `openPromotion` in one transaction (nested in the caller's, if any); announce after commit. */
export function openPromotionInTx(
  deps: PromotionDeps,
  contract: Contract,
  promotion: Promotion,
  now: Date,
  options: { autoApprove?: boolean } = {},
): Opened {
  return deps.tx.immediate(() => {
    // Inside the transaction, so two identical commands at the same moment open one promotion.
    if (options.autoApprove !== true) refuseDuplicate(deps, promotion);
    // NOTE: per artifact name: services promoted independently must not cancel each other.
    const older = deps.promotions
      .inEnvironment(contract.environment, ["requested"], 1_000)
      .filter((p) => p.artifactName === promotion.artifactName);
    const gone = older.flatMap(
      (p) => moveTo(deps, p, "supersede", promotion.requestedBy, now, { by: promotion.id }) ?? [],
    );
    deps.promotions.insert(promotion);
    deps.audit.append(
      {
        actor: promotion.requestedBy,
        action: promotion.kind === "rollback" ? "rollback.requested" : "promotion.requested",
        subject: promotion.id,
        data: {
          environment: promotion.environment,
          artifact: promotion.artifactName,
          digest: promotion.digest,
          contract_revision: promotion.contractRevision,
          reason: promotion.reason,
          rollback_of: promotion.rollbackOf,
        },
      },
      now,
    );
    if (promotion.freezeOverride) {
      deps.audit.append(
        {
          actor: promotion.freezeOverride.by,
          action: "freeze.override",
          subject: promotion.id,
          data: { reason: promotion.freezeOverride.reason, environment: promotion.environment },
        },
        now,
      );
    }
    if (requiredApprovals(contract) > 0 && options.autoApprove !== true)
      return { superseded: gone, current: promotion, enqueued: false };
    const approved =
      moveTo(deps, promotion, "approve", TOLLGATE_ACTOR, now, { approved_by: [], required: 0 }) ?? promotion;
    return {
      superseded: gone,
      current: approved,
      enqueued: scheduleExecution(deps, approved, contract, [], now),
    };
  });
}

/** After commit: wake the sender, tell the threads. Slack never undoes what was committed. */
export function announceOpened(
  deps: PromotionDeps,
  contract: Contract,
  promotion: Promotion,
  { superseded, current, enqueued }: Opened,
): RequestOutcome {
  if (enqueued) deps.onEnqueued?.();
  for (const old of superseded)
    notify(deps, old, `Superseded by a newer request (${shortDigest(promotion.digest)}).`);
  const message = requestMessage(current, contract);
  notify(deps, current, message);
  return { promotion: current, superseded, message };
}

function requestMessage(promotion: Promotion, contract: Contract): string {
  const what = `${promotion.artifactName} ${shortDigest(promotion.digest)} → ${promotion.environment}`;
  const verb = promotion.kind === "rollback" ? "Rollback requested" : "Promotion requested";
  // An override's reason is the one typed with the request: said once, on the override's line.
  const reason = promotion.reason === promotion.freezeOverride?.reason ? undefined : promotion.reason;
  const because = reason ? ` because ${typed(reason)}` : "";
  const override = promotion.freezeOverride
    ? `\n:rotating_light: *FREEZE OVERRIDDEN* by ${who(promotion.freezeOverride.by)}: ${typed(promotion.freezeOverride.reason)}`
    : "";
  const needs =
    promotion.state === "approved"
      ? "No approvals required: approved."
      : `Needs ${requiredApprovals(contract)} approval(s).`;
  return `${verb} by ${who(promotion.requestedBy)}: ${what}${because}. ${needs}${override}`;
}
