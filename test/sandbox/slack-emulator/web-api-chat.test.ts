import { readFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  type EmulatorChange,
  type SlackEmulator,
  startSlackEmulator,
  webClientFor,
} from "../../helpers/slack.js";

const FIXTURES = new URL("../../../../shared/fixtures/slack/", import.meta.url);
const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(name, FIXTURES), "utf8"));

const TS = /^\d{10}\.\d{6}$/;
const section = (text: string) => ({ type: "section", text: { type: "mrkdwn", text } });
const divider = () => ({ type: "divider" });

let emulator: SlackEmulator;

beforeEach(async () => {
  emulator = await startSlackEmulator({
    channels: [
      { id: "C0DEPLOYS1", name: "deploys" },
      { id: "C0PRIVATE1", name: "secret", botIsMember: false },
      { id: "C0SMALL001", name: "small", members: ["U0ALICE001"] },
    ],
    users: [
      { id: "U0ALICE001", name: "alice" },
      { id: "U0BOB00001", name: "bob" },
    ],
  });
});

afterEach(async () => {
  await emulator.close();
});

async function rawPost(path: string, body: string, headers: Record<string, string>) {
  const response = await fetch(new URL(path, emulator.baseUrl), { method: "POST", headers, body });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Record<string, unknown>,
  };
}

describe("chat.* through the real WebClient", () => {
  it("posts a message as Slack answers it: channel id, realistic increasing ts, message echo, decoded blocks", async () => {
    const client = webClientFor(emulator);
    const first = await client.chat.postMessage({
      channel: "#deploys",
      text: "card",
      blocks: [section("*api*")],
    });
    const second = await client.chat.postMessage({ channel: "C0DEPLOYS1", text: "again" });
    expect(first).toMatchObject({
      ok: true,
      channel: "C0DEPLOYS1",
      message: { type: "message", text: "card" },
    });
    expect(first.ts).toMatch(TS);
    expect(Number(second.ts)).toBeGreaterThan(Number(first.ts));
    expect(first.message?.bot_id).toBe(emulator.team.botId);
    const call = emulator.callsTo("chat.postMessage")[0]!;
    expect(call).toMatchObject({ contentType: "form", tokenSource: "header", status: 200 });
    expect(call.args.blocks).toEqual([section("*api*")]);
    expect(emulator.messages("C0DEPLOYS1").map((m) => m.text)).toEqual(["card", "again"]);
  });

  it("threads replies under their parent", async () => {
    const client = webClientFor(emulator);
    const parent = await client.chat.postMessage({ channel: "C0DEPLOYS1", text: "card" });
    await client.chat.postMessage({ channel: "C0DEPLOYS1", text: "approved by bob", thread_ts: parent.ts! });
    expect(emulator.messages("C0DEPLOYS1").map((m) => m.text)).toEqual(["card"]);
    expect(emulator.thread("C0DEPLOYS1", parent.ts!).map((m) => m.text)).toEqual(["card", "approved by bob"]);
    expect(emulator.message("C0DEPLOYS1", parent.ts!)?.reply_count).toBe(1);
  });

  it("updates in place, keeping blocks that the update leaves out, and refuses an unknown ts", async () => {
    const client = webClientFor(emulator);
    const posted = await client.chat.postMessage({
      channel: "C0DEPLOYS1",
      text: "v1",
      blocks: [section("one")],
    });
    const updated = await client.chat.update({ channel: "C0DEPLOYS1", ts: posted.ts!, text: "v2" });
    expect(updated).toMatchObject({ ok: true, channel: "C0DEPLOYS1", ts: posted.ts, text: "v2" });
    const stored = emulator.message("C0DEPLOYS1", posted.ts!);
    expect(stored?.text).toBe("v2");
    expect(stored?.blocks?.[0]).toMatchObject(section("one"));
    expect(emulator.messages("C0DEPLOYS1")).toHaveLength(1);
    await expect(
      client.chat.update({ channel: "C0DEPLOYS1", ts: "1.000001", text: "x" }),
    ).rejects.toMatchObject({
      code: "slack_webapi_platform_error",
      data: { ok: false, error: "message_not_found" },
    });
  });

  it("answers channel_not_found, not_in_channel and no_text with HTTP 200 ok:false", async () => {
    const client = webClientFor(emulator);
    for (const [args, error] of [
      [{ channel: "C0NOPE0000", text: "x" }, "channel_not_found"],
      [{ channel: "C0PRIVATE1", text: "x" }, "not_in_channel"],
      [{ channel: "C0DEPLOYS1", text: "" }, "no_text"],
    ] as const) {
      await expect(client.chat.postMessage(args)).rejects.toMatchObject({ data: { ok: false, error } });
    }
    expect(emulator.calls.map((c) => c.status)).toEqual([200, 200, 200]);
  });

  it("refuses invalid blocks with exactly the shapes real Slack sends", async () => {
    const client = webClientFor(emulator);
    const tooMany = Array.from({ length: 51 }, divider);
    await expect(
      client.chat.postMessage({ channel: "C0DEPLOYS1", text: "x", blocks: tooMany }),
    ).rejects.toMatchObject({
      data: fixture("web-api.invalid_blocks.too-many-blocks.field.json"),
    });
    const long = [section("x".repeat(3001))];
    const error = await client.chat
      .postMessage({ channel: "C0DEPLOYS1", text: "x", blocks: long })
      .catch((e) => e);
    expect(error.data).toEqual(fixture("web-api.invalid_blocks.section-too-long.field.json"));
    expect(emulator.messages("C0DEPLOYS1")).toEqual([]);
  });

  it("posts ephemerals only to members and lists them", async () => {
    const client = webClientFor(emulator);
    const sent = await client.chat.postEphemeral({
      channel: "C0SMALL001",
      user: "U0ALICE001",
      text: "only you",
    });
    expect(sent.message_ts).toMatch(TS);
    expect(emulator.ephemerals({ userId: "U0ALICE001" })).toMatchObject([
      { channel: "C0SMALL001", text: "only you" },
    ]);
    await expect(
      client.chat.postEphemeral({ channel: "C0SMALL001", user: "U0BOB00001", text: "x" }),
    ).rejects.toMatchObject({ data: { error: "user_not_in_channel" } });
  });

  it("emits a change event for every state change", async () => {
    const changes: EmulatorChange[] = [];
    emulator.on("change", (change) => changes.push(change));
    const client = webClientFor(emulator);
    const posted = await client.chat.postMessage({ channel: "C0DEPLOYS1", text: "v1" });
    await client.chat.update({ channel: "C0DEPLOYS1", ts: posted.ts!, text: "v2" });
    expect(changes).toEqual([
      { kind: "message_posted", channel: "C0DEPLOYS1", ts: posted.ts },
      { kind: "message_updated", channel: "C0DEPLOYS1", ts: posted.ts },
    ]);
  });
});

