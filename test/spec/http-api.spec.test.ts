/**
 * SPEC §1 (health, metrics, secrets, tokens, CLI against a server), §2 (identities and
 * references), §3 (status/body table, §3.1–§3.4, §3.6) and §4 (SIGHUP reload), against the built
 * binary over plain HTTP. Two servers are shared by the whole file: `full` with every optional
 * variable set, `bare` with none of the optional ones.
 */
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SHARED_FIXTURES } from "../helpers/shared-fixtures.js";
import {
  cleanupTemp,
  evidence,
  get,
  githubSignature,
  nowSeconds,
  postSigned,
  postSignedEarly,
  type Running,
  rawPost,
  runCli,
  sha256Digest,
  startServer,
  tempDir,
  until,
  v1Signature,
  writeFiles,
} from "./harness.js";

const OLD_SECRET = "old-webhook-secret-0123456789";
const NEW_SECRET = "new-webhook-secret-9876543210";
const TOKEN_A = "read-token-aaaaaaaaaaaaaaaa";
const TOKEN_B = "read-token-bbbbbbbbbbbbbbbb";
const GITHUB_SECRET = "github-webhook-secret-xyz";
const GH_FIXTURES = `${SHARED_FIXTURES}/github-webhooks`;
const JUNIT = `${SHARED_FIXTURES}/junit-xml/pytest.junit.fail-skip.xml`;

const CONTRACTS = {
  "dev.yml": "description: Dev\nchannel: C0SPECDEV\nevidence:\n  - {kind: test, name: unit}\n",
  "staging.yml": `description: Staging
after: dev
channel: C0SPECSTG
artifact: {same_as: dev}
evidence:
  - {kind: test, name: unit}
  - {kind: test, name: e2e, min_total: 1}
drift:
  compare_to: dev
  allow: {feature_flags: 1, endpoints: 0}
`,
  "ci.yml":
    "description: CI gate\nafter: dev\nchannel: C0SPECCI\nevidence:\n  - {kind: test, name: Octocoders-linter}\n",
};

let full: Running;
let bare: Running;
let contractsDir: string;
const dataDir = tempDir();

beforeAll(async () => {
  contractsDir = writeFiles(tempDir(), CONTRACTS);
  [full, bare] = await Promise.all([
    startServer({
      TOLLGATE_WEBHOOK_SECRETS: `${OLD_SECRET}, ${NEW_SECRET}`,
      TOLLGATE_API_TOKENS: `${TOKEN_A},${TOKEN_B}`,
      GITHUB_WEBHOOK_SECRET: GITHUB_SECRET,
      DATABASE_URL: `sqlite:${join(dataDir, "full.db")}`,
      CONTRACTS_DIR: contractsDir,
      LOG_LEVEL: "debug",
    }),
    startServer({
      TOLLGATE_WEBHOOK_SECRETS: OLD_SECRET,
      DATABASE_URL: join(dataDir, "bare.db"),
      CONTRACTS_DIR: writeFiles(tempDir(), CONTRACTS),
      LOG_LEVEL: "info",
    }),
  ]);
});

afterAll(async () => {
  await Promise.all([full?.stop(), bare?.stop()]);
  cleanupTemp();
});

const hex = (seed: string) => sha256Digest(seed).slice("sha256:".length);
const send = (path: string, body: unknown, options: Partial<Parameters<typeof postSigned>[3]> = {}) =>
  postSigned(full.baseUrl, path, body, { secret: NEW_SECRET, ...options });
const readiness = (ref: string, env: string, token: string | null = TOKEN_A) =>
  get(
    full.baseUrl,
    `/api/v1/readiness?artifact=${encodeURIComponent(ref)}&environment=${env}`,
    token ?? undefined,
  );
const check = async (ref: string, env: string, id: string) => {
  const answer = await readiness(ref, env);
  expect(answer.status, answer.text).toBe(200);
  return (answer.body.checks as { id: string; status: string; reason: string }[]).find((c) => c.id === id);
};
const sortedKeys = (value: object) => Object.keys(value).sort();

