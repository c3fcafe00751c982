/**
 * A promotion's lifecycle (SPEC §3.5, §5): requested → approved → deploying → deployed, or one of
 * the terminal outcomes rejected, expired, failed, superseded. Transitions are a pure function so
 * the store, the flows and the card agree on what may follow what.
 */
import { CodedError } from "../errors.js";

export const PROMOTION_STATES = [
  "requested",
  "approved",
  "deploying",
  "deployed",
  "rejected",
  "expired",
  "failed",
  "superseded",
] as const;
export type PromotionState = (typeof PROMOTION_STATES)[number];

/** Open = still waiting for people; live = on its way into the environment. */
export const OPEN_STATES: readonly PromotionState[] = ["requested"];
export const LIVE_STATES: readonly PromotionState[] = ["approved", "deploying"];
export const TERMINAL_STATES: readonly PromotionState[] = [
  "deployed",
  "rejected",
  "expired",
  "failed",
  "superseded",
];

export type PromotionKind = "promotion" | "rollback";

export interface Promotion {
  id: string;
  kind: PromotionKind;
  artifactName: string;
  digest: string;
  /** The upstream stage (`after`), when the contract has one. */
  fromEnvironment?: string | undefined;
  environment: string;
  state: PromotionState;
  requestedBy: string;
  requestedAt: Date;
  reason?: string | undefined;
  /** The contract revision the promotion (and so its approvals) is bound to. */
  contractRevision: string;
  freezeOverride?: { by: string; reason: string } | undefined;
  /** For rollbacks: the promotion being rolled back, when known. */
  rollbackOf?: string | undefined;
  expiresAt?: Date | undefined;
  stateChangedAt: Date;
  /** When it entered `approved`: only deployment reports from then on complete it. */
  approvedAt?: Date | undefined;
  /** Why it failed / what the deploy hook last said. */
  detail?: string | undefined;
}

export type PromotionEvent = "approve" | "reject" | "expire" | "supersede" | "hand_off" | "deployed" | "fail";

const NEXT: Record<PromotionState, Partial<Record<PromotionEvent, PromotionState>>> = {
  requested: { approve: "approved", reject: "rejected", expire: "expired", supersede: "superseded" },
  // NOTE: approved → deployed directly: pull-based CD reports the deployment without a hand-off.
  approved: { hand_off: "deploying", deployed: "deployed", fail: "failed" },
  deploying: { deployed: "deployed", fail: "failed" },
  deployed: {},
  rejected: {},
  expired: {},
  failed: {},
  superseded: {},
};

export function canTransition(state: PromotionState, event: PromotionEvent): boolean {
  return NEXT[state][event] !== undefined;
}

/** The state after `event`, or `promotion_transition_invalid` for a move the lifecycle forbids. */
export function transition(state: PromotionState, event: PromotionEvent): PromotionState {
  const next = NEXT[state][event];
  if (next === undefined) {
    throw new CodedError(
      "promotion_transition_invalid",
      `a ${state} promotion cannot ${event.replace("_", " ")}`,
      { details: { state, event } },
    );
  }
  return next;
}

export function isOpen(state: PromotionState): boolean {
  return OPEN_STATES.includes(state);
}

export function isTerminal(state: PromotionState): boolean {
  return TERMINAL_STATES.includes(state);
}

/**
 * Past `expire_after` while still waiting for approvals; at that very moment it is still open.
 * NOTE: the contract's `expire_after` now, not the one the request was made under: a click is
 * judged by the contract at the click (SPEC §5), and the card's approvals check says the same.
 */
export function isExpired(
  promotion: Pick<Promotion, "state" | "requestedAt">,
  expireAfterMs: number | undefined,
  now: Date,
): boolean {
  return (
    promotion.state === "requested" &&
    expireAfterMs !== undefined &&
    now.getTime() - promotion.requestedAt.getTime() > expireAfterMs
  );
}

export function isPromotionState(value: string): value is PromotionState {
  return (PROMOTION_STATES as readonly string[]).includes(value);
}
