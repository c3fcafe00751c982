/** The intake API's happy paths against the real server and database (SPEC §3.1–3.3). */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createArtifactStore } from "../../../src/adapters/sqlite/artifact-store.js";
import { createEvidenceStore } from "../../../src/adapters/sqlite/evidence-store.js";
import { openDatabase } from "../../../src/adapters/sqlite/open-database.js";
import type { ChangeEvent } from "../../../src/flows/ports.js";
import { postSigned } from "../../helpers/api-client.js";
import { sendRaw, signedHeadersFor } from "../../helpers/raw-request.js";
import {
  countRows,
  databaseFingerprint,
  digestOf,
  startTestApp,
  TEST_SECRET,
  type TestApp,
} from "../../helpers/test-app.js";

const COMMIT = "9fceb02d0ae598e95dc970b74767f19372d61af8";
const evidenceFor = (digest: string, patch: Record<string, unknown> = {}) => ({
  artifact: { name: "checkout-api", digest, commit: COMMIT },
  kind: "test",
  name: "e2e",
  status: "passed",
  ...patch,
});
const post = (
  t: TestApp,
  path: string,
  body: unknown,
  options: { delivery?: string; timestamp?: number; secret?: string } = {},
) => postSigned(t.baseUrl, path, body, { secret: options.secret ?? TEST_SECRET, ...options });

function readStores(t: TestApp) {
  const db = openDatabase(t.dbPath);
  return { db, artifacts: createArtifactStore(db), evidence: createEvidenceStore(db) };
}

