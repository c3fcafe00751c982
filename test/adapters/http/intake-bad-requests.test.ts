/**
 * Every malformed body, header, digest, timestamp, size or JSON shape gets its status and stable
 * error code, and leaves the database byte-for-byte as it was (issue #2, "Bad input").
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postSigned } from "../../helpers/api-client.js";
import { type RawResponse, sendRaw, signedHeadersFor } from "../../helpers/raw-request.js";
import {
  databaseFingerprint,
  digestOf,
  startTestApp,
  TEST_SECRET,
  type TestApp,
} from "../../helpers/test-app.js";

const DIGEST = digestOf("checkout-api 1.4.2");
const COMMIT = "9fceb02d0ae598e95dc970b74767f19372d61af8";
const good = {
  artifact: { name: "checkout-api", digest: DIGEST, version: "1.4.2", commit: COMMIT },
  kind: "test",
  name: "e2e",
  status: "passed",
  summary: { total: 3, passed: 3 },
};
const MIB = 1024 * 1024;

type Body = Record<string, unknown> | string | Buffer;
interface Case {
  name: string;
  path?: string;
  method?: string;
  body?: Body;
  /** Replaces or removes (undefined) signed headers. */
  headers?: Record<string, string | undefined>;
  timestampOffset?: number;
  secret?: string;
  chunked?: boolean;
  status: number;
  error: string;
  issuePath?: string;
}

