/**
 * What a readiness card shows, gathered by the card renderer from stores and the readiness
 * service. Views turn it into Block Kit and nothing else, so they stay pure and testable.
 */
import type { types } from "@slack/bolt";
import type { Artifact } from "../../../domain/artifact.js";
import type { DriftResult } from "../../../domain/drift.js";
import type { PromotionFact, Readiness } from "../../../domain/readiness.js";

export type Block = types.KnownBlock;
export type ModalView = types.ModalView;
export type HomeView = types.HomeView;

export interface CardPromotion {
  id: string;
  kind: "promotion" | "rollback";
  /** requested · approved · deploying · deployed · rejected · expired · failed · superseded */
  state: string;
  requestedBy: string;
  /** As typed; the card escapes it. */
  reason?: string | undefined;
  /** An approver's override of a freeze window, with the reason they typed. */
  freezeOverride?: { by: string; reason: string } | undefined;
  /** Users whose approval counts (bound to this digest and contract revision). */
  approvedBy: string[];
  rejectedBy?: string | undefined;
  required: number;
  /** When the promotion entered its current state (for a deployed one: when it was deployed). */
  stateChangedAt?: Date | undefined;
  /** An approved promotion whose deploy hook keeps failing: the last error, retried at `nextAttemptAt`. */
  handOffFailing?: { attempts: number; error: string; nextAttemptAt: Date } | undefined;
  /** Handed to the readiness service so the `approvals` check counts this promotion. */
  fact?: PromotionFact | undefined;
}

export interface RunningArtifact {
  name: string;
  digest: string;
  version?: string | undefined;
  since: Date;
}

/**
 * Whether this digest reached the card's environment: `deployed` while it is what runs there (the
 * newest succeeded deployment of its name) or its promotion reached `deployed`; `replaced` once
 * another digest of the same name was deployed over it.
 */
export interface CardDeployment {
  state: "deployed" | "replaced";
  /** When this digest was deployed there. */
  at: Date;
  /** The promotion that took it there, when the card's promotion reached `deployed`. */
  promotionId?: string | undefined;
  replacedBy?: { digest: string; at: Date } | undefined;
}

export interface CardModel {
  artifact: Artifact;
  environment: string;
  readiness: Readiness;
  /** The upstream environment the drift check compares with. */
  driftAgainst?: string | undefined;
  drift?: DriftResult | undefined;
  promotion?: CardPromotion | undefined;
  running?: RunningArtifact | undefined;
  deployment?: CardDeployment | undefined;
  /** The newest deployment report of this build into the environment said it failed. */
  failedDeployment?: { at: Date; url?: string | undefined } | undefined;
  /** A rollback condition fired and the contract says `propose`. */
  rollbackProposed?: boolean | undefined;
}

/** The value every card button carries: which card, never who clicked (identity comes from Slack). */
export interface CardButtonValue {
  digest: string;
  environment: string;
  promotionId?: string;
  page?: number;
}

export function encodeButtonValue(value: CardButtonValue): string {
  return JSON.stringify(value);
}

export function decodeButtonValue(raw: string | undefined): CardButtonValue | undefined {
  if (raw === undefined) return undefined;
  try {
    const value = JSON.parse(raw) as Partial<CardButtonValue>;
    if (typeof value.digest !== "string" || typeof value.environment !== "string") return undefined;
    return {
      digest: value.digest,
      environment: value.environment,
      ...(typeof value.promotionId === "string" ? { promotionId: value.promotionId } : {}),
      ...(typeof value.page === "number" && Number.isInteger(value.page) ? { page: value.page } : {}),
    };
  } catch {
    return undefined;
  }
}

/** A DriftResult-shaped check detail (set by check-drift), or undefined for anything else. */
export function driftFromDetail(detail: unknown): DriftResult | undefined {
  if (typeof detail !== "object" || detail === null) return undefined;
  const candidate = detail as Partial<DriftResult>;
  return Array.isArray(candidate.categories) && typeof candidate.totalDifferences === "number"
    ? (detail as DriftResult)
    : undefined;
}