describe("§1 health, metrics, LOG_LEVEL", () => {
  it("serves /healthz, /readyz and Prometheus text at /metrics", async () => {
    expect((await get(full.baseUrl, "/healthz")).status).toBe(200);
    expect((await get(full.baseUrl, "/readyz")).status).toBe(200);
    const metrics = await get(full.baseUrl, "/metrics");
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(metrics.text).toMatch(/^# HELP \S+ /m);
    expect(metrics.text).toMatch(/^# TYPE \S+ (counter|gauge|histogram|summary)$/m);
  });

  it("LOG_LEVEL=debug emits debug lines; the default level emits info but not debug", async () => {
    await get(full.baseUrl, "/healthz");
    await get(bare.baseUrl, "/healthz");
    await until(() => full.logs().some((l) => l.level === "debug" || l.level === 20), 5000, "debug line");
    expect(bare.logs().some((l) => l.level === "info" || l.level === 30)).toBe(true);
    expect(bare.logs().some((l) => l.level === "debug" || l.level === 20)).toBe(false);
  });
});

describe("§3 status and body table", () => {
  const art = { name: "table-svc", digest: sha256Digest("table"), version: "1.0.0" };

  it("202 {status, id, duplicate:false}, then 200 duplicate:true for the same delivery key", async () => {
    const first = await send("/api/v1/evidence", evidence(art, "unit"), { delivery: "spec-delivery-1" });
    expect(first.status).toBe(202);
    expect(sortedKeys(first.body)).toEqual(["duplicate", "id", "status"]);
    expect(first.body).toMatchObject({ status: "accepted", duplicate: false });
    expect(typeof first.body.id).toBe("string");
    const again = await send("/api/v1/evidence", evidence(art, "unit"), { delivery: "spec-delivery-1" });
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ status: "accepted", id: first.body.id, duplicate: true });
  });

  it("422 delivery_key_reused for a delivery key sent again with another body; nothing of it is stored", async () => {
    const key = { delivery: "spec-delivery-reused" };
    const passed = evidence(art, "e2e", "passed", { summary: { total: 3, passed: 3 } });
    expect((await send("/api/v1/evidence", passed, key)).status).toBe(202);
    // A CI job retried with the same key, and its result changed.
    const failed = await send("/api/v1/evidence", { ...passed, status: "failed" }, key);
    expect(failed.status).toBe(422);
    expect(failed.body).toMatchObject({ error: "delivery_key_reused" });
    expect(failed.body.message).toContain("spec-delivery-reused");
    const deployed = { environment: "dev", artifact: art, status: "succeeded" };
    expect((await send("/api/v1/deployments", deployed, key)).status).toBe(202);
    expect((await send("/api/v1/deployments", { ...deployed, status: "failed" }, key)).status).toBe(422);
    expect((await send("/api/v1/deployments", deployed, key)).status).toBe(200);
    const path = `/api/v1/readiness?artifact=${art.digest}&environment=staging`;
    const readiness = await get(full.baseUrl, path, TOKEN_A);
    const e2e = readiness.body.checks.find((c: { id: string }) => c.id === "evidence:e2e");
    expect(e2e?.status).toBe("passed");
  });

  it("stores writes for an environment without a contract, with a warning that names the likely one", async () => {
    const typo = await send("/api/v1/evidence", { ...evidence(art, "unit"), environment: "stagng" });
    expect(typo.status).toBe(202);
    expect(typo.body.warnings).toEqual([
      {
        code: "environment_unknown",
        message: expect.stringMatching(
          /no contract for environment "stagng"; did you mean "staging"\?.*stored/,
        ),
      },
    ]);
    // One warning per environment, however many items name it.
    const batch = await send("/api/v1/evidence", {
      items: [
        { ...evidence(art, "unit"), environment: "qa" },
        { ...evidence(art, "e2e"), environment: "qa" },
        { ...evidence(art, "lint"), environment: "staging" },
      ],
    });
    expect(batch.status).toBe(202);
    expect(batch.body.warnings.map((w: { message: string }) => w.message)).toEqual([
      expect.stringContaining('"qa"'),
    ]);
    // At most ten, however many environments a batch makes up.
    const many = await send("/api/v1/evidence", {
      items: Array.from({ length: 12 }, (_, i) => ({ ...evidence(art, `n${i}`), environment: `env-${i}` })),
    });
    expect(many.body.warnings).toHaveLength(10);
    const deployment = await send("/api/v1/deployments", {
      environment: "stagin",
      artifact: art,
      status: "succeeded",
    });
    expect(deployment.status).toBe(202);
    expect(deployment.body.warnings[0].message).toContain('did you mean "staging"');
    const snapshot = await send("/api/v1/snapshots", { environment: "devv", config: { data: { a: 1 } } });
    expect(snapshot.status).toBe(202);
    expect(snapshot.body.warnings[0].code).toBe("environment_unknown");
    // A known environment: the body is exactly the SPEC's, no warnings key.
    const known = await send("/api/v1/evidence", { ...evidence(art, "unit"), environment: "staging" });
    expect(sortedKeys(known.body)).toEqual(["duplicate", "id", "status"]);
  });

  it("accepts every secret of TOLLGATE_WEBHOOK_SECRETS (rotation)", async () => {
    for (const secret of [OLD_SECRET, NEW_SECRET])
      expect((await send("/api/v1/evidence", evidence(art, "unit"), { secret })).status).toBe(202);
  });

  it("accepts timestamps up to 5 minutes either side", async () => {
    for (const skew of [-290, 290])
      expect(
        (await send("/api/v1/evidence", evidence(art, "unit"), { timestamp: nowSeconds() + skew })).status,
      ).toBe(202);
  });

  const raw = JSON.stringify(evidence(art, "unit"));
  const unauthorized: { why: string; headers: () => Record<string, string> }[] = [
    { why: "no signature", headers: () => ({}) },
    {
      why: "an unknown secret",
      headers: () => ({
        "x-tollgate-timestamp": String(nowSeconds()),
        "x-tollgate-signature": v1Signature("not-one-of-ours-0000", nowSeconds(), raw),
      }),
    },
    {
      why: "a stale timestamp (6 min ago)",
      headers: () => ({
        "x-tollgate-timestamp": String(nowSeconds() - 360),
        "x-tollgate-signature": v1Signature(NEW_SECRET, nowSeconds() - 360, raw),
      }),
    },
    {
      why: "a future timestamp (6 min ahead)",
      headers: () => ({
        "x-tollgate-timestamp": String(nowSeconds() + 360),
        "x-tollgate-signature": v1Signature(NEW_SECRET, nowSeconds() + 360, raw),
      }),
    },
    {
      why: "a signature over another body",
      headers: () => ({
        "x-tollgate-timestamp": String(nowSeconds()),
        "x-tollgate-signature": v1Signature(NEW_SECRET, nowSeconds(), `${raw} `),
      }),
    },
    {
      why: "a signature without the v1= prefix",
      headers: () => ({
        "x-tollgate-timestamp": String(nowSeconds()),
        "x-tollgate-signature": v1Signature(NEW_SECRET, nowSeconds(), raw).slice(3),
      }),
    },
  ];
  it.each(unauthorized)("401 exactly {error:unauthorized} for $why", async ({ headers }) => {
    const answer = await rawPost(full.baseUrl, "/api/v1/evidence", raw, {
      "content-type": "application/json",
      ...headers(),
    });
    expect(answer.status).toBe(401);
    expect(answer.body).toEqual({ error: "unauthorized" });
  });

  it("400 invalid_payload lists every issue as {path, message}", async () => {
    const answer = await send("/api/v1/evidence", {
      artifact: { name: "Not A Name!", digest: "sha256:xyz" },
      kind: "bogus",
      name: "unit",
      status: "meh",
      summary: { total: -1 },
    });
    expect(answer.status).toBe(400);
    expect(sortedKeys(answer.body)).toEqual(["error", "issues"]);
    expect(answer.body.error).toBe("invalid_payload");
    const paths = (answer.body.issues as { path: string }[]).map((i) => i.path);
    for (const path of ["artifact.name", "artifact.digest", "kind", "status", "summary.total"])
      expect(paths).toContain(path);
    for (const issue of answer.body.issues) {
      expect(sortedKeys(issue)).toEqual(["message", "path"]);
      expect(typeof issue.message).toBe("string");
    }
  });

  it("400 invalid_payload for bad JSON and for details over 64 KiB", async () => {
    const bad = await send("/api/v1/evidence", '{"artifact": ');
    expect(bad.status).toBe(400);
    expect(bad.body.error).toBe("invalid_payload");
    expect(Array.isArray(bad.body.issues)).toBe(true);
    const big = await send(
      "/api/v1/evidence",
      evidence(art, "unit", "passed", { details: { x: "y".repeat(70_000) } }),
    );
    expect(big.status).toBe(400);
    expect(big.body.issues.map((i: { path: string }) => i.path)).toContain("details");
  });

  // Sent in one write, as most HTTP clients do; every attempt must read the 413, not a reset.
  const tooBig = async (path: string, body: string) => {
    const answers: unknown[] = [];
    for (let attempt = 0; attempt < 5; attempt++) {
      const answer = await postSignedEarly(full.baseUrl, path, body, NEW_SECRET).catch(
        (error: NodeJS.ErrnoException) => ({ status: error.code ?? "error", text: "null" }),
      );
      answers.push({ status: answer.status, body: JSON.parse(answer.text) });
    }
    return answers;
  };

  it("413 exactly {error:payload_too_large, limit:1048576} for evidence over 1 MiB", async () => {
    const body = JSON.stringify(
      evidence(art, "unit", "passed", { url: `https://x/${"a".repeat(1024 * 1024)}` }),
    );
    const expected = { status: 413, body: { error: "payload_too_large", limit: 1048576 } };
    expect(await tooBig("/api/v1/evidence", body)).toEqual(Array(5).fill(expected));
  });

  it("snapshots take up to 5 MiB: 2 MiB is accepted, over 5 MiB is 413 with limit 5242880", async () => {
    const snapshot = (bytes: number) => ({
      environment: "dev",
      taken_at: new Date().toISOString(),
      source: "spec",
      config: { data: { blob: "z".repeat(bytes) } },
    });
    expect((await send("/api/v1/snapshots", snapshot(2 * 1024 * 1024))).status).toBe(202);
    const expected = { status: 413, body: { error: "payload_too_large", limit: 5242880 } };
    const body = JSON.stringify(snapshot(5 * 1024 * 1024 + 10));
    expect(await tooBig("/api/v1/snapshots", body)).toEqual(Array(5).fill(expected));
  });

  it.each(["text/plain", "application/x-www-form-urlencoded"])(
    "415 exactly {error:unsupported_media_type} for %s",
    async (contentType) => {
      const answer = await send("/api/v1/evidence", evidence(art, "unit"), { contentType });
      expect(answer.status).toBe(415);
      expect(answer.body).toEqual({ error: "unsupported_media_type" });
    },
  );

  it("409 exactly {error:artifact_conflict, message} when a known digest claims another name or commit", async () => {
    const digest = sha256Digest("conflict");
    const commit = "9fceb02d0ae598e95dc970b74767f19372d61af8";
    expect((await send("/api/v1/evidence", evidence({ name: "owner", digest, commit }, "unit"))).status).toBe(
      202,
    );
    for (const claim of [
      { name: "thief", digest, commit },
      { name: "owner", digest, commit: "1111111111111111111111111111111111111111" },
    ]) {
      const answer = await send("/api/v1/evidence", evidence(claim, "unit"));
      expect(answer.status).toBe(409);
      expect(sortedKeys(answer.body)).toEqual(["error", "message"]);
      expect(answer.body.error).toBe("artifact_conflict");
      expect(typeof answer.body.message).toBe("string");
    }
  });
});