describe("tokens and encodings", () => {
  it("answers not_authed without a token and invalid_auth for a wrong one", async () => {
    await expect(webClientFor(emulator, { token: undefined }).auth.test()).rejects.toMatchObject({
      data: { ok: false, error: "not_authed" },
    });
    await expect(webClientFor(emulator, { token: "xoxb-wrong" }).auth.test()).rejects.toMatchObject({
      data: { ok: false, error: "invalid_auth" },
    });
    expect(emulator.messages("C0DEPLOYS1")).toEqual([]);
  });

  it("takes the token as a form field, and JSON bodies only with a Bearer header", async () => {
    const token = emulator.tokens[0]!;
    const form = new URLSearchParams({ token, channel: "C0DEPLOYS1", text: "form" }).toString();
    const formReply = await rawPost("/api/chat.postMessage", form, {
      "content-type": "application/x-www-form-urlencoded",
    });
    expect(formReply.body).toMatchObject({ ok: true, channel: "C0DEPLOYS1" });
    expect(emulator.calls[0]?.tokenSource).toBe("body");

    const json = JSON.stringify({ channel: "C0DEPLOYS1", text: "json", blocks: [section("j")] });
    const jsonType = { "content-type": "application/json; charset=utf-8" };
    const withBearer = await rawPost("/api/chat.postMessage", json, {
      ...jsonType,
      authorization: `Bearer ${token}`,
    });
    expect(withBearer.body).toMatchObject({ ok: true, message: { text: "json" } });
    const tokenInJson = JSON.stringify({ token, channel: "C0DEPLOYS1", text: "json" });
    expect((await rawPost("/api/chat.postMessage", tokenInJson, jsonType)).body).toEqual({
      ok: false,
      error: "not_authed",
    });
    expect(emulator.messages("C0DEPLOYS1").map((m) => m.text)).toEqual(["form", "json"]);
  });

  it("answers unknown methods and undecodable blocks like Slack", async () => {
    const client = webClientFor(emulator);
    await expect(client.apiCall("chat.teleport", {})).rejects.toMatchObject({
      data: { error: "unknown_method" },
    });
    const token = emulator.tokens[0]!;
    const broken = new URLSearchParams({ token, channel: "C0DEPLOYS1", blocks: "[{" }).toString();
    const reply = await rawPost("/api/chat.postMessage", broken, {
      "content-type": "application/x-www-form-urlencoded",
    });
    expect(reply.body).toEqual({ ok: false, error: "invalid_blocks_format" });
  });
});

