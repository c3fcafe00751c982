/**
 * Sandbox mode end to end without a browser: the page's own endpoints drive the real bot through
 * the emulator — sample traffic over the signed API, people acting through signed Slack requests,
 * the fake deployer completing the prod promotion — and the secrets survive a restart.
 */
import { readFileSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signedHeaders } from "../../src/adapters/http/v1-signature.js";
import { SANDBOX_PEOPLE } from "../../src/sandbox/sandbox-people.js";
import { type SandboxApp, startSandboxApp } from "./sandbox-harness.js";

const [RILEY, ALEX, SAM, JORDAN] = SANDBOX_PEOPLE.map((p) => p.id) as [string, string, string, string];
const DEV = "C0TGDEV001";
const STAGING = "C0TGSTAGE01";
const PROD = "C0TGPROD01";

let s: SandboxApp;

async function post(path: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${s.baseUrl}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function until<T>(probe: () => T | undefined, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** A request with a Host header of our choosing (fetch does not allow setting it). */
function rawRequest(
  method: string,
  path: string,
  body: string | undefined,
  headers: Record<string, string>,
): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(s.baseUrl);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, path, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

function card(channel: string, digest: string) {
  return s.sandbox.emulator.messages(channel).find((m) => JSON.stringify(m.blocks ?? []).includes(digest));
}

function cardText(channel: string, digest: string): string {
  return JSON.stringify(card(channel, digest)?.blocks ?? []);
}

async function lastReply(user: string, before: number): Promise<string> {
  const ephemerals = await until(() => {
    const list = s.sandbox.emulator.ephemerals({ userId: user });
    return list.length > before ? list : undefined;
  }, `a reply to ${user}`);
  return ephemerals
    .map((e) => `${e.text} ${JSON.stringify(e.blocks ?? [])}`)
    .slice(before)
    .join("\n");
}

async function promote(user: string, channel: string, text: string): Promise<string> {
  const before = s.sandbox.emulator.ephemerals({ userId: user }).length;
  const answer = await post("/sandbox/api/act", { user, type: "command", channel, text });
  expect(answer.body.status).toBe(200);
  return lastReply(user, before);
}

async function click(user: string, channel: string, digest: string, actionId: string): Promise<void> {
  const found = await until(
    () => (cardText(channel, digest).includes(actionId) ? card(channel, digest) : undefined),
    `${actionId} on the card`,
  );
  const answer = await post("/sandbox/api/act", { user, type: "click", channel, ts: found.ts, actionId });
  expect(answer.body.status).toBe(200);
}

beforeAll(async () => {
  s = await startSandboxApp();
});

afterAll(async () => {
  if (!closed) await s?.close();
});

let closed = false;

describe("sandbox mode", () => {
  it("prints the page address and a webhook secret that the signed API accepts", async () => {
    expect(s.banner).toContain(`http://localhost:${new URL(s.baseUrl).port}/`);
    expect(s.banner).toContain(`TOLLGATE_SECRET=${s.sandbox.secrets.webhookSecret}`);
    const saved = JSON.parse(readFileSync(join(s.dataDir, "sandbox.json"), "utf8")) as Record<string, string>;
    expect(saved.webhookSecret).toBe(s.sandbox.secrets.webhookSecret);
    const raw = JSON.stringify({ environment: "dev", config: { feature_flags: { a: true } } });
    const headers = signedHeaders(s.sandbox.secrets.webhookSecret, raw, Math.floor(Date.now() / 1000));
    const response = await fetch(`${s.baseUrl}/api/v1/snapshots`, { method: "POST", headers, body: raw });
    expect(response.status).toBe(202);
  });

  it("serves the page with a script policy and only known static files", async () => {
    const page = await fetch(`${s.baseUrl}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-security-policy")).toContain("script-src 'self'");
    expect(await page.text()).toContain("/static/app.js");
    expect((await fetch(`${s.baseUrl}/static/block-kit.js`)).headers.get("content-type")).toContain(
      "javascript",
    );
    expect((await fetch(`${s.baseUrl}/static/..%2Fsandbox-mode.ts`)).status).toBe(404);
    expect((await fetch(`${s.baseUrl}/static/nope.js`)).status).toBe(404);
  });

  it("refuses a deploy hook that is not signed with the sandbox deploy secret", async () => {
    const raw = JSON.stringify({
      promotion_id: "p1",
      to: "prod",
      artifact: { name: "x", digest: `sha256:${"1".repeat(64)}` },
    });
    const headers = signedHeaders("not-the-deploy-secret-0123456789", raw, Math.floor(Date.now() / 1000));
    const response = await fetch(`${s.baseUrl}/sandbox/deployer/prod`, {
      method: "POST",
      headers,
      body: raw,
    });
    expect(response.status).toBe(401);
  });

  it("refuses what another site's page could send: a text/plain POST, a foreign Origin", async () => {
    const before = s.sandbox.emulator.ephemerals({ userId: RILEY }).length;
    const command = JSON.stringify({ user: RILEY, type: "command", channel: DEV, text: "help" });
    const send = (headers: Record<string, string>) =>
      fetch(`${s.baseUrl}/sandbox/api/act`, { method: "POST", headers, body: command });
    // A cross-site form or fetch without a preflight can only send these "simple" requests.
    const simple = await send({ "content-type": "text/plain", origin: "https://evil.example" });
    expect(simple.status).toBe(403);
    expect(await simple.json()).toMatchObject({ error: "origin_not_allowed" });
    const plain = await send({ "content-type": "text/plain;charset=UTF-8" });
    expect(plain.status).toBe(415);
    expect(await plain.json()).toEqual({ error: "unsupported_media_type" });
    const foreign = await send({ "content-type": "application/json", origin: "http://localhost:1" });
    expect(foreign.status).toBe(403);
    const opaque = await send({ "content-type": "application/json", origin: "null" });
    expect(opaque.status).toBe(403);
    const sample = await fetch(`${s.baseUrl}/sandbox/api/sample`, {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: JSON.stringify({ action: "build" }),
    });
    expect(sample.status).toBe(415);
    expect(s.sandbox.emulator.ephemerals({ userId: RILEY })).toHaveLength(before);
    // The page's own requests carry its own origin and JSON, and work.
    const own = await send({ "content-type": "application/json", origin: new URL(s.baseUrl).origin });
    expect(own.status).toBe(200);
    await lastReply(RILEY, before);
  });

  it("refuses a page whose DNS name was rebound to loopback: its requests name another Host", async () => {
    const before = s.sandbox.emulator.ephemerals({ userId: RILEY }).length;
    const { port } = new URL(s.baseUrl);
    const command = JSON.stringify({ user: RILEY, type: "command", channel: DEV, text: "help" });
    // Same-origin from the browser's point of view: Origin and Host both name the attacker's domain.
    const rebound = await rawRequest("POST", "/sandbox/api/act", command, {
      host: `attacker.example:${port}`,
      origin: `http://attacker.example:${port}`,
      "content-type": "application/json",
    });
    expect(rebound.status).toBe(403);
    expect(JSON.parse(rebound.body)).toMatchObject({ error: "host_not_allowed" });
    const page = await rawRequest("GET", "/", undefined, { host: `attacker.example:${port}` });
    expect(page.status).toBe(403);
    expect(s.sandbox.emulator.ephemerals({ userId: RILEY })).toHaveLength(before);
    // Loopback names and addresses still reach it.
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `app.localhost:${port}`]) {
      expect((await rawRequest("GET", "/", undefined, { host })).status).toBe(200);
    }
  });

  it("walks a build from dev to prod: blocked, fixed, refused, approved twice, deployed", async () => {
    await post("/sandbox/api/sample", { action: "snapshots", variant: "aligned" });
    const built = await post("/sandbox/api/sample", { action: "build" });
    expect((built.body.api as { status: number }).status).toBe(202);
    const { name, digest, version } = built.body.artifact as {
      name: string;
      digest: string;
      version: string;
    };
    await until(() => card(DEV, digest), "the dev card");

    expect(await promote(RILEY, DEV, `${name}@${version} to dev`)).toMatch(/approved/i);
    await post("/sandbox/api/sample", { action: "deployment", environment: "dev" });
    await until(() => card(STAGING, digest), "the staging card");

    await post("/sandbox/api/sample", { action: "evidence", sample: "trivy-critical" });
    await until(() => cardText(STAGING, digest).includes("Blocked"), "staging blocked by trivy");
    expect(await promote(RILEY, STAGING, `${name}@${digest} to staging`)).toMatch(/trivy/);
    await post("/sandbox/api/sample", { action: "evidence", sample: "trivy-clean" });
    await until(() => cardText(STAGING, digest).includes("Ready"), "staging ready");
    await promote(RILEY, STAGING, `${name}@${digest} to staging`);
    await click(ALEX, STAGING, digest, "promotion.approve");
    await until(() => cardText(STAGING, digest).includes("approved"), "staging approved");
    await post("/sandbox/api/sample", { action: "deployment", environment: "staging" });
    await until(() => card(PROD, digest), "the prod card");

    await post("/sandbox/api/sample", { action: "evidence", sample: "release" });
    await until(() => cardText(PROD, digest).includes("cosign"), "prod evidence on the card");
    // The test contracts soak for 1 s; the request below is evaluated at its own moment.
    await new Promise((resolve) => setTimeout(resolve, 1100));

    expect(await promote(JORDAN, PROD, `${name}@${digest} to prod`)).toMatch(
      /not allowed|may not|not a requester|requesters/i,
    );
    await promote(RILEY, PROD, `${name}@${digest} to prod`);
    await click(ALEX, PROD, digest, "promotion.approve");
    await click(SAM, PROD, digest, "promotion.approve");
    // A button the card no longer shows (the page drew it before the change): 400, not a 500.
    await until(() => !cardText(PROD, digest).includes("promotion.approve") || undefined, "Approve gone");
    const stale = await post("/sandbox/api/act", {
      user: ALEX,
      type: "click",
      channel: PROD,
      ts: card(PROD, digest)?.ts,
      actionId: "promotion.approve",
    });
    expect(stale.status).toBe(400);
    expect(stale.body).toMatchObject({ error: "invalid_payload" });
    // The contract's hook says localhost:3000; this sandbox listens elsewhere and still deploys.
    expect(new URL(s.baseUrl).port).not.toBe("3000");
    await until(
      () => cardText(PROD, digest).includes(`🎉 ${name} → prod · deployed`),
      "prod deployed",
      15_000,
    );
    expect(cardText(PROD, digest)).not.toContain("promotion.request");
  });

  it("posts a drift digest to the digest channel on demand", async () => {
    await post("/sandbox/api/sample", { action: "snapshots", variant: "drifting" });
    const answer = await post("/sandbox/api/sample", { action: "drift-digest" });
    expect((answer.body.api as { body: { posted: { status: string }[] } }).body.posted).toEqual([
      { environment: "prod", status: "posted" },
    ]);
    const digest = s.sandbox.emulator.messages("C0TGDRIFT01");
    expect(JSON.stringify(digest.at(-1)?.blocks)).toContain("endpoints");
  });

  it("streams emulator changes to the page and ends the stream when the app stops", async () => {
    const response = await fetch(`${s.baseUrl}/sandbox/api/events`);
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    const reader = response.body!.getReader();
    let received = "";
    const read = async (until: (text: string) => boolean) => {
      while (!until(received)) {
        const chunk = await reader.read();
        if (chunk.done) return true;
        received += new TextDecoder().decode(chunk.value);
      }
      return false;
    };
    await post("/sandbox/api/sample", { action: "build" });
    await read((text) => text.includes('"kind":"message_posted"') && text.includes(DEV));
    const started = Date.now();
    const stopping = s.close();
    closed = true;
    expect(await read(() => false)).toBe(true);
    await stopping;
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