describe("§2 identities and references", () => {
  const digest = sha256Digest("refs");
  const art = { name: "ref-svc", digest, version: "3.1.4" };

  beforeAll(async () => {
    expect((await send("/api/v1/evidence", evidence(art, "unit"))).status).toBe(202);
    const deployed = await send("/api/v1/deployments", {
      environment: "dev",
      artifact: art,
      status: "succeeded",
      deployed_at: new Date().toISOString(),
    });
    expect(deployed.status).toBe(202);
  });

  it("normalises an upper-case digest to lower case", async () => {
    const upper = `sha256:${hex("upper").toUpperCase()}`;
    expect(
      (await send("/api/v1/evidence", evidence({ name: "upper-svc", digest: upper }, "unit"))).status,
    ).toBe(202);
    const answer = await readiness(`sha256:${hex("upper")}`, "dev");
    expect(answer.status).toBe(200);
    expect(answer.body.artifact.digest).toBe(`sha256:${hex("upper")}`);
  });

  it.each([
    { form: "name@sha256:<12-hex prefix>", ref: () => `ref-svc@sha256:${hex("refs").slice(0, 12)}` },
    { form: "name@sha256:<full hex>", ref: () => `ref-svc@${digest}` },
    { form: "name@<version>", ref: () => "ref-svc@3.1.4" },
    { form: "sha256:<hex>", ref: () => digest },
    { form: "a bare name (running in the stage before)", ref: () => "ref-svc" },
  ])("resolves $form", async ({ ref }) => {
    const answer = await readiness(ref(), "staging");
    expect(answer.status, answer.text).toBe(200);
    expect(answer.body.artifact.digest).toBe(digest);
    expect(answer.body.artifact.name).toBe("ref-svc");
  });

  it("refuses a digest prefix shorter than 12 hex characters and answers 404 for unknown artifacts", async () => {
    expect((await readiness(`ref-svc@sha256:${hex("refs").slice(0, 11)}`, "staging")).status).not.toBe(200);
    expect((await readiness("nobody@9.9.9", "staging")).status).toBe(404);
  });
});