describe("intake API", () => {
  let t: TestApp;
  const events: ChangeEvent[] = [];
  beforeEach(async () => {
    events.length = 0;
    t = await startTestApp({
      env: { TOLLGATE_WEBHOOK_SECRETS: `${TEST_SECRET},second-secret-0123456789` },
      modules: [{ name: "spy", register: (ctx) => void ctx.bus.subscribe((e) => events.push(e)) }],
    });
  });
  afterEach(() => t.stop());

  it("stores one evidence item durably and answers 202 with its id", async () => {
    const before = databaseFingerprint(t.dbPath);
    const digest = digestOf("one");
    const response = await post(
      t,
      "/api/v1/evidence",
      evidenceFor(digest, { summary: { total: 412, failed: 0 } }),
    );
    expect(response.status).toBe(202);
    expect(response.body).toEqual({
      status: "accepted",
      id: expect.stringMatching(/^ev_/),
      duplicate: false,
    });
    expect(databaseFingerprint(t.dbPath)).not.toBe(before);
    const { db, evidence } = readStores(t);
    const stored = evidence.evidenceFor({ digest, commit: COMMIT });
    db.close();
    expect(stored).toMatchObject([
      { id: (response.body as { id: string }).id, kind: "test", summary: { total: 412, failed: 0 } },
    ]);
    expect(events).toContainEqual({ type: "artifact_changed", digests: [digest] });
  });

  it("stores a batch of 500 all together under one id", async () => {
    const items = Array.from({ length: 500 }, (_, i) =>
      evidenceFor(digestOf("batch"), { name: `suite-${i}` }),
    );
    const response = await post(t, "/api/v1/evidence", { items });
    expect(response.status).toBe(202);
    expect((response.body as { id: string }).id).toMatch(/^evb_/);
    expect(countRows(t.dbPath, "evidence")).toBe(500);
  });

  it("accepts either secret during rotation, and nothing else", async () => {
    expect((await post(t, "/api/v1/evidence", evidenceFor(digestOf("r1")))).status).toBe(202);
    const second = await post(t, "/api/v1/evidence", evidenceFor(digestOf("r2")), {
      secret: "second-secret-0123456789",
    });
    expect(second.status).toBe(202);
    const third = await post(t, "/api/v1/evidence", evidenceFor(digestOf("r3")), {
      secret: "third-secret-0123456789",
    });
    expect(third.status).toBe(401);
  });

  it("takes the signature's hex in either case, as hex is (some HMAC tools print upper case)", async () => {
    const body = Buffer.from(JSON.stringify(evidenceFor(digestOf("upper-hex"))));
    const headers = signedHeadersFor(body, { secret: TEST_SECRET });
    const signature = headers["x-tollgate-signature"] as string;
    headers["x-tollgate-signature"] = `v1=${signature.slice(3).toUpperCase()}`;
    expect(
      (await sendRaw(t.baseUrl, { method: "POST", path: "/api/v1/evidence", headers, body })).status,
    ).toBe(202);
    const flipped = signature.endsWith("0") ? "1" : "0";
    headers["x-tollgate-signature"] = `v1=${signature.slice(3, -1).toUpperCase()}${flipped}`;
    expect(
      (await sendRaw(t.baseUrl, { method: "POST", path: "/api/v1/evidence", headers, body })).status,
    ).toBe(401);
  });

  it("accepts timestamps up to 5 minutes off in either direction", async () => {
    const now = Math.floor(Date.now() / 1000);
    for (const offset of [-299, 299]) {
      const response = await post(t, "/api/v1/evidence", evidenceFor(digestOf(`w${offset}`)), {
        timestamp: now + offset,
      });
      expect(response.status).toBe(202);
    }
    for (const offset of [-302, 302]) {
      const response = await post(t, "/api/v1/evidence", evidenceFor(digestOf(`w${offset}`)), {
        timestamp: now + offset,
      });
      expect(response.status).toBe(401);
    }
  });

  it("accepts observed_at up to the clock-skew allowance ahead", async () => {
    const soon = new Date(Date.now() + 4 * 60_000).toISOString();
    const response = await post(t, "/api/v1/evidence", evidenceFor(digestOf("skew"), { observed_at: soon }));
    expect(response.status).toBe(202);
  });

  it("answers a repeated delivery 200 duplicate:true and stores it once", async () => {
    const body = evidenceFor(digestOf("dup"));
    const first = await post(t, "/api/v1/evidence", body, { delivery: "run-8812" });
    const again = await post(t, "/api/v1/evidence", body, { delivery: "run-8812" });
    expect(first.status).toBe(202);
    expect(again.status).toBe(200);
    expect(again.body).toEqual({
      status: "accepted",
      id: (first.body as { id: string }).id,
      duplicate: true,
    });
    expect(countRows(t.dbPath, "evidence")).toBe(1);
  });

  it("stores concurrent identical deliveries once", async () => {
    const body = evidenceFor(digestOf("race"));
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => post(t, "/api/v1/evidence", body, { delivery: "same-key" })),
    );
    expect(responses.map((r) => r.status).sort()).toEqual([...Array(19).fill(200), 202]);
    expect(new Set(responses.map((r) => (r.body as { id: string }).id)).size).toBe(1);
    expect(countRows(t.dbPath, "evidence")).toBe(1);
  });

  it("scopes delivery keys by route", async () => {
    const digest = digestOf("scoped");
    const deployment = {
      environment: "staging",
      artifact: { name: "checkout-api", digest },
      status: "succeeded",
    };
    expect((await post(t, "/api/v1/evidence", evidenceFor(digest), { delivery: "run-1" })).status).toBe(202);
    expect((await post(t, "/api/v1/deployments", deployment, { delivery: "run-1" })).status).toBe(202);
  });

  it("normalises upper-case digests and commits to lower case", async () => {
    const digest = digestOf("upper");
    const shouting = {
      ...evidenceFor(digest),
      artifact: { name: "checkout-api", digest: digest.toUpperCase(), commit: COMMIT.toUpperCase() },
    };
    expect((await post(t, "/api/v1/evidence", shouting)).status).toBe(202);
    expect((await post(t, "/api/v1/evidence", evidenceFor(digest))).status).toBe(202);
    const { db, artifacts } = readStores(t);
    expect(artifacts.getArtifact(digest)).toMatchObject({ digest, commit: COMMIT });
    db.close();
  });

  it("refuses a known digest under another name with 409 and keeps the first", async () => {
    const digest = digestOf("conflict");
    await post(t, "/api/v1/evidence", evidenceFor(digest));
    const response = await post(t, "/api/v1/evidence", {
      ...evidenceFor(digest),
      artifact: { name: "payments", digest },
    });
    expect(response.status).toBe(409);
    expect(response.body).toEqual({
      error: "artifact_conflict",
      message: expect.stringContaining("checkout-api"),
    });
    expect(countRows(t.dbPath, "evidence")).toBe(1);
  });

  it("counts commit-scoped evidence for an artifact registered later", async () => {
    const early = { artifact: { commit: COMMIT.slice(0, 12) }, kind: "test", name: "unit", status: "passed" };
    expect((await post(t, "/api/v1/evidence", early)).status).toBe(202);
    const digest = digestOf("built-later");
    expect(
      (await post(t, "/api/v1/evidence", evidenceFor(digest, { kind: "scan", name: "trivy" }))).status,
    ).toBe(202);
    const { db, evidence } = readStores(t);
    const names = evidence.evidenceFor({ digest, commit: COMMIT }).map((e) => e.name);
    db.close();
    expect(names).toEqual(["unit", "trivy"]);
  });

  it("stores deployments and snapshots and announces the environment", async () => {
    const digest = digestOf("deployed");
    const deployment = {
      environment: "staging",
      artifact: { name: "checkout-api", digest },
      status: "succeeded",
      url: "https://cd.example.com/1",
    };
    const deployed = await post(t, "/api/v1/deployments", deployment);
    expect(deployed.status).toBe(202);
    expect((deployed.body as { id: string }).id).toMatch(/^dep_/);
    const snapshot = {
      environment: "prod",
      source: "flagd",
      config: { feature_flags: { "new-checkout": false } },
    };
    const snap = await post(t, "/api/v1/snapshots", snapshot);
    expect(snap.status).toBe(202);
    expect(events).toContainEqual({ type: "environment_changed", environment: "staging" });
    expect(events).toContainEqual({ type: "environment_changed", environment: "prod" });
    expect(countRows(t.dbPath, "deployments")).toBe(1);
    expect(countRows(t.dbPath, "snapshots")).toBe(1);
  });

  it("accepts a snapshot just under 5 MiB", async () => {
    const filler = "x".repeat(5 * 1024 * 1024 - 200);
    const body = Buffer.from(JSON.stringify({ environment: "prod", config: { data: { blob: filler } } }));
    expect(body.length).toBeLessThan(5 * 1024 * 1024);
    const response = await sendRaw(t.baseUrl, {
      path: "/api/v1/snapshots",
      headers: signedHeadersFor(body, { secret: TEST_SECRET }),
      body,
    });
    expect(response.status).toBe(202);
  });
});