describe("faults on demand", () => {
  it("answers 429 with Retry-After for the configured time, and WebClient waits and retries", async () => {
    emulator.rateLimit("chat.postMessage", { seconds: 1, retryAfter: 1 });
    const raw = await rawPost("/api/chat.postMessage", "", {});
    expect(raw.status).toBe(429);
    expect(raw.headers.get("retry-after")).toBe("1");
    expect(raw.body).toEqual({ ok: false, error: "ratelimited" });

    const client = webClientFor(emulator, { retryConfig: { retries: 3, minTimeout: 10, maxTimeout: 20 } });
    const started = Date.now();
    const posted = await client.chat.postMessage({ channel: "C0DEPLOYS1", text: "eventually" });
    expect(posted.ok).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(emulator.callsTo("chat.postMessage").map((c) => c.status)).toContain(429);
    expect(emulator.callsTo("chat.postMessage").at(-1)?.status).toBe(200);
    expect(emulator.messages("C0DEPLOYS1")).toHaveLength(1);
  });

  it("hands the Retry-After to clients that reject rate-limited calls", async () => {
    emulator.rateLimit("*", { seconds: 30 });
    const client = webClientFor(emulator, { rejectRateLimitedCalls: true });
    await expect(client.auth.test()).rejects.toMatchObject({
      code: "slack_webapi_rate_limited_error",
      retryAfter: 30,
    });
  });

  it("scripts ok:false errors for a number of calls", async () => {
    emulator.fail("chat.postMessage", "fatal_error", { times: 2 });
    const client = webClientFor(emulator);
    for (let i = 0; i < 2; i += 1) {
      await expect(client.chat.postMessage({ channel: "C0DEPLOYS1", text: "x" })).rejects.toMatchObject({
        data: { error: "fatal_error" },
      });
    }
    expect((await client.chat.postMessage({ channel: "C0DEPLOYS1", text: "x" })).ok).toBe(true);
  });

  it("answers 5xx for a number of calls; WebClient retries through it", async () => {
    emulator.serverError("chat.postMessage", 503, 1);
    await expect(
      webClientFor(emulator).chat.postMessage({ channel: "C0DEPLOYS1", text: "x" }),
    ).rejects.toMatchObject({
      code: "slack_webapi_http_error",
      statusCode: 503,
    });
    emulator.serverError("chat.postMessage", 500, 2);
    const client = webClientFor(emulator, { retryConfig: { retries: 3, minTimeout: 5, maxTimeout: 10 } });
    expect((await client.chat.postMessage({ channel: "C0DEPLOYS1", text: "x" })).ok).toBe(true);
    expect(emulator.callsTo("chat.postMessage").map((c) => c.status)).toEqual([503, 500, 500, 200]);
  });

  it("slows every call down on demand, and back", async () => {
    const client = webClientFor(emulator);
    emulator.delay(300);
    let started = Date.now();
    await client.auth.test();
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    emulator.delay(0);
    started = Date.now();
    await client.auth.test();
    expect(Date.now() - started).toBeLessThan(250);
  });
});

