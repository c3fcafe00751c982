/**
 * What every promotion flow is given, plus the few steps they share: resolving the actor's user
 * groups, gating on the contract, moving a promotion through its lifecycle with an audit entry,
 * and best-effort notification after commit.
 */

import { type Actor, groupsIn, isListed } from "../domain/approval-policy.js";
import type { Contract } from "../domain/contract.js";
import { who } from "../domain/mention.js";
import { type Promotion, type PromotionEvent, transition } from "../domain/promotion.js";
import type { Check, PromotionFact } from "../domain/readiness.js";
import { CodedError } from "../errors.js";
import type {
  ArtifactReader,
  AuditAppender,
  CardThreadPoster,
  ChangeBus,
  Clock,
  ContractSource,
  DeploymentReader,
  ReadinessService,
} from "./ports.js";
import type {
  DeployHookOutbox,
  LockRepository,
  PromotionRepository,
  Transactor,
  UserGroupResolver,
} from "./promotion-ports.js";
import { noContractFor } from "./resolve-artifact.js";

export interface PromotionLogger {
  warn(details: Record<string, unknown>, message: string): void;
}

export interface PromotionDeps {
  contracts: ContractSource;
  readiness: ReadinessService;
  artifacts: ArtifactReader;
  deployments: DeploymentReader;
  promotions: PromotionRepository;
  locks: LockRepository;
  outbox: DeployHookOutbox;
  audit: AuditAppender;
  tx: Transactor;
  groups: UserGroupResolver;
  clock: Clock;
  thread: CardThreadPoster;
  bus: ChangeBus;
  newId: () => string;
  log: PromotionLogger;
  /** Called after a commit that enqueued a deploy hook, so the sender need not wait for its tick. */
  onEnqueued?: () => void;
  /**
   * Re-renders one card now, skipping the coalescing delay: a person who clicked sees the result
   * at once. Called before the thread event so the card is never behind its thread.
   */
  refreshCard?: (digest: string, environment: string) => void;
}

export function contractFor(deps: Pick<PromotionDeps, "contracts">, environment: string): Contract {
  const set = deps.contracts.current();
  const contract = set.contracts.get(environment);
  if (contract) return contract;
  throw new CodedError("environment_not_found", noContractFor(environment, set.order));
}

/**
 * The actor with the groups (among those `lists` name) they belong to. A list's groups are only
 * asked about when the user is not listed in it directly. When Slack cannot be asked the answer is no,
 * with the reason, never a guess.
 */
export async function resolveActor(
  deps: Pick<PromotionDeps, "groups">,
  userId: string,
  lists: readonly (readonly string[] | undefined)[],
): Promise<Actor> {
  const direct: Actor = { userId, groups: new Set() };
  // A list that names the user directly needs no group look-up; Slack is asked only when it matters.
  const undecided = lists.filter((list) => list !== undefined && !isListed(list, direct));
  const groups = new Set<string>();
  for (const group of new Set(undecided.flatMap((list) => groupsIn(list)))) {
    let members: ReadonlySet<string>;
    try {
      members = await deps.groups.membersOf(group);
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      throw new CodedError(
        "slack_unavailable",
        `Cannot check whether ${who(userId)} is in user group ${group}: Slack did not answer (${why}). Refusing until it can be checked.`,
        { cause: error },
      );
    }
    if (members.has(userId)) groups.add(group);
  }
  return { userId, groups };
}

export function promotionFact(promotion: Promotion, approvals: PromotionFact["approvals"]): PromotionFact {
  return {
    id: promotion.id,
    requestedBy: promotion.requestedBy,
    requestedAt: promotion.requestedAt,
    digest: promotion.digest,
    contractRevision: promotion.contractRevision,
    approvals,
    freezeOverride: promotion.freezeOverride,
  };
}

/** Every check except the approvals tally must pass for a promotion to open or move. */
export function blockers(checks: readonly Check[]): Check[] {
  return checks.filter((check) => check.id !== "approvals" && check.status !== "passed");
}

export function describeBlockers(checks: readonly Check[]): string {
  return checks.map((check) => `• \`${check.id}\` ${check.status}: ${check.reason}`).join("\n");
}

/** One lifecycle step inside the caller's transaction: CAS on the state, then its audit entry. */
export function moveTo(
  deps: Pick<PromotionDeps, "promotions" | "audit">,
  promotion: Promotion,
  event: PromotionEvent,
  actor: string,
  at: Date,
  data: Record<string, unknown> = {},
): Promotion | undefined {
  const next = transition(promotion.state, event);
  const detail = typeof data.detail === "string" ? data.detail : undefined;
  if (!deps.promotions.setState(promotion.id, promotion.state, next, at, detail)) return undefined;
  deps.audit.append(
    {
      actor,
      action: `promotion.${next}`,
      subject: promotion.id,
      data: { environment: promotion.environment, digest: promotion.digest, from: promotion.state, ...data },
    },
    at,
  );
  return {
    ...promotion,
    state: next,
    stateChangedAt: at,
    approvedAt: next === "approved" ? at : promotion.approvedAt,
    detail: detail ?? promotion.detail,
  };
}

/** Slack is a view of the ledger: a failed post is logged, never undoes what was committed. */
export function notify(
  deps: Pick<PromotionDeps, "thread" | "bus" | "log" | "refreshCard">,
  promotion: Pick<Promotion, "digest" | "environment">,
  text: string | undefined,
): void {
  try {
    deps.refreshCard?.(promotion.digest, promotion.environment);
    if (text !== undefined) {
      deps.thread.postEvent({ digest: promotion.digest, environment: promotion.environment, text });
    }
    deps.bus.publish({ type: "artifact_changed", digests: [promotion.digest] });
  } catch (error) {
    deps.log.warn({ err: error, digest: promotion.digest }, "promotion notification failed");
  }
}
