/**
 * Sandbox mode with the operator's own TOLLGATE_WEBHOOK_SECRETS: SPEC §3 accepts exactly those, so
 * the generated secret is not accepted, the page signs its samples with the operator's first
 * secret, and the banner prints neither.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signedHeaders } from "../../src/adapters/http/v1-signature.js";
import { type SandboxApp, startSandboxApp } from "./sandbox-harness.js";

const OPERATOR = "operator-secret-0123456789abcdef";
const ROTATING = "rotating-secret-0123456789abcdef";
let s: SandboxApp;

beforeAll(async () => {
  s = await startSandboxApp({ env: { TOLLGATE_WEBHOOK_SECRETS: `${OPERATOR},${ROTATING}` } });
});
afterAll(() => s?.close());

async function snapshotSignedWith(secret: string): Promise<number> {
  const raw = JSON.stringify({ environment: "dev", config: { feature_flags: { a: true } } });
  const headers = signedHeaders(secret, raw, Math.floor(Date.now() / 1000));
  return (await fetch(`${s.baseUrl}/api/v1/snapshots`, { method: "POST", headers, body: raw })).status;
}

describe("sandbox mode with TOLLGATE_WEBHOOK_SECRETS set", () => {
  it("accepts exactly the operator's secrets, not the generated one", async () => {
    const generated = (
      JSON.parse(readFileSync(join(s.dataDir, "sandbox.json"), "utf8")) as Record<string, string>
    ).webhookSecret as string;
    expect(generated).toMatch(/^[0-9a-f]{64}$/);
    expect(await snapshotSignedWith(OPERATOR)).toBe(202);
    expect(await snapshotSignedWith(ROTATING)).toBe(202);
    expect(await snapshotSignedWith(generated)).toBe(401);
  });

  it("signs the page's sample traffic with the operator's first secret", async () => {
    const response = await fetch(`${s.baseUrl}/sandbox/api/sample`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ action: "snapshots", variant: "aligned" }),
    });
    expect(response.status).toBe(200);
    // The page answers 200 with what the signed API said; that is where a wrong secret shows.
    expect(((await response.json()) as { api: { status: number } }).api.status).toBe(202);
  });

  it("prints no secret in the banner, and says which one to use", () => {
    expect(s.banner).not.toContain(OPERATOR);
    expect(s.banner).not.toContain(ROTATING);
    expect(s.banner).toContain("signed with one of your TOLLGATE_WEBHOOK_SECRETS");
  });
});
