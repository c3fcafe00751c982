import { request } from "node:http";
import { SocketModeReceiver } from "@slack/bolt";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  DEFAULT_APP_TOKEN,
  DEFAULT_BOT_TOKEN,
  type SlackEmulator,
  silentLogger,
  startSlackEmulator,
  webClientFor,
} from "../../helpers/slack.js";

type Client = SocketModeReceiver["client"];
type Handler = (event: { ack(payload?: object): Promise<void>; body: Record<string, unknown> }) => unknown;

let emulator: SlackEmulator;
let clients: Client[];

beforeEach(async () => {
  emulator = await startSlackEmulator({ socketMode: { ackTimeoutMs: 300, disconnectGraceMs: 2000 } });
  clients = [];
});

afterEach(async () => {
  await Promise.all(clients.map((c) => c.disconnect()));
  await emulator.close();
});

/** The real @slack/socket-mode client Bolt uses, via Bolt's receiver; fast pings and reconnects. */
function socketClient(appToken = DEFAULT_APP_TOKEN): Client {
  const receiver = new SocketModeReceiver({
    appToken,
    logger: silentLogger,
    clientPingTimeout: 300,
    installerOptions: { clientOptions: { slackApiUrl: emulator.apiUrl, retryConfig: { retries: 0 } } },
  });
  clients.push(receiver.client);
  return receiver.client;
}

async function until(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe("apps.connections.open", () => {
  it("answers a one-time ws:// URL for an app-level token in the Authorization header", async () => {
    const app = webClientFor(emulator, { token: DEFAULT_APP_TOKEN });
    const opened = await app.apps.connections.open();
    const port = new URL(emulator.apiUrl).port;
    expect(opened.url).toMatch(
      new RegExp(`^ws://127\\.0\\.0\\.1:${port}/link/\\?ticket=[0-9a-f-]{36}&app_id=A0TOLLGATE$`),
    );
    expect(emulator.callsTo("apps.connections.open")[0]?.tokenSource).toBe("header");
  });

  it("refuses bot tokens there, app tokens elsewhere, and unknown app tokens", async () => {
    const asBot = webClientFor(emulator);
    await expect(asBot.apps.connections.open()).rejects.toMatchObject({
      data: { error: "not_allowed_token_type" },
    });
    const asApp = webClientFor(emulator, { token: DEFAULT_APP_TOKEN });
    await expect(asApp.auth.test()).rejects.toMatchObject({ data: { error: "not_allowed_token_type" } });
    const unknown = webClientFor(emulator, { token: "xapp-1-A0OTHER-1-nope" });
    await expect(unknown.apps.connections.open()).rejects.toMatchObject({ data: { error: "invalid_auth" } });
    const form = await fetch(`${emulator.apiUrl}apps.connections.open`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: `token=${DEFAULT_APP_TOKEN}`,
    });
    expect(await form.json()).toEqual({ ok: false, error: "invalid_auth" });
    expect(await webClientFor(emulator, { token: DEFAULT_BOT_TOKEN }).auth.test()).toMatchObject({
      ok: true,
    });
  });

  it("accepts each ticket once and refuses other paths", async () => {
    const { url } = await webClientFor(emulator, { token: DEFAULT_APP_TOKEN }).apps.connections.open();
    expect(await upgradeStatus(String(url))).toBe(101);
    expect(await upgradeStatus(String(url))).toBe(401);
    await until(() => emulator.socketMode.openConnections === 0);
    expect(emulator.socketMode.connectionLog[0]?.close?.by).toBe("network");
    expect(await upgradeStatus(`${emulator.baseUrl.replace("http", "ws")}/elsewhere`)).toBe(404);
  });
});