const evidence = (patch: Record<string, unknown>) => ({ ...good, ...patch });
const artifact = (patch: Record<string, unknown>) => evidence({ artifact: { ...good.artifact, ...patch } });
const nested = (depth: number) => `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;
const now = () => Math.floor(Date.now() / 1000);

const CASES: Case[] = [
  // 401: signature (SPEC §3) — no detail in the answer
  {
    name: "missing signature",
    headers: { "x-tollgate-signature": undefined },
    status: 401,
    error: "unauthorized",
  },
  {
    name: "missing timestamp",
    headers: { "x-tollgate-timestamp": undefined },
    status: 401,
    error: "unauthorized",
  },
  {
    name: "garbled signature",
    headers: { "x-tollgate-signature": "v1=zzzz" },
    status: 401,
    error: "unauthorized",
  },
  {
    name: "signature without v1=",
    headers: { "x-tollgate-signature": "a".repeat(64) },
    status: 401,
    error: "unauthorized",
  },
  {
    name: "Slack v0 scheme",
    headers: { "x-tollgate-signature": `v0=${"a".repeat(64)}` },
    status: 401,
    error: "unauthorized",
  },
  { name: "stale timestamp (-301 s)", timestampOffset: -301, status: 401, error: "unauthorized" },
  { name: "timestamp from the future (+301 s)", timestampOffset: 301, status: 401, error: "unauthorized" },
  {
    name: "non-numeric timestamp",
    headers: { "x-tollgate-timestamp": "yesterday" },
    status: 401,
    error: "unauthorized",
  },
  { name: "wrong secret", secret: "another-secret-0123456789", status: 401, error: "unauthorized" },
  {
    name: "body changed after signing",
    headers: { "x-tollgate-signature": "tamper" },
    status: 401,
    error: "unauthorized",
  },
  // 415
  {
    name: "a Content-Encoding the server does not decode",
    headers: { "content-encoding": "gzip" },
    status: 415,
    error: "unsupported_media_type",
  },
  {
    name: "no content type",
    headers: { "content-type": undefined },
    status: 415,
    error: "unsupported_media_type",
  },
  {
    name: "text/plain",
    headers: { "content-type": "text/plain" },
    status: 415,
    error: "unsupported_media_type",
  },
  {
    name: "form encoded",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    status: 415,
    error: "unsupported_media_type",
  },
  {
    name: "JSON in latin1",
    headers: { "content-type": "application/json; charset=latin1" },
    status: 415,
    error: "unsupported_media_type",
  },
  // 413
  { name: "10 MB body", body: Buffer.alloc(10 * MIB, 32), status: 413, error: "payload_too_large" },
  {
    name: "1 MiB + 1 chunked, no length",
    body: Buffer.alloc(MIB + 1, 32),
    chunked: true,
    status: 413,
    error: "payload_too_large",
  },
  {
    name: "snapshot of 5 MiB + 1",
    path: "/api/v1/snapshots",
    body: Buffer.alloc(5 * MIB + 1, 32),
    status: 413,
    error: "payload_too_large",
  },
  // 400: not JSON
  { name: "truncated JSON", body: JSON.stringify(good).slice(0, 40), status: 400, error: "invalid_payload" },
  { name: "empty body", body: "", status: 400, error: "invalid_payload" },
  {
    name: "invalid UTF-8",
    body: Buffer.concat([Buffer.from('{"kind":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]),
    status: 400,
    error: "invalid_payload",
  },
  {
    name: "duplicate top-level key",
    body: `{"kind":"test",${JSON.stringify(good).slice(1)}`,
    status: 400,
    error: "invalid_payload",
  },
  {
    name: "duplicate key in artifact",
    body: JSON.stringify(good).replace('"name":"checkout-api"', '"name":"checkout-api","name":"other"'),
    status: 400,
    error: "invalid_payload",
    issuePath: "artifact",
  },
  {
    name: "duplicate key spelled with an escape",
    body: `{"st\\u0061tus":"failed",${JSON.stringify(good).slice(1)}`,
    status: 400,
    error: "invalid_payload",
  },
  {
    name: "nested 100 levels deep",
    body: `{"details":${nested(100)},${JSON.stringify(good).slice(1)}`,
    status: 400,
    error: "invalid_payload",
  },
  { name: "top-level array", body: "[]", status: 400, error: "invalid_payload" },
  { name: "top-level string", body: '"hello"', status: 400, error: "invalid_payload" },
  // 400: schema
  {
    name: "unknown kind",
    body: evidence({ kind: "tests" }),
    status: 400,
    error: "invalid_payload",
    issuePath: "kind",
  },
  {
    name: "unknown status",
    body: evidence({ status: "ok" }),
    status: 400,
    error: "invalid_payload",
    issuePath: "status",
  },
  {
    name: "digest of 63 hex",
    body: artifact({ digest: `sha256:${"a".repeat(63)}` }),
    status: 400,
    error: "invalid_payload",
    issuePath: "artifact.digest",
  },
  {
    name: "digest of 65 hex",
    body: artifact({ digest: `sha256:${"a".repeat(65)}` }),
    status: 400,
    error: "invalid_payload",
    issuePath: "artifact.digest",
  },
  {
    name: "digest with non-hex",
    body: artifact({ digest: `sha256:${"g".repeat(64)}` }),
    status: 400,
    error: "invalid_payload",
    issuePath: "artifact.digest",
  },
  {
    name: "digest without algorithm",
    body: artifact({ digest: "a".repeat(64) }),
    status: 400,
    error: "invalid_payload",
    issuePath: "artifact.digest",
  },
  {
    name: "md5 digest",
    body: artifact({ digest: `md5:${"a".repeat(32)}` }),
    status: 400,
    error: "invalid_payload",
    issuePath: "artifact.digest",
  },
  {
    name: "neither digest nor commit",
    body: evidence({ artifact: { name: "checkout-api" } }),
    status: 400,
    error: "invalid_payload",
    issuePath: "artifact.digest",
  },
  {
    // A known digest may come without its name (SPEC §3.1); the first report of one must name it.
    name: "a digest never seen, without a name",
    body: evidence({ artifact: { digest: `sha256:${"e".repeat(64)}` } }),
    status: 400,
    error: "invalid_payload",
    issuePath: "artifact.name",
  },
  {
    name: "upper-case artifact name",
    body: artifact({ name: "Checkout-API" }),
    status: 400,
    error: "invalid_payload",
    issuePath: "artifact.name",
  },
  {
    name: "artifact name of 129 chars",
    body: artifact({ name: "a".repeat(129) }),
    status: 400,
    error: "invalid_payload",
    issuePath: "artifact.name",
  },
  {
    name: "artifact name starting with -",
    body: artifact({ name: "-api" }),
    status: 400,
    error: "invalid_payload",
    issuePath: "artifact.name",
  },
  {
    name: "commit of 6 hex",
    body: artifact({ commit: "9fceb02d0ae5".slice(0, 6) }),
    status: 400,
    error: "invalid_payload",
    issuePath: "artifact.commit",
  },
  {
    name: "commit of 41 hex",
    body: artifact({ commit: `${COMMIT}a` }),
    status: 400,
    error: "invalid_payload",
    issuePath: "artifact.commit",
  },
  {
    name: "commit not hex",
    body: artifact({ commit: "main-branch" }),
    status: 400,
    error: "invalid_payload",
    issuePath: "artifact.commit",
  },
  {
    name: "version with a space",
    body: artifact({ version: "1.4 beta" }),
    status: 400,
    error: "invalid_payload",
    issuePath: "artifact.version",
  },
  {
    name: "negative count",
    body: evidence({ summary: { failed: -1 } }),
    status: 400,
    error: "invalid_payload",
    issuePath: "summary.failed",
  },
  {
    name: "fractional count",
    body: evidence({ summary: { total: 1.5 } }),
    status: 400,
    error: "invalid_payload",
    issuePath: "summary.total",
  },
  {
    name: "count as a string",
    body: evidence({ summary: { total: "3" } }),
    status: 400,
    error: "invalid_payload",
    issuePath: "summary.total",
  },
  {
    name: "summary as an array",
    body: evidence({ summary: [1, 2] }),
    status: 400,
    error: "invalid_payload",
    issuePath: "summary",
  },
  {
    name: "observed_at 10 minutes ahead",
    body: evidence({ observed_at: new Date(Date.now() + 600_000).toISOString() }),
    status: 400,
    error: "invalid_payload",
    issuePath: "observed_at",
  },
  {
    name: "observed_at not a date",
    body: evidence({ observed_at: "yesterday" }),
    status: 400,
    error: "invalid_payload",
    issuePath: "observed_at",
  },
  {
    name: "observed_at without zone",
    body: evidence({ observed_at: "2026-11-27T10:00:00" }),
    status: 400,
    error: "invalid_payload",
    issuePath: "observed_at",
  },
  {
    name: "observed_at as a number",
    body: evidence({ observed_at: 1764237600 }),
    status: 400,
    error: "invalid_payload",
    issuePath: "observed_at",
  },
  {
    name: "unknown field",
    body: evidence({ sevirity: "high" }),
    status: 400,
    error: "invalid_payload",
    issuePath: "",
  },
  {
    name: "name as a number",
    body: evidence({ name: 42 }),
    status: 400,
    error: "invalid_payload",
    issuePath: "name",
  },
  {
    name: "empty evidence name",
    body: evidence({ name: "" }),
    status: 400,
    error: "invalid_payload",
    issuePath: "name",
  },
  {
    name: "name with a newline",
    body: evidence({ name: "e2e\nreal" }),
    status: 400,
    error: "invalid_payload",
    issuePath: "name",
  },
  {
    name: "bad environment",
    body: evidence({ environment: "Prod!" }),
    status: 400,
    error: "invalid_payload",
    issuePath: "environment",
  },
  {
    name: "javascript: url",
    body: evidence({ url: "javascript:alert(1)" }),
    status: 400,
    error: "invalid_payload",
    issuePath: "url",
  },
  {
    name: "details over 64 KiB",
    body: evidence({ details: { log: "x".repeat(65 * 1024) } }),
    status: 400,
    error: "invalid_payload",
    issuePath: "details",
  },
  {
    name: "details as a string",
    body: evidence({ details: "see log" }),
    status: 400,
    error: "invalid_payload",
    issuePath: "details",
  },
  {
    name: "batch of 501",
    body: { items: Array.from({ length: 501 }, () => good) },
    status: 400,
    error: "invalid_payload",
    issuePath: "items",
  },
  { name: "empty batch", body: { items: [] }, status: 400, error: "invalid_payload", issuePath: "items" },
  {
    name: "batch with one bad item",
    body: { items: [good, evidence({ kind: "nope" }), good] },
    status: 400,
    error: "invalid_payload",
    issuePath: "items.1.kind",
  },
  {
    name: "batch plus stray field",
    body: { items: [good], kind: "test" },
    status: 400,
    error: "invalid_payload",
  },
  {
    name: "delivery key of 201 chars",
    headers: { "x-tollgate-delivery": "d".repeat(201) },
    status: 400,
    error: "invalid_payload",
    issuePath: "headers.x-tollgate-delivery",
  },
  {
    name: "deployment with unknown status",
    path: "/api/v1/deployments",
    body: { environment: "prod", artifact: good.artifact, status: "done" },
    status: 400,
    error: "invalid_payload",
    issuePath: "status",
  },
  {
    name: "deployment without a digest",
    path: "/api/v1/deployments",
    body: { environment: "prod", artifact: { name: "checkout-api", commit: COMMIT }, status: "succeeded" },
    status: 400,
    error: "invalid_payload",
    issuePath: "artifact.digest",
  },
  {
    name: "snapshot config as an array",
    path: "/api/v1/snapshots",
    body: { environment: "prod", config: [1] },
    status: 400,
    error: "invalid_payload",
    issuePath: "config",
  },
  {
    name: "commit-scoped evidence naming an artifact (it would count for every artifact of the commit)",
    body: evidence({ artifact: { name: "checkout-api", commit: COMMIT } }),
    status: 400,
    error: "invalid_payload",
    issuePath: "artifact.name",
  },
  {
    name: "commit-scoped evidence with a version",
    body: evidence({ artifact: { version: "1.4.2", commit: COMMIT } }),
    status: 400,
    error: "invalid_payload",
    issuePath: "artifact.version",
  },
  {
    name: "snapshot naming one path twice, nested and dotted",
    path: "/api/v1/snapshots",
    body: { environment: "prod", config: { data: { "a.b": 1, a: { b: 2 } } } },
    status: 400,
    error: "invalid_payload",
    issuePath: "config.data",
  },
  {
    name: "snapshot naming one path only through dotted keys (the issue names a key that is there)",
    path: "/api/v1/snapshots",
    body: { environment: "prod", config: { "a.b": { c: 1 }, "a.b.c": 2 } },
    status: 400,
    error: "invalid_payload",
    issuePath: "config.a.b",
  },
  {
    name: "snapshot naming one path as a category's key and as a dotted category (README's example)",
    path: "/api/v1/snapshots",
    body: { environment: "prod", config: { a: { b: 1 }, "a.b": 2 } },
    status: 400,
    error: "invalid_payload",
    issuePath: "config.a",
  },
  {
    name: "snapshot without environment",
    path: "/api/v1/snapshots",
    body: { config: {} },
    status: 400,
    error: "invalid_payload",
    issuePath: "environment",
  },
  // 409: a known digest never changes its name or commit
  {
    name: "known digest, other name",
    body: artifact({ name: "payments" }),
    status: 409,
    error: "artifact_conflict",
  },
  {
    name: "known digest, other commit",
    body: artifact({ commit: "1111111" }),
    status: 409,
    error: "artifact_conflict",
  },
  {
    name: "batch whose last item conflicts",
    body: {
      items: [
        evidence({ artifact: { name: "new-thing", digest: digestOf("new") } }),
        artifact({ name: "payments" }),
      ],
    },
    status: 409,
    error: "artifact_conflict",
  },
  {
    name: "deployment of a known digest under another name",
    path: "/api/v1/deployments",
    body: { environment: "prod", artifact: { name: "payments", digest: DIGEST }, status: "succeeded" },
    status: 409,
    error: "artifact_conflict",
  },
  // routing
  { name: "unknown path", path: "/api/v1/evidences", status: 404, error: "not_found" },
  { name: "GET on a write route", method: "GET", status: 405, error: "method_not_allowed" },
];

function toBuffer(body: Body | undefined): Buffer {
  if (body === undefined) return Buffer.from(JSON.stringify(good));
  if (Buffer.isBuffer(body)) return body;
  return Buffer.from(typeof body === "string" ? body : JSON.stringify(body));
}

async function send(baseUrl: string, c: Case): Promise<RawResponse> {
  const body = toBuffer(c.body);
  const signed = signedHeadersFor(body, {
    secret: c.secret ?? TEST_SECRET,
    timestamp: now() + (c.timestampOffset ?? 0),
  });
  const headers: Record<string, string> = { ...signed };
  for (const [key, value] of Object.entries(c.headers ?? {})) {
    if (value === undefined) delete headers[key];
    else if (value === "tamper") body[body.length - 2] = 0x20;
    else headers[key] = value;
  }
  return sendRaw(baseUrl, {
    path: c.path ?? "/api/v1/evidence",
    method: c.method ?? "POST",
    headers,
    body,
    chunked: c.chunked ?? false,
  });
}

describe("intake refuses bad requests and stores nothing", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
    // A known artifact, so conflicts have something to conflict with.
    const seeded = await postSigned(t.baseUrl, "/api/v1/evidence", good, { secret: TEST_SECRET });
    expect(seeded.status).toBe(202);
  });
  afterAll(() => t.stop());

  it("has at least 40 distinct cases", () => {
    expect(new Set(CASES.map((c) => c.name)).size).toBe(CASES.length);
    expect(CASES.length).toBeGreaterThanOrEqual(40);
  });

  it.each(CASES)("$name → $status $error", async (c) => {
    const before = databaseFingerprint(t.dbPath);
    const response = await send(t.baseUrl, c);
    expect({ status: response.status, error: response.body?.error }).toEqual({
      status: c.status,
      error: c.error,
    });
    if (c.issuePath !== undefined) {
      const paths = ((response.body?.issues ?? []) as { path: string }[]).map((i) => i.path);
      expect(paths).toContain(c.issuePath);
    }
    if (c.status === 413) expect(response.body?.limit).toBe(c.path === "/api/v1/snapshots" ? 5 * MIB : MIB);
    if (c.status === 401) expect(response.body).toEqual({ error: "unauthorized" });
    expect(databaseFingerprint(t.dbPath)).toBe(before);
  });

  it("lists every schema issue at once", async () => {
    const bad = {
      artifact: { name: "Bad Name", digest: "sha256:xyz" },
      kind: "tests",
      name: 1,
      status: "ok",
      summary: { total: -1 },
    };
    const response = await postSigned(t.baseUrl, "/api/v1/evidence", bad, { secret: TEST_SECRET });
    expect(response.status).toBe(400);
    const paths = (response.body as { issues: { path: string }[] }).issues.map((i) => i.path).sort();
    expect(paths).toEqual(["artifact.digest", "artifact.name", "kind", "name", "status", "summary.total"]);
  });
});
