import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  BLOCKED,
  COMMIT_A,
  NOW,
  READY,
  seedReadiness,
  TWIN_A,
  TWIN_B,
} from "../../helpers/readiness-seed.js";
import { type ReadinessServer, startReadinessServer } from "../../helpers/readiness-server.js";

const TOKEN = "read-token-0123456789abcdef";
let server: ReadinessServer;

async function get(query: Record<string, string>, token: string | null = TOKEN, base = server.baseUrl) {
  const url = new URL("/api/v1/readiness", base);
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
  const headers: Record<string, string> = token === null ? {} : { authorization: `Bearer ${token}` };
  const response = await fetch(url, { headers });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  server = await startReadinessServer({ tokens: ["other-token-xyz", TOKEN], clock: { now: () => NOW } });
  seedReadiness(server.stores);
});
afterAll(async () => {
  await server.close();
});

describe("GET /api/v1/readiness", () => {
  it("answers the SPEC §3.6 shape for a ready artifact", async () => {
    const { status, body } = await get({ artifact: "checkout-api@1.4.2", environment: "prod" });
    expect(status).toBe(200);
    expect(body).toEqual({
      artifact: {
        name: "checkout-api",
        digest: READY.digest,
        version: "1.4.2",
        commit: COMMIT_A,
        repository: null,
        url: null,
        first_seen_at: "2026-11-25T12:00:00.000Z",
      },
      environment: "prod",
      verdict: "ready",
      checks: [
        { id: "artifact:same_as", status: "passed", reason: "sha256:4f2a…c91 is running in staging" },
        { id: "artifact:soak", status: "passed", reason: "soaked 3h in staging" },
        { id: "evidence:unit", status: "passed", reason: "`unit` passed on commit 9fceb02" },
        { id: "evidence:e2e", status: "passed", reason: "`e2e` passed on sha256:4f2a…c91" },
        { id: "lock", status: "passed", reason: "prod is not locked" },
      ],
      contract_revision: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
    });
  });

  it("a bare name means what runs in the stage before the target", async () => {
    const toProd = await get({ artifact: "checkout-api", environment: "prod" });
    expect((toProd.body.artifact as { digest: string }).digest).toBe(READY.digest);
    const toStaging = await get({ artifact: "checkout-api", environment: "staging" });
    expect((toStaging.body.artifact as { digest: string }).digest).toBe(BLOCKED.digest);
    expect(toStaging.body.verdict).toBe("blocked");
    expect(toStaging.body.checks).toContainEqual({
      id: "evidence:unit",
      status: "failed",
      reason: "`unit` failed on sha256:9e01…d00 (run 8812)",
    });
  });

  it("resolves a digest prefix and an upper-case digest", async () => {
    const prefix = await get({ artifact: BLOCKED.digest.slice(0, 7 + 12), environment: "prod" });
    expect(prefix.status).toBe(200);
    expect(prefix.body.verdict).toBe("blocked");
    const upper = await get({
      artifact: `checkout-api@${READY.digest.toUpperCase().replace("SHA256", "sha256")}`,
      environment: "prod",
    });
    expect((upper.body.artifact as { digest: string }).digest).toBe(READY.digest);
  });

  it("an ambiguous prefix is 409 with the candidates", async () => {
    const { status, body } = await get({ artifact: `billing@sha256:${"a".repeat(12)}`, environment: "prod" });
    expect(status).toBe(409);
    expect(body.error).toBe("artifact_ambiguous");
    expect((body.candidates as { digest: string }[]).map((c) => c.digest).sort()).toEqual(
      [TWIN_A.digest, TWIN_B.digest].sort(),
    );
  });

  it.each([
    [{ environment: "prod" }, [{ path: "artifact", message: "is required" }]],
    [{ artifact: "checkout-api" }, [{ path: "environment", message: "is required" }]],
    [
      { artifact: "checkout-api", environment: "../etc" },
      [{ path: "environment", message: "is not an environment name" }],
    ],
  ])("400 for %j", async (query, issues) => {
    expect(await get(query)).toEqual({ status: 400, body: { error: "invalid_payload", issues } });
  });

  it.each([
    ["Checkout API", "prod", 400, "invalid_reference"],
    ["sha256:abc", "prod", 400, "invalid_reference"],
    ["checkout-api@9.9.9", "prod", 404, "artifact_not_found"],
    [`sha256:${"f".repeat(64)}`, "prod", 404, "artifact_not_found"],
    ["checkout-api", "qa", 404, "environment_not_found"],
    ["billing", "prod", 404, "artifact_not_found"],
  ])("%s to %s → %i %s", async (artifact, environment, status, error) => {
    const answer = await get({ artifact, environment });
    expect(answer.status).toBe(status);
    expect(answer.body.error).toBe(error);
    expect(answer.body.message).toEqual(expect.any(String));
  });

  it("names the known environments, and the one a typo meant", async () => {
    const answer = await get({ artifact: "checkout-api", environment: "prdo" });
    expect(answer.status).toBe(404);
    expect(answer.body.message).toMatch(
      /no contract for environment "prdo"; did you mean "prod"\? \(known: .*prod.*\)/,
    );
    const far = await get({ artifact: "checkout-api", environment: "qa" });
    expect(far.body.message).not.toContain("did you mean");
  });

  it.each([
    ["no token", null],
    ["a wrong token", "read-token-0123456789abcdeX"],
    ["a prefix of a token", "read-token"],
  ])("401 with %s, saying nothing more", async (_name, token) => {
    expect(await get({ artifact: "checkout-api", environment: "prod" }, token)).toEqual({
      status: 401,
      body: { error: "unauthorized" },
    });
  });

  it("accepts any configured token", async () => {
    expect((await get({ artifact: "checkout-api", environment: "prod" }, "other-token-xyz")).status).toBe(
      200,
    );
  });
});

describe("with no API tokens configured", () => {
  let off: ReadinessServer;
  beforeAll(async () => {
    off = await startReadinessServer({ tokens: [], clock: { now: () => NOW } });
  });
  afterAll(async () => {
    await off.close();
  });

  it("the read API is off: 404 whatever the token", async () => {
    const answer = await get({ artifact: "checkout-api", environment: "prod" }, "anything", off.baseUrl);
    expect(answer.status).toBe(404);
    expect(answer.body.error).toBe("not_found");
  });
});