describe("§3.1 evidence, §3.2 deployments, §3.3 snapshots", () => {
  it("accepts {items:[…]} batches, all-or-nothing, at most 500", async () => {
    const a = { name: "batch-a", digest: sha256Digest("batch-a") };
    const b = { name: "batch-b", digest: sha256Digest("batch-b") };
    const ok = await send("/api/v1/evidence", { items: [evidence(a, "unit"), evidence(b, "unit")] });
    expect(ok.status).toBe(202);
    expect((await check(a.digest, "dev", "evidence:unit"))?.status).toBe("passed");
    expect((await check(b.digest, "dev", "evidence:unit"))?.status).toBe("passed");

    const c = { name: "batch-c", digest: sha256Digest("batch-c") };
    const mixed = await send("/api/v1/evidence", {
      items: [evidence(c, "unit"), { ...evidence(c, "unit"), kind: "nope" }],
    });
    expect(mixed.status).toBe(400);
    expect(mixed.body.issues.some((i: { path: string }) => i.path.startsWith("items.1"))).toBe(true);
    expect((await readiness(c.digest, "dev")).status).toBe(404);

    const many = Array.from({ length: 501 }, () => evidence(a, "unit"));
    expect((await send("/api/v1/evidence", { items: many })).status).toBe(400);
    const max = Array.from({ length: 500 }, () => evidence(a, "unit"));
    expect((await send("/api/v1/evidence", { items: max })).status).toBe(202);
  });

  it("counts commit-scoped evidence for an artifact registered later from that commit", async () => {
    const commit = "abcdef1234567890abcdef1234567890abcdef12";
    expect((await send("/api/v1/evidence", evidence({ commit }, "unit"))).status).toBe(202);
    const later = { name: "late-svc", digest: sha256Digest("late"), commit };
    expect(
      (await send("/api/v1/evidence", { artifact: later, kind: "sbom", name: "cyclonedx", status: "passed" }))
        .status,
    ).toBe(202);
    expect((await check(later.digest, "dev", "evidence:unit"))?.status).toBe("passed");
  });

  it("lets the newest evidence by observed_at count: a later failure revokes an earlier pass", async () => {
    const art = { name: "flaky-svc", digest: sha256Digest("flaky") };
    const at = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000).toISOString();
    await send("/api/v1/evidence", evidence(art, "unit", "passed", { observed_at: at(30) }));
    expect((await check(art.digest, "dev", "evidence:unit"))?.status).toBe("passed");
    await send("/api/v1/evidence", evidence(art, "unit", "failed", { observed_at: at(20) }));
    expect((await check(art.digest, "dev", "evidence:unit"))?.status).toBe("failed");
    expect((await readiness(art.digest, "dev")).body.verdict).toBe("blocked");
    await send("/api/v1/evidence", evidence(art, "unit", "passed", { observed_at: at(25) }));
    expect((await check(art.digest, "dev", "evidence:unit"))?.status).toBe("failed");
    await send("/api/v1/evidence", evidence(art, "unit", "passed", { observed_at: at(10) }));
    expect((await check(art.digest, "dev", "evidence:unit"))?.status).toBe("passed");
  });

  it("does not let a test with summary.total == 0 satisfy min_total", async () => {
    const art = { name: "empty-svc", digest: sha256Digest("empty") };
    await send("/api/v1/evidence", evidence(art, "e2e", "passed", { summary: { total: 0, passed: 0 } }));
    expect((await check(art.digest, "staging", "evidence:e2e"))?.status).toBe("failed");
    await send("/api/v1/evidence", evidence(art, "e2e", "passed", { summary: { total: 3, passed: 3 } }));
    expect((await check(art.digest, "staging", "evidence:e2e"))?.status).toBe("passed");
  });

  it("takes deployments (started · succeeded · failed): a success upstream satisfies same_as", async () => {
    const art = { name: "deploy-svc", digest: sha256Digest("deploy") };
    await send("/api/v1/evidence", evidence(art, "unit"));
    expect((await check(art.digest, "staging", "artifact:same_as"))?.status).not.toBe("passed");
    const bad = await send("/api/v1/deployments", { environment: "dev", artifact: art, status: "done" });
    expect(bad.status).toBe(400);
    expect(bad.body.issues.map((i: { path: string }) => i.path)).toContain("status");
    for (const status of ["started", "succeeded"]) {
      const answer = await send("/api/v1/deployments", {
        environment: "dev",
        artifact: art,
        status,
        deployed_at: new Date().toISOString(),
        url: "https://cd.example.com/runs/1",
      });
      expect(answer.status).toBe(202);
    }
    expect((await check(art.digest, "staging", "artifact:same_as"))?.status).toBe("passed");
  });

  it("compares snapshots by dotted key path against the drift allowance", async () => {
    const art = { name: "drift-svc", digest: sha256Digest("drift") };
    await send("/api/v1/evidence", evidence(art, "unit"));
    const snapshot = (environment: string, payments: string) => ({
      environment,
      taken_at: new Date().toISOString(),
      source: "spec",
      config: {
        feature_flags: { "new-checkout": false },
        endpoints: { payments: { url: payments } },
        data: { "orders.schema": "v42" },
        security: { mtls: true, admin_roles: ["sre"] },
      },
    });
    expect((await send("/api/v1/snapshots", snapshot("dev", "https://payments.internal"))).status).toBe(202);
    expect((await send("/api/v1/snapshots", snapshot("staging", "https://payments.internal"))).status).toBe(
      202,
    );
    expect((await check(art.digest, "staging", "drift"))?.status).toBe("passed");
    expect((await send("/api/v1/snapshots", snapshot("staging", "https://other.internal"))).status).toBe(202);
    const drift = await check(art.digest, "staging", "drift");
    expect(drift?.status).toBe("failed");
    expect(drift?.reason).toContain("endpoints");
  });
});

