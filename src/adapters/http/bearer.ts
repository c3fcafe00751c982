/**
 * Bearer tokens for the read API (SPEC §3.6), shared by every route behind TOLLGATE_API_TOKENS.
 * Both sides are hashed first so the comparison is always 32 bytes against 32 bytes: neither a
 * token's length nor which token matched shows in the time taken.
 */
import { createHash, timingSafeEqual } from "node:crypto";

function digestOf(text: string): Buffer {
  return createHash("sha256").update(text).digest();
}

/** Constant time per token and no early exit, so timing says nothing about which part matched. */
export function bearerMatches(header: string | undefined, tokens: readonly string[]): boolean {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "");
  const given = digestOf(match?.[1] ?? "");
  let ok = false;
  for (const token of tokens) ok = timingSafeEqual(given, digestOf(token)) || ok;
  return ok && match !== null;
}