describe("response_url endpoints", () => {
  it("posts ephemeral and in_channel responses, replaces the original, and stops after 5 uses", async () => {
    const client = webClientFor(emulator);
    const card = await client.chat.postMessage({ channel: "C0DEPLOYS1", text: "card" });
    const url = emulator.createResponseUrl({
      channel: "C0DEPLOYS1",
      userId: "U0ALICE001",
      messageTs: card.ts!,
    });
    expect(url.startsWith(emulator.baseUrl)).toBe(true);
    const post = async (body: unknown) => {
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      return { status: response.status, body: await response.json() };
    };
    expect(await post({ text: "just you" })).toEqual({ status: 200, body: { ok: true } });
    expect(await post({ response_type: "in_channel", text: "everyone" })).toMatchObject({ status: 200 });
    expect(await post({ replace_original: true, text: "card v2" })).toMatchObject({ status: 200 });
    expect(await post({ text: "x", blocks: Array.from({ length: 51 }, divider) })).toMatchObject({
      status: 400,
      body: { error: "invalid_blocks" },
    });
    expect(await post({ text: "fifth" })).toMatchObject({ status: 200 });
    expect(await post({ text: "sixth" })).toEqual({ status: 404, body: { ok: false, error: "used_url" } });

    expect(emulator.ephemerals({ userId: "U0ALICE001" }).map((e) => e.text)).toEqual(["just you", "fifth"]);
    expect(emulator.messages("C0DEPLOYS1").map((m) => m.text)).toEqual(["card v2", "everyone"]);
    expect(emulator.responseUrlPosts.map((p) => p.status)).toEqual([200, 200, 200, 400, 200, 404]);
  });
});

describe("message metadata and conversations.history", () => {
  it("keeps a post's metadata and shows it in history only when asked, newest first, in pages", async () => {
    const client = webClientFor(emulator);
    const metadata = { event_type: "tollgate_card", event_payload: { card: "sha256:abc|prod" } };
    const first = await client.chat.postMessage({ channel: "C0DEPLOYS1", text: "card", metadata });
    await client.chat.postMessage({ channel: "C0DEPLOYS1", text: "reply", thread_ts: first.ts as string });
    const second = await client.chat.postMessage({ channel: "C0DEPLOYS1", text: "later" });

    const plain = await client.conversations.history({ channel: "C0DEPLOYS1" });
    expect(plain.messages?.map((m) => m.text)).toEqual(["later", "card"]);
    expect(plain.messages?.[1]?.metadata).toBeUndefined();

    const full = await client.conversations.history({ channel: "C0DEPLOYS1", include_all_metadata: true });
    expect(full.messages?.[1]?.metadata).toEqual(metadata);

    const page = await client.conversations.history({ channel: "C0DEPLOYS1", limit: 1 });
    expect(page.messages?.map((m) => m.text)).toEqual(["later"]);
    expect(page.has_more).toBe(true);
    const next = await client.conversations.history({
      channel: "C0DEPLOYS1",
      limit: 1,
      cursor: page.response_metadata?.next_cursor as string,
    });
    expect(next.messages?.map((m) => m.text)).toEqual(["card"]);
    expect(next.has_more).toBe(false);

    const since = await client.conversations.history({ channel: "C0DEPLOYS1", oldest: first.ts as string });
    expect(since.messages?.map((m) => m.ts)).toEqual([second.ts]);
  });

  it("refuses malformed metadata, and history of a channel the bot is not in", async () => {
    const client = webClientFor(emulator);
    await expect(
      client.chat.postMessage({
        channel: "C0DEPLOYS1",
        text: "x",
        metadata: { event_type: "t" } as unknown as {
          event_type: string;
          event_payload: Record<string, string>;
        },
      }),
    ).rejects.toMatchObject({ data: { error: "invalid_metadata_format" } });
    await expect(client.conversations.history({ channel: "C0PRIVATE1" })).rejects.toMatchObject({
      data: { error: "not_in_channel" },
    });
  });
});