describe("§3.4 POST /api/v1/github", () => {
  const deliver = (event: string, body: string, options: { delivery?: string; secret?: string } = {}) =>
    rawPost(full.baseUrl, "/api/v1/github", body, {
      "content-type": "application/json",
      "x-github-event": event,
      "x-github-delivery": options.delivery ?? `spec-${event}-${Math.random()}`,
      "x-hub-signature-256": githubSignature(options.secret ?? GITHUB_SECRET, body),
    });
  const fixture = (name: string) => readFileSync(join(GH_FIXTURES, name), "utf8");

  it("checks X-Hub-Signature-256: a bad one is 401 {error:unauthorized}", async () => {
    const answer = await deliver("ping", '{"zen":"hi"}', { secret: "wrong" });
    expect(answer.status).toBe(401);
    expect(answer.body).toEqual({ error: "unauthorized" });
  });

  it("answers ping 200 and other events 202 (ignored)", async () => {
    expect((await deliver("ping", '{"zen":"Design for failure.","hook_id":1}')).status).toBe(200);
    expect((await deliver("release", fixture("release.published.payload.json"))).status).toBe(202);
  });

  it("turns a check_run completion into commit-scoped test evidence, keyed by X-GitHub-Delivery", async () => {
    const body = fixture("check_run.completed.payload.json");
    const first = await deliver("check_run", body, { delivery: "gh-spec-delivery-1" });
    expect(first.status).toBe(202);
    const again = await deliver("check_run", body, { delivery: "gh-spec-delivery-1" });
    expect(again.status).toBe(200);
    expect(again.body.duplicate).toBe(true);
    const commit = "ec26c3e57ca3a959ca5aad62de7213c562f8c821";
    const art = { name: "linted-svc", digest: sha256Digest("linted"), commit };
    await send("/api/v1/evidence", { artifact: art, kind: "sbom", name: "cyclonedx", status: "passed" });
    expect((await check(art.digest, "ci", "evidence:Octocoders-linter"))?.status).toBe("passed");
  });

  it("warns about a deployment into an environment no contract names, as /api/v1/deployments does", async () => {
    const payload = JSON.parse(fixture("deployment_status.payload.json"));
    const art = { name: "gh-deployed", digest: sha256Digest("gh-deployed") };
    expect((await send("/api/v1/evidence", evidence(art, "unit"))).status).toBe(202);
    // GitHub's sample deploys to "production"; the contracts here are dev, staging and ci.
    payload.deployment.payload = { digest: art.digest, name: art.name };
    const answer = await deliver("deployment_status", JSON.stringify(payload));
    expect(answer.status).toBe(202);
    expect(answer.body.warnings).toEqual([
      { code: "environment_unknown", message: expect.stringContaining("production") },
    ]);
  });

  it("registers a published container package with its digest", async () => {
    const answer = await deliver(
      "registry_package",
      fixture("registry_package.published.docker.payload.json"),
    );
    expect(answer.status).toBe(202);
    const found = await readiness(
      "sha256:3da1996a8115d7616457760d9920b815241d0a03b34cf5f04e9a0e9d8de37498",
      "dev",
    );
    expect(found.status).toBe(200);
    expect(found.body.artifact.name).toBe("hello-world-npm");
  });

  it("is off (404) without GITHUB_WEBHOOK_SECRET", async () => {
    const body = '{"zen":"hi"}';
    const answer = await rawPost(bare.baseUrl, "/api/v1/github", body, {
      "content-type": "application/json",
      "x-github-event": "ping",
      "x-github-delivery": "x",
      "x-hub-signature-256": githubSignature(GITHUB_SECRET, body),
    });
    expect(answer.status).toBe(404);
  });
});

