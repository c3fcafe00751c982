/**
 * The `v1` request signature (SPEC §3): hex HMAC-SHA256(secret, "v1:" + timestamp + ":" + raw body).
 * Used to verify incoming writes, by the CLI to sign them, and for the outbound deploy hook.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

export const SIGNATURE_TOLERANCE_SECONDS = 5 * 60;

export function signV1(secret: string, timestamp: number, body: Buffer | string): string {
  const mac = createHmac("sha256", secret);
  mac.update(`v1:${timestamp}:`);
  mac.update(body);
  return `v1=${mac.digest("hex")}`;
}

export function signedHeaders(
  secret: string,
  body: Buffer | string,
  nowSeconds: number,
): Record<string, string> {
  return {
    "content-type": "application/json",
    "x-tollgate-timestamp": String(nowSeconds),
    "x-tollgate-signature": signV1(secret, nowSeconds, body),
  };
}

/**
 * True when the signature matches any of the secrets (rotation) and the timestamp is within the
 * tolerance of `nowSeconds` in either direction. Compared in constant time; gives no detail why.
 */
export function verifyV1(
  secrets: readonly string[],
  timestampHeader: string | undefined,
  signatureHeader: string | undefined,
  rawBody: Buffer,
  nowSeconds: number,
): boolean {
  if (timestampHeader === undefined || signatureHeader === undefined) return false;
  if (!/^\d{1,12}$/.test(timestampHeader)) return false;
  const timestamp = Number(timestampHeader);
  if (Math.abs(nowSeconds - timestamp) > SIGNATURE_TOLERANCE_SECONDS) return false;
  // Hex is hex in either case; signV1 writes lower case.
  const given = Buffer.from(signatureHeader.toLowerCase(), "utf8");
  let matched = false;
  for (const secret of secrets) {
    const expected = Buffer.from(signV1(secret, timestamp, rawBody), "utf8");
    // Keep looping after a match so timing does not reveal which secret matched.
    if (expected.length === given.length && timingSafeEqual(expected, given)) matched = true;
  }
  return matched;
}
