/**
 * The SQL side of `sameCommit` (domain/artifact.ts): which stored commits are spellings of this
 * one. Every store asks the same three-part question, each part an indexed lookup:
 *   column >= lo AND column < hi        stored commits this one abbreviates (and itself), or nothing
 *   column IN (SELECT value FROM json_each(exact))   itself, or its abbreviations
 * so a 7-hex `abcdef1` finds only `abcdef1`, never every commit that starts with it.
 */
import { MIN_COMMIT_PREFIX } from "../../domain/artifact.js";
import { hexPrefixEnd } from "./new-id.js";

export interface CommitScope {
  /** Range over stored commits that start with this one; empty (lo = hi) when it is too short. */
  lo: string;
  hi: string;
  /** JSON array of the other spellings to match exactly. */
  exact: string;
}

export function commitScope(commit: string): CommitScope {
  if (commit.length < MIN_COMMIT_PREFIX) {
    // Too short to stand for a longer commit, and too short to be abbreviated: itself only.
    return { lo: commit, hi: commit, exact: JSON.stringify([commit]) };
  }
  const abbreviations: string[] = [];
  for (let length = MIN_COMMIT_PREFIX; length < commit.length; length++) {
    abbreviations.push(commit.slice(0, length));
  }
  return { lo: commit, hi: hexPrefixEnd(commit), exact: JSON.stringify(abbreviations) };
}

/** The three bind values in the order the stores' queries use them. */
export function commitScopeParams(commit: string): [string, string, string] {
  const { lo, hi, exact } = commitScope(commit);
  return [lo, hi, exact];
}