describe("§3.6 read API (bearer tokens)", () => {
  const art = { name: "read-svc", digest: sha256Digest("read"), version: "0.9.0" };
  beforeAll(async () => {
    await send("/api/v1/evidence", evidence(art, "unit"));
  });

  it("answers the exact readiness shape to every token of TOLLGATE_API_TOKENS", async () => {
    const revision = `sha256:${createHash("sha256")
      .update(readFileSync(join(contractsDir, "staging.yml")))
      .digest("hex")}`;
    for (const token of [TOKEN_A, TOKEN_B]) {
      const answer = await readiness(`read-svc@${art.digest}`, "staging", token);
      expect(answer.status).toBe(200);
      expect(sortedKeys(answer.body)).toEqual([
        "artifact",
        "checks",
        "contract_revision",
        "environment",
        "verdict",
      ]);
      expect(answer.body.environment).toBe("staging");
      expect(["ready", "waiting", "blocked"]).toContain(answer.body.verdict);
      expect(answer.body.contract_revision).toBe(revision);
      expect(answer.body.artifact).toMatchObject({ name: "read-svc", digest: art.digest, version: "0.9.0" });
      const ids = answer.body.checks.map((c: { id: string }) => c.id);
      expect(ids).toEqual(
        expect.arrayContaining(["evidence:unit", "evidence:e2e", "artifact:same_as", "drift"]),
      );
      for (const c of answer.body.checks) {
        expect(sortedKeys(c)).toEqual(["id", "reason", "status"]);
        expect(["passed", "failed", "pending", "stale", "waiting"]).toContain(c.status);
      }
    }
  });

  it("finds a digest by every version it was reported with (rc tested, released unchanged)", async () => {
    const digest = sha256Digest("released");
    expect(
      (await send("/api/v1/evidence", evidence({ name: "rel-svc", digest, version: "2.0.0-rc.1" }, "unit")))
        .status,
    ).toBe(202);
    expect(
      (await send("/api/v1/evidence", evidence({ name: "rel-svc", digest, version: "2.0.0" }, "e2e"))).status,
    ).toBe(202);
    for (const version of ["2.0.0-rc.1", "2.0.0"]) {
      const answer = await readiness(`rel-svc@${version}`, "staging", TOKEN_A);
      expect(answer.status, version).toBe(200);
      // The artifact keeps the version it was first reported with.
      expect(answer.body.artifact).toMatchObject({ name: "rel-svc", digest, version: "2.0.0-rc.1" });
    }
    expect((await readiness("rel-svc@2.0.1", "staging", TOKEN_A)).status).toBe(404);
  });

  it("401 {error:unauthorized} without a token or with a wrong one", async () => {
    for (const token of [null, "wrong-token-000000000000"]) {
      const answer = await readiness(art.digest, "dev", token);
      expect(answer.status).toBe(401);
      expect(answer.body).toEqual({ error: "unauthorized" });
    }
  });

  it("400 invalid_payload with issues [{path, message}] for a bad query, like every other 400", async () => {
    const answer = await get(full.baseUrl, `/api/v1/readiness?artifact=${art.digest}`, TOKEN_A);
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({
      error: "invalid_payload",
      issues: [{ path: "environment", message: expect.any(String) }],
    });
  });

  it("lists promotions by environment and state", async () => {
    const list = await get(full.baseUrl, "/api/v1/promotions?environment=staging&state=approved", TOKEN_A);
    expect(list.status).toBe(200);
    expect(Array.isArray(list.body.promotions)).toBe(true);
    expect((await get(full.baseUrl, "/api/v1/promotions?environment=staging", TOKEN_B)).status).toBe(200);
    expect(
      (await get(full.baseUrl, "/api/v1/promotions?environment=staging&state=bogus", TOKEN_A)).status,
    ).toBe(400);
    expect((await get(full.baseUrl, "/api/v1/promotions?environment=staging")).status).toBe(401);
    const unknown = await get(full.baseUrl, "/api/v1/promotions?environment=qa", TOKEN_A);
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ error: "environment_not_found" });
  });

  it("is off when TOLLGATE_API_TOKENS is unset: no readiness, no promotions, for any token", async () => {
    for (const path of [
      "/api/v1/readiness?artifact=x&environment=dev",
      "/api/v1/promotions?environment=dev",
    ]) {
      const answer = await get(bare.baseUrl, path, TOKEN_A);
      expect(answer.status).toBe(404);
    }
  });
});

