/**
 * The pooled fetch behaves as fetch does for what Tollgate sends — against a real loopback server,
 * and under the real WebClient against the Slack emulator (errors, 429 with Retry-After).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { webApi } from "@slack/bolt";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createPooledFetch } from "../../../src/adapters/http/pooled-fetch.js";
import { type SlackEmulator, silentLogger, startSlackEmulator } from "../../helpers/slack.js";

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
  remotePort: number | undefined;
}

let server: Server;
let base: string;
const seen: Seen[] = [];
const pooled = createPooledFetch();

function route(req: IncomingMessage, res: ServerResponse, body: string): void {
  seen.push({
    method: req.method ?? "",
    url: req.url ?? "",
    headers: req.headers,
    body,
    remotePort: req.socket.remotePort,
  });
  if (req.url === "/json") {
    res.setHeader("set-cookie", ["a=1", "b=2"]);
    res.writeHead(201, { "content-type": "application/json", "x-answer": "42" });
    res.end(JSON.stringify({ ok: true, echo: body }));
  } else if (req.url === "/empty") {
    res.writeHead(204).end();
  } else if (req.url === "/moved") {
    res.writeHead(302, { location: "/json" }).end();
  } else if (req.url === "/hang") {
    // Never answers: the caller's signal must end it.
  } else {
    res.writeHead(404, { "content-type": "text/plain" }).end("no such thing");
  }
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => route(req, res, Buffer.concat(chunks).toString("utf8")));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await pooled.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

afterEach(() => {
  seen.length = 0;
  vi.restoreAllMocks();
});

describe("the pooled fetch", () => {
  it("sends method, headers and a string body, and answers a standard Response", async () => {
    const globalFetch = vi.spyOn(globalThis, "fetch");
    const response = await pooled(`${base}/json`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-caller": "tollgate" },
      body: '{"hello":"world"}',
    });
    expect(response).toBeInstanceOf(Response);
    expect(response.status).toBe(201);
    expect(response.ok).toBe(true);
    expect(response.statusText).toBe("Created");
    expect(response.headers.get("x-answer")).toBe("42");
    expect(response.headers.getSetCookie()).toEqual(["a=1", "b=2"]);
    expect(await response.json()).toEqual({ ok: true, echo: '{"hello":"world"}' });
    expect(seen[0]).toMatchObject({ method: "POST", url: "/json", body: '{"hello":"world"}' });
    expect(seen[0]?.headers["x-caller"]).toBe("tollgate");
    expect(globalFetch).not.toHaveBeenCalled();
  });

  it("sends URLSearchParams as a form, and headers given as Headers or pairs", async () => {
    await pooled(`${base}/json`, {
      method: "POST",
      headers: new Headers({ "x-form": "yes" }),
      body: new URLSearchParams({ channel: "C1", text: "a & b" }),
    });
    await pooled(new URL(`${base}/json`), { method: "POST", headers: [["x-pairs", "yes"]], body: "plain" });
    expect(seen[0]?.headers["content-type"]).toBe("application/x-www-form-urlencoded;charset=UTF-8");
    expect(seen[0]?.body).toBe("channel=C1&text=a+%26+b");
    expect(seen[0]?.headers["x-form"]).toBe("yes");
    expect(seen[1]?.headers["content-type"]).toBe("text/plain;charset=UTF-8");
    expect(seen[1]?.headers["x-pairs"]).toBe("yes");
  });

  it("answers a 204 without a body and a 404 with its text", async () => {
    const empty = await pooled(`${base}/empty`);
    expect(empty.status).toBe(204);
    expect(empty.body).toBeNull();
    const missing = await pooled(`${base}/nowhere`);
    expect(missing.ok).toBe(false);
    expect(await missing.text()).toBe("no such thing");
  });

  it("follows redirects by default, returns them with manual, and fails with error", async () => {
    const followed = await pooled(`${base}/moved`);
    expect(followed.status).toBe(201);
    const manual = await pooled(`${base}/moved`, { redirect: "manual" });
    expect(manual.status).toBe(302);
    expect(manual.headers.get("location")).toBe("/json");
    await expect(pooled(`${base}/moved`, { method: "POST", body: "x", redirect: "error" })).rejects.toThrow(
      TypeError,
    );
  });

  it("keeps the connection alive between calls", async () => {
    const fresh = createPooledFetch();
    for (let i = 0; i < 6; i++) await (await fresh(`${base}/json`, { method: "POST", body: "x" })).text();
    await fresh.close();
    expect(seen).toHaveLength(6);
    // undici may open a second socket while the first finishes a POST; after that both are reused.
    expect(new Set(seen.map((s) => s.remotePort)).size).toBeLessThanOrEqual(2);
  });

  it("rejects like fetch: a TypeError with the cause when refused, the signal's reason on timeout", async () => {
    const refused = await pooled("http://127.0.0.1:9/", { method: "POST", body: "x" }).catch(
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(TypeError);
    expect((refused as { cause?: { code?: string } }).cause?.code).toBe("ECONNREFUSED");
    const timedOut = await pooled(`${base}/hang`, { signal: AbortSignal.timeout(50) }).catch(
      (e: unknown) => e,
    );
    expect((timedOut as Error).name).toBe("TimeoutError");
  });

  it("hands what it does not handle (a multipart body) to the global fetch", async () => {
    const globalFetch = vi.spyOn(globalThis, "fetch");
    const form = new FormData();
    form.set("file", new Blob(["contents"]), "notes.txt");
    const response = await pooled(`${base}/json`, { method: "POST", body: form });
    expect(response.status).toBe(201);
    expect(seen[0]?.headers["content-type"]).toMatch(/^multipart\/form-data; boundary=/);
    expect(seen[0]?.body).toContain("contents");
    expect(globalFetch).toHaveBeenCalledOnce();
  });
});

describe("the real WebClient on the pooled fetch", () => {
  let emulator: SlackEmulator;
  beforeAll(async () => {
    emulator = await startSlackEmulator({ channels: [{ id: "C0CARDS", name: "cards" }] });
  });
  afterAll(async () => emulator.close());

  const client = (options: Partial<webApi.WebClientOptions> = {}) =>
    new webApi.WebClient(emulator.tokens[0], {
      slackApiUrl: emulator.apiUrl,
      fetch: pooled,
      logger: silentLogger,
      retryConfig: { retries: 0 },
      ...options,
    });

  it("posts and updates a message with blocks", async () => {
    const posted = await client().chat.postMessage({
      channel: "C0CARDS",
      text: "card",
      blocks: [{ type: "section", text: { type: "mrkdwn", text: "*ready*" } }],
    });
    expect(posted.ok).toBe(true);
    await client().chat.update({ channel: "C0CARDS", ts: posted.ts as string, text: "card v2" });
    expect(emulator.messages("C0CARDS").map((m) => m.text)).toEqual(["card v2"]);
  });

  it("surfaces Slack's ok:false errors and 429s with their Retry-After", async () => {
    emulator.fail("chat.postMessage", "channel_not_found");
    await expect(client().chat.postMessage({ channel: "C0CARDS", text: "x" })).rejects.toMatchObject({
      code: webApi.ErrorCode.PlatformError,
      data: { error: "channel_not_found" },
    });
    emulator.rateLimit("chat.postMessage", { seconds: 30, retryAfter: 7 });
    await expect(
      client({ rejectRateLimitedCalls: true }).chat.postMessage({ channel: "C0CARDS", text: "x" }),
    ).rejects.toMatchObject({ code: webApi.ErrorCode.RateLimitedError, retryAfter: 7 });
    emulator.clearFaults();
  });
});