describe("the WebSocket conversation with @slack/socket-mode", () => {
  it("says hello with the app id and the number of connections", async () => {
    const client = socketClient();
    const messages: string[] = [];
    client.on("ws_message", (data: ArrayBuffer | string) =>
      messages.push(typeof data === "string" ? data : new TextDecoder().decode(data)),
    );
    await client.start();
    const hello = JSON.parse(messages[0] ?? "{}");
    expect(hello).toMatchObject({
      type: "hello",
      num_connections: 1,
      connection_info: { app_id: "A0TOLLGATE" },
    });
    expect(hello.debug_info.approximate_connection_time).toBeGreaterThan(0);
    expect(emulator.socketMode.openConnections).toBe(1);
  });

  it("delivers envelopes of each type and resolves with the ack's payload", async () => {
    const client = socketClient();
    const seen: Record<string, unknown>[] = [];
    const record: Handler = async ({ ack, body }) => {
      seen.push(body);
      await ack(
        body.command ? { response_type: "ephemeral", text: `ran ${String(body.command)}` } : undefined,
      );
    };
    client.on("slash_commands", record);
    client.on("interactive", record);
    client.on(
      "slack_event",
      (event: { type: string; accepts_response_payload: boolean; retry_num?: number }) => {
        seen.push({
          envelope: event.type,
          accepts: event.accepts_response_payload,
          retry: event.retry_num ?? -1,
        });
      },
    );
    client.on("app_home_opened", record);
    await client.start();
    const command = await emulator.socketMode.send("slash_commands", { command: "/promote", text: "help" });
    expect(command).toEqual({ response_type: "ephemeral", text: "ran /promote" });
    expect(await emulator.socketMode.send("interactive", { type: "block_actions", actions: [] })).toEqual({});
    const event = { type: "event_callback", event: { type: "app_home_opened", user: "U1", tab: "home" } };
    expect(await emulator.socketMode.send("events_api", event)).toEqual({});
    expect(seen).toContainEqual({ envelope: "slash_commands", accepts: true, retry: -1 });
    expect(seen).toContainEqual({ envelope: "interactive", accepts: false, retry: -1 });
    expect(seen).toContainEqual({ envelope: "events_api", accepts: false, retry: 0 });
    expect(emulator.socketMode.envelopes.map((e) => e.outcome)).toEqual(["acked", "acked", "acked"]);
  });

  it("carries large envelopes and acks both ways (64-bit frame lengths)", async () => {
    const client = socketClient();
    client.on("slash_commands", (async ({ ack, body }) =>
      ack({ text: String(body.text).toUpperCase() })) as Handler);
    await client.start();
    const text = "x".repeat(100_000);
    expect(await emulator.socketMode.send("slash_commands", { text })).toEqual({ text: text.toUpperCase() });
  });

  it("rejects when the app does not ack in time", async () => {
    const client = socketClient();
    client.on("slash_commands", () => undefined);
    await client.start();
    await expect(emulator.socketMode.send("slash_commands", { text: "" })).rejects.toMatchObject({
      code: "ack_timeout",
    });
    expect(emulator.socketMode.envelopes[0]?.outcome).toBe("timed_out");
  });

  it("answers the client's pings, so a quiet connection stays up", async () => {
    const client = socketClient();
    await client.start();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(emulator.socketMode.connectionLog).toHaveLength(1);
    expect(emulator.socketMode.openConnections).toBe(1);
  });

  it("recycles a connection with disconnect: the app reconnects through apps.connections.open", async () => {
    const client = socketClient();
    client.on("slash_commands", (async ({ ack }) => ack({ text: "still here" })) as Handler);
    await client.start();
    expect(emulator.socketMode.disconnect("warning")).toBe(1);
    expect(emulator.socketMode.disconnect("refresh_requested")).toBe(1);
    await until(
      () => emulator.socketMode.connectionLog.length === 2 && emulator.socketMode.openConnections === 1,
    );
    const [first] = emulator.socketMode.connectionLog;
    expect(first?.disconnects).toEqual(["warning", "refresh_requested"]);
    expect(first?.close).toMatchObject({ code: 1000, by: "client" });
    expect(emulator.callsTo("apps.connections.open")).toHaveLength(2);
    expect(await emulator.socketMode.send("slash_commands", { text: "" })).toEqual({ text: "still here" });
    expect(emulator.socketMode.envelopes[0]?.connectionId).toBe("WS2");
  });

  it("waits for the app to come back when no connection is open", async () => {
    const client = socketClient();
    client.on("slash_commands", (async ({ ack }) => ack({ text: "late" })) as Handler);
    const sent = emulator.socketMode.send("slash_commands", { text: "" });
    await client.start();
    expect(await sent).toEqual({ text: "late" });
  });

  it("sees the app's close handshake when it disconnects", async () => {
    const client = socketClient();
    await client.start();
    await client.disconnect();
    await until(() => emulator.socketMode.openConnections === 0);
    expect(emulator.socketMode.connectionLog[0]?.close).toMatchObject({ code: 1000, by: "client" });
  });
});