describe("§1 report, snapshot and assert against the running server", () => {
  const art = { name: "cli-svc", digest: sha256Digest("cli"), version: "5.0.0" };
  const cli = (args: string[], env: Record<string, string> = {}) =>
    runCli(args, {
      TOLLGATE_URL: full.baseUrl,
      TOLLGATE_SECRET: NEW_SECRET,
      TOLLGATE_API_TOKEN: TOKEN_A,
      ...env,
    });
  const reportArgs = [
    "report",
    "--artifact",
    "cli-svc",
    "--digest",
    art.digest,
    "--version",
    "5.0.0",
    "--name",
    "unit",
  ];

  it("report: 0 accepted (TOLLGATE_URL/TOLLGATE_SECRET), 1 rejected, flags override the environment", async () => {
    const ok = await cli([...reportArgs, "--status", "passed"]);
    expect(ok.code, ok.stderr).toBe(0);
    const rejected = await cli([...reportArgs, "--status", "passed"], {
      TOLLGATE_SECRET: "wrong-secret-0000000000",
    });
    expect(rejected.code).toBe(1);
    const overridden = await cli(
      [...reportArgs, "--status", "passed", "--url", full.baseUrl, "--secret", OLD_SECRET],
      { TOLLGATE_URL: "http://127.0.0.1:9", TOLLGATE_SECRET: "wrong-secret-0000000000" },
    );
    expect(overridden.code, overridden.stderr).toBe(0);
  });

  it("report: a typo in --environment is stored (exit 0) and warned about on stderr", async () => {
    const typo = await cli([...reportArgs, "--status", "passed", "--environment", "stagng"]);
    expect(typo.code, typo.stderr).toBe(0);
    expect(typo.stdout).toContain("accepted");
    expect(typo.stderr).toContain(
      'tollgate: warning: environment_unknown: no contract for environment "stagng"',
    );
    expect(typo.stderr).toContain('did you mean "staging"');
    const known = await cli([...reportArgs, "--status", "passed", "--environment", "staging"]);
    expect(known.stderr).toBe("");
  });

  it("report --junit summarises a JUnit report", async () => {
    const dry = await cli([
      "report",
      "--artifact",
      "cli-svc",
      "--digest",
      art.digest,
      "--name",
      "pytest",
      "--junit",
      JUNIT,
      "--dry-run",
    ]);
    expect(dry.code).toBe(0);
    const body = JSON.parse(dry.stdout);
    expect(body.status).toBe("failed");
    expect(body.summary).toMatchObject({ total: 5, failed: 1, skipped: 1 });
    const sent = await cli([
      "report",
      "--artifact",
      "cli-svc",
      "--digest",
      art.digest,
      "--name",
      "pytest",
      "--junit",
      JUNIT,
    ]);
    expect(sent.code, sent.stderr).toBe(0);
  });

  it("snapshot: 0 accepted from a YAML file, 1 rejected", async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, "snap.yml"),
      "feature_flags:\n  new-checkout: true\nendpoints:\n  payments: https://p\n",
    );
    const ok = await cli(["snapshot", join(dir, "snap.yml"), "--environment", "dev"]);
    expect(ok.code, ok.stderr).toBe(0);
    const bad = await cli(["snapshot", join(dir, "snap.yml"), "--environment", "dev"], {
      TOLLGATE_SECRET: "wrong-secret-0000000000",
    });
    expect(bad.code).toBe(1);
  });

  it("assert: prints every check; 0 ready, 1 not ready, 78 a refused token; TOLLGATE_API_TOKEN or --token", async () => {
    const ready = await cli(["assert", `cli-svc@${art.digest}`, "--to", "dev"]);
    expect(ready.code, ready.stderr).toBe(0);
    expect(ready.stdout).toContain("evidence:unit");
    const waiting = await cli(["assert", `cli-svc@${art.digest}`, "--to", "staging"]);
    expect(waiting.code).toBe(1);
    for (const id of ["evidence:unit", "evidence:e2e", "artifact:same_as", "drift"])
      expect(waiting.stdout).toContain(id);
    const overridden = await cli(
      ["assert", `cli-svc@${art.digest}`, "--to", "dev", "--token", TOKEN_B, "--url", full.baseUrl],
      {
        TOLLGATE_API_TOKEN: "wrong-token-000000000000",
        TOLLGATE_URL: "http://127.0.0.1:9",
      },
    );
    expect(overridden.code, overridden.stderr).toBe(0);
    const refused = await cli(["assert", `cli-svc@${art.digest}`, "--to", "dev"], {
      TOLLGATE_API_TOKEN: "wrong-token-000000000000",
    });
    // Beyond SPEC's 0/1/2: no wait fixes a refused token, so a retrying gate must not see 1.
    expect(refused.code).toBe(78);
  });
});

