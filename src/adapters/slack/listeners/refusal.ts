/**
 * What a person sees when a command or click fails. A CodedError's message is written for them
 * (facts, with its stable code); anything else may carry SQL, file paths or stack details, so they
 * get a generic line and the error goes to Tollgate's log instead.
 */
import { isCodedError } from "../../../errors.js";

export const GENERIC_FAILURE =
  ":warning: Something went wrong; nothing was changed. The error is in Tollgate's log.";

export function refusal(error: unknown): string {
  if (isCodedError(error)) return `:no_entry: ${error.message} (${error.code})`;
  return GENERIC_FAILURE;
}

/** Only errors without a stable code are unexpected enough to log as errors. */
export function isUnexpected(error: unknown): boolean {
  return !isCodedError(error);
}
