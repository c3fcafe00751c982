/**
 * GitHub's webhook signature (SPEC §3.4): `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(secret, raw body)>`.
 * See github/docs "Validating webhook deliveries". Unlike our v1 scheme there is no timestamp, so
 * replays are bounded only by the X-GitHub-Delivery idempotency key.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

const HEADER = /^sha256=([0-9a-fA-F]{64})$/;

export function signGithub(secret: string, body: Buffer | string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

/** True when the header is the HMAC of these exact bytes. Constant time; gives no detail why not. */
export function verifyGithub(secret: string, header: string | undefined, rawBody: Buffer): boolean {
  const match = header === undefined ? null : HEADER.exec(header);
  if (match === null || secret === "") return false;
  const given = Buffer.from((match[1] as string).toLowerCase(), "hex");
  const expected = createHmac("sha256", secret).update(rawBody).digest();
  return timingSafeEqual(expected, given);
}