describe("§4 SIGHUP reloads contracts; an invalid reload is refused and the old set stays", () => {
  it("keeps serving the old set after a bad reload, then picks up a good one", async () => {
    const art = { name: "reload-svc", digest: sha256Digest("reload") };
    await send("/api/v1/evidence", evidence(art, "unit"));
    const before = await readiness(art.digest, "staging");
    expect(before.status).toBe(200);
    writeFileSync(join(contractsDir, "staging.yml"), "after: dve\nbogus_key: 1\n");
    writeFileSync(join(contractsDir, "qa.yml"), "description: QA\nafter: dev\nchannel: C0SPECQA\n");
    full.child.kill("SIGHUP");
    await new Promise((resolve) => setTimeout(resolve, 500));
    const kept = await readiness(art.digest, "staging");
    expect(kept.status).toBe(200);
    expect(kept.body.contract_revision).toBe(before.body.contract_revision);
    expect((await readiness(art.digest, "qa")).status).toBe(404);

    writeFileSync(join(contractsDir, "staging.yml"), CONTRACTS["staging.yml"]);
    full.child.kill("SIGHUP");
    await until(async () => (await readiness(art.digest, "qa")).status === 200, 5000, "qa after reload");
    expect(full.child.exitCode).toBeNull();
  });
});

describe("§3 503 not_ready while shutting down", () => {
  it("answers a request that arrives during the drain 503 {error:not_ready}, and finishes the one in flight", async () => {
    const { connect } = await import("node:net");
    const body = JSON.stringify(evidence({ name: "drain-svc", digest: sha256Digest("drain") }, "unit"));
    const head = () => {
      const ts = nowSeconds();
      return [
        "POST /api/v1/evidence HTTP/1.1",
        "Host: tollgate",
        "Content-Type: application/json",
        `Content-Length: ${Buffer.byteLength(body)}`,
        `X-Tollgate-Timestamp: ${ts}`,
        `X-Tollgate-Signature: ${v1Signature(OLD_SECRET, ts, body)}`,
        "",
        "",
      ].join("\r\n");
    };
    const open = () => {
      const socket = connect(bare.port, "127.0.0.1");
      const state = { text: "", closed: new Promise((resolve) => socket.once("close", resolve)) };
      socket.on("data", (chunk: Buffer) => {
        state.text += chunk.toString();
      });
      return { socket, state };
    };
    const inFlight = open();
    const late = open();
    // A request in flight (body half sent) holds the drain; the late one has only begun its headers.
    const first = head() + body.slice(0, 10);
    const second = head();
    inFlight.socket.write(first);
    late.socket.write(second.slice(0, 20));
    await new Promise((resolve) => setTimeout(resolve, 200));
    const stopped = bare.stop();
    await new Promise((resolve) => setTimeout(resolve, 300));
    late.socket.write(second.slice(20) + body);
    await until(() => late.state.text.includes("\r\n\r\n{"), 5000, "an answer to the late request");
    inFlight.socket.write(body.slice(10));
    await Promise.all([inFlight.state.closed, late.state.closed]);
    expect(late.state.text).toMatch(/^HTTP\/1\.1 503 /);
    expect(late.state.text.slice(late.state.text.indexOf("\r\n\r\n") + 4)).toBe('{"error":"not_ready"}');
    expect(inFlight.state.text).toMatch(/^HTTP\/1\.1 202 /);
    expect(await stopped).toBe(0);
  });
});