/** The HTTP status an upgrade request to `wsUrl` gets (101 when accepted). */
function upgradeStatus(wsUrl: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(wsUrl.replace(/^ws/, "http"), {
      headers: {
        connection: "Upgrade",
        upgrade: "websocket",
        "sec-websocket-version": "13",
        "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==",
      },
    });
    req.on("upgrade", (res, socket) => {
      socket.destroy();
      resolve(res.statusCode ?? 0);
    });
    req.on("response", (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", reject);
    req.end();
  });
}

describe("user actions over the socket (the HTTP signer's helpers, as envelopes)", () => {
  const ALICE = { id: "U0ALICE001", name: "alice" };
  const modal = {
    type: "modal",
    callback_id: "approve",
    title: { type: "plain_text", text: "Approve" },
    submit: { type: "plain_text", text: "Approve" },
    blocks: [
      {
        type: "actions",
        block_id: "b1",
        elements: [
          { type: "button", action_id: "more", text: { type: "plain_text", text: "More" }, value: "m" },
        ],
      },
    ],
  };

  beforeEach(async () => {
    await emulator.close();
    emulator = await startSlackEmulator({
      users: [ALICE],
      channels: [{ id: "C0DEPLOYS1", name: "deploys" }],
    });
  });

  it("sends a slash command as an object of Slack's form fields with a working response_url", async () => {
    const client = socketClient();
    let body: Record<string, unknown> = {};
    client.on("slash_commands", (async (event) => {
      body = event.body;
      await event.ack();
    }) as Handler);
    await client.start();
    const delivery = await emulator.socketMode.slashCommand({
      user: ALICE,
      channel: { id: "C0DEPLOYS1", name: "deploys" },
      command: "/promote",
      text: "help",
    });
    expect(body).toMatchObject({
      command: "/promote",
      text: "help",
      user_id: ALICE.id,
      channel_id: "C0DEPLOYS1",
    });
    expect(body.response_url).toBe(delivery.responseUrl);
    expect(body.trigger_id).toBe(delivery.triggerId);
    const reply = await fetch(String(delivery.responseUrl), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ text: "usage" }),
    });
    expect(reply.status).toBe(200);
    expect(emulator.ephemerals({ userId: ALICE.id })[0]).toMatchObject({
      text: "usage",
      source: "response_url",
    });
  });

  it("clicks inside a modal and applies a view_submission ack's response_action", async () => {
    const bot = webClientFor(emulator);
    const opened = await bot.views.open({
      trigger_id: emulator.mintTriggerId(ALICE.id),
      view: modal as never,
    });
    const viewId = String(opened.view?.id);
    const client = socketClient();
    const bodies: Record<string, unknown>[] = [];
    client.on("interactive", (async (event) => {
      bodies.push(event.body);
      const errors = { response_action: "errors", errors: { b1: "not yet" } };
      await event.ack(event.body.type === "view_submission" ? errors : undefined);
    }) as Handler);
    await client.start();
    const click = await emulator.socketMode.clickInView({ user: ALICE, viewId, actionId: "more" });
    expect(click.ack).toEqual({});
    expect(bodies[0]).toMatchObject({ type: "block_actions", container: { type: "view", view_id: viewId } });
    const submitted = await emulator.socketMode.submitView({ user: ALICE, viewId });
    expect(submitted.viewOutcome).toEqual({ outcome: "errors", errors: { b1: "not yet" } });
    expect(emulator.socketMode.envelopes.at(-1)?.payload.type).toBe("view_submission");
  });
});
