import { afterEach, describe, expect, it } from "vitest";
import type { RequestContext } from "../../../src/adapters/http/server.js";
import { CodedError } from "../../../src/errors.js";
import { postSigned } from "../../helpers/api-client.js";
import { digestOf, startTestApp, TEST_SECRET, type TestApp } from "../../helpers/test-app.js";
import { hasFastProperties } from "../../helpers/v8-shape.js";

describe("HTTP server", () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.stop();
    t = undefined;
  });

  it("serves mounted handlers, extra routes and readiness probes registered by modules", async () => {
    let outboxHealthy = true;
    t = await startTestApp({
      modules: [
        {
          name: "fake-slack",
          register(ctx) {
            ctx.http.mount("/slack/events", (_req, res) => res.end("bolt"));
            ctx.http.mount("/", (req, res) => res.end(`sandbox ${req.url}`));
            ctx.http.route("GET", "/api/v1/promotions", (_req, res, rc) =>
              res.end(rc.query().get("environment") ?? ""),
            );
            ctx.http.addReadinessProbe("slack_outbox", () => ({
              ok: outboxHealthy,
              detail: outboxHealthy ? undefined : "3 permanent errors",
            }));
          },
        },
      ],
    });
    expect(await (await fetch(`${t.baseUrl}/slack/events`, { method: "POST" })).text()).toBe("bolt");
    expect(await (await fetch(`${t.baseUrl}/channels/C1`)).text()).toBe("sandbox /channels/C1");
    expect(await (await fetch(`${t.baseUrl}/api/v1/promotions?environment=prod`)).text()).toBe("prod");
    const ready = await fetch(`${t.baseUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({
      status: "ready",
      components: { database: { ok: true }, slack_outbox: { ok: true } },
    });
    outboxHealthy = false;
    const notReady = await fetch(`${t.baseUrl}/readyz`);
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toMatchObject({
      error: "not_ready",
      state: "degraded",
      failing: ["slack_outbox"],
      components: { slack_outbox: { ok: false, detail: "3 permanent errors" } },
    });
  });

  it("hands routes a request context V8 keeps in fast mode, with its logger built on first use", async () => {
    const seen: RequestContext[] = [];
    t = await startTestApp({
      modules: [
        {
          name: "context-probe",
          register(ctx) {
            ctx.http.route("GET", "/probe", (_req, res, rc) => {
              seen.push(rc);
              rc.log.info({ probe: true }, "probed");
              res.end(rc.requestId);
            });
          },
        },
      ],
    });
    const answer = await fetch(`${t.baseUrl}/probe?x=1`, { headers: { "x-request-id": "probe-7" } });
    expect(await answer.text()).toBe("probe-7");
    const [context] = seen;
    if (context === undefined) throw new Error("the route was not called");
    // An object literal with a `get log()` accessor is a dictionary-mode object in V8; one per
    // request kept requests and responses alive through minor GCs (10-20 ms pauses under load).
    expect(hasFastProperties(context)).toBe(true);
    expect(context.log).toBe(context.log);
    expect(t.logs.join("")).toMatch(/"reqId":"probe-7"[^\n]*"msg":"probed"/);
    expect(context.query().get("x")).toBe("1");
    expect(context.route).toBe("/probe");
  });

  it("answers unknown paths 404 and wrong methods 405, with a request id", async () => {
    t = await startTestApp();
    const missing = await fetch(`${t.baseUrl}/nope`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: "not_found" });
    const wrong = await fetch(`${t.baseUrl}/api/v1/snapshots`);
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get("allow")).toBe("POST");
    const post = await fetch(`${t.baseUrl}/healthz`, { method: "POST" });
    expect(post.status).toBe(405);
    expect(post.headers.get("allow")).toBe("GET, HEAD");
    // HEAD is answered as GET, without a body (load balancers and uptime checks probe with it).
    const head = await fetch(`${t.baseUrl}/healthz`, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe("");
    expect((await fetch(`${t.baseUrl}/api/v1/snapshots`, { method: "HEAD" })).status).toBe(405);
    const withId = await fetch(`${t.baseUrl}/healthz`, { headers: { "x-request-id": "ci-run-42" } });
    expect(withId.headers.get("x-request-id")).toBe("ci-run-42");
    expect((await fetch(`${t.baseUrl}/healthz`)).headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("logs one structured line per request with its id", async () => {
    t = await startTestApp();
    const response = await postSigned(
      t.baseUrl,
      "/api/v1/evidence",
      { nope: 1 },
      { secret: TEST_SECRET, headers: { "x-request-id": "req-7" } },
    );
    expect(response.status).toBe(400);
    const lines = t.logs
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l.reqId === "req-7");
    expect(lines).toContainEqual(
      expect.objectContaining({ msg: "request", route: "/api/v1/evidence", status: 400, method: "POST" }),
    );
    expect(lines).toContainEqual(expect.objectContaining({ msg: "intake refused", code: "invalid_payload" }));
  });

  it("logs a route's coded 4xx at info without a stack, and a crash at error with one", async () => {
    t = await startTestApp({
      modules: [
        {
          name: "throwing-routes",
          register(ctx) {
            ctx.http.route("POST", "/refuse", () => {
              throw new CodedError("invalid_payload", "type is required", { details: [] });
            });
            ctx.http.route("POST", "/crash", () => {
              throw new Error("boom");
            });
          },
        },
      ],
    });
    const refused = await fetch(`${t.baseUrl}/refuse`, {
      method: "POST",
      headers: { "x-request-id": "r-1" },
    });
    expect(refused.status).toBe(400);
    const crashed = await fetch(`${t.baseUrl}/crash`, { method: "POST", headers: { "x-request-id": "c-1" } });
    expect(crashed.status).toBe(500);
    const lines = t.logs.map((l) => JSON.parse(l) as Record<string, unknown>);
    const of = (id: string) => lines.filter((l) => l.reqId === id && l.msg !== "request");
    expect(of("r-1")).toEqual([
      expect.objectContaining({ level: "info", msg: "request refused", code: "invalid_payload" }),
    ]);
    expect(JSON.stringify(of("r-1"))).not.toContain("stack");
    expect(of("c-1")).toEqual([
      expect.objectContaining({
        level: "error",
        msg: "request failed",
        err: expect.objectContaining({ stack: expect.any(String) }),
      }),
    ]);
  });

  it("exposes Prometheus metrics: requests by route and status, ingest latency, evidence stored", async () => {
    t = await startTestApp();
    const items = [1, 2, 3].map((i) => ({
      artifact: { name: "api", digest: digestOf("m") },
      kind: "test",
      name: `s${i}`,
      status: "passed",
    }));
    expect((await postSigned(t.baseUrl, "/api/v1/evidence", { items }, { secret: TEST_SECRET })).status).toBe(
      202,
    );
    const text = await (await fetch(`${t.baseUrl}/metrics`)).text();
    expect(text).toContain(
      'tollgate_http_requests_total{route="/api/v1/evidence",method="POST",status="202"} 1',
    );
    expect(text).toContain('tollgate_ingest_duration_seconds_count{route="evidence"} 1');
    expect(text).toMatch(/^tollgate_evidence_stored_total 3$/m);
  });

  it("answers 503 not_ready once shutdown has begun", async () => {
    t = await startTestApp();
    t.app.context.http.setState("stopping");
    const response = await postSigned(t.baseUrl, "/api/v1/evidence", {}, { secret: TEST_SECRET });
    expect(response.status).toBe(503);
    expect(response.body).toEqual({ error: "not_ready" });
    expect((await fetch(`${t.baseUrl}/readyz`)).status).toBe(503);
    expect((await fetch(`${t.baseUrl}/healthz`)).status).toBe(200);
  });
});
