/**
 * Idempotency by delivery key (SPEC §3): a key sent again is answered with its first result.
 * A key names one result, though: sent again with another body it is refused, not answered as a
 * duplicate, or a retried CI job whose result changed (passed, now failed) would be dropped while
 * the first result kept counting. The IETF idempotency-key draft answers that case 422.
 */
import { CodedError } from "../errors.js";
import type { IntakeTx } from "./intake-ports.js";

export interface DeliveryKey {
  key: string;
  /** SHA-256 of the body it came with; undefined for senders whose bodies are not compared. */
  fingerprint?: string | undefined;
}

/** The first result's id when this key was seen with this body; throws when with another one. */
export function repeatOf(tx: IntakeTx, route: string, delivery: DeliveryKey | undefined): string | undefined {
  if (delivery === undefined) return undefined;
  const prior = tx.priorDelivery(route, delivery.key);
  if (prior === undefined) return undefined;
  const { fingerprint } = delivery;
  if (prior.fingerprint !== undefined && fingerprint !== undefined && prior.fingerprint !== fingerprint) {
    throw new CodedError(
      "delivery_key_reused",
      `delivery key "${delivery.key}" was first sent with another body (stored as ${prior.resultId}); a new result needs a new key`,
      { details: { first_id: prior.resultId } },
    );
  }
  return prior.resultId;
}

export function rememberDelivery(
  tx: IntakeTx,
  route: string,
  delivery: DeliveryKey | undefined,
  resultId: string,
  at: Date,
): void {
  if (delivery !== undefined) tx.recordDelivery(route, delivery.key, resultId, at, delivery.fingerprint);
}
