/**
 * The real app in Socket Mode (SLACK_APP_TOKEN set) against the emulator's Socket Mode side:
 * connects through SLACK_API_URL, takes commands, clicks and events as envelopes, posts cards
 * through the Web API, survives a connection refresh, and stops without leaving a socket or timer.
 */
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ACTION_IDS } from "../../../src/adapters/slack/ids.js";
import type { SlackModule } from "../../../src/adapters/slack/slack-module.js";
import { type App, createApp } from "../../../src/app.js";
import { loadConfig } from "../../../src/config.js";
import { productModules } from "../../../src/modules/index.js";
import { postSigned } from "../../helpers/api-client.js";
import {
  DEFAULT_APP_TOKEN,
  DEFAULT_BOT_TOKEN,
  type SlackEmulator,
  startSlackEmulator,
  validateView,
} from "../../helpers/slack.js";
import { REPO_ROOT } from "../../helpers/test-app.js";

const WEBHOOK_SECRET = "socket-mode-webhook-secret-0123456789";
const DEV = { id: "C0TGDEV001", name: "dev" };
const ALICE = { id: "U0ALICE", name: "alice" };
const DIGEST = `sha256:${"5".repeat(64)}`;

let emulator: SlackEmulator;
let app: App;
let slack: SlackModule;
let baseUrl: string;
let dir: string;
let baseline: Map<string, number>;

async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Handles and timers alive in this process, by kind (what would keep it from exiting). */
function activeResources(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const kind of process.getActiveResourcesInfo()) counts.set(kind, (counts.get(kind) ?? 0) + 1);
  return counts;
}

function leftover(): string[] {
  const now = activeResources();
  return [...now].filter(([kind, n]) => n > (baseline.get(kind) ?? 0)).map(([kind, n]) => `${kind}×${n}`);
}

beforeAll(async () => {
  baseline = activeResources();
  emulator = await startSlackEmulator({
    channels: [DEV, { id: "C0TGSTAGE01", name: "staging" }, { id: "C0TGPROD01", name: "prod" }],
    users: [ALICE],
  });
  dir = mkdtempSync(join(tmpdir(), "tollgate-socket-"));
  cpSync(join(REPO_ROOT, "contracts"), join(dir, "contracts"), { recursive: true });
  const config = loadConfig({
    SLACK_BOT_TOKEN: DEFAULT_BOT_TOKEN,
    SLACK_APP_TOKEN: DEFAULT_APP_TOKEN,
    SLACK_API_URL: emulator.apiUrl,
    TOLLGATE_WEBHOOK_SECRETS: WEBHOOK_SECRET,
    DATABASE_URL: join(dir, "tollgate.db"),
    CONTRACTS_DIR: join(dir, "contracts"),
    PORT: "0",
    HOST: "127.0.0.1",
    LOG_LEVEL: "silent",
  });
  expect(config.mode).toBe("socket");
  const modules = productModules({
    env: {},
    slack: {
      coalesce: { quietMs: 100, maxWaitMs: 1000 },
      outbox: { backoffBaseMs: 50, backoffMaxMs: 500 },
      onCreated: (created) => {
        slack = created;
      },
    },
  });
  app = await createApp(config, { modules, drainMs: 1000 });
  baseUrl = `http://127.0.0.1:${(await app.listen()).port}`;
  // The socket connects in the background (the API does not wait for Slack); /readyz says when.
  await until(() => emulator.socketMode.openConnections === 1 && slack.health().ok);
});

afterAll(async () => {
  await app?.stop();
  await emulator?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("the app in Socket Mode", () => {
  it("connects over a WebSocket opened through SLACK_API_URL with the app-level token", () => {
    expect(slack.mode).toBe("socket");
    const [open, ...more] = emulator.callsTo("apps.connections.open");
    expect(more).toEqual([]);
    expect(open).toMatchObject({ token: DEFAULT_APP_TOKEN, tokenSource: "header", response: { ok: true } });
    expect(emulator.socketMode.openConnections).toBe(1);
  });

  it("does not serve /slack/events: Slack sends nothing over HTTP in Socket Mode", async () => {
    const response = await fetch(`${baseUrl}/slack/events`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "command=%2Fpromote&text=help",
    });
    expect(response.status).toBe(404);
  });

  it("acks /promote help over the socket and answers through the response_url", async () => {
    const delivery = await emulator.socketMode.slashCommand({
      user: ALICE,
      channel: DEV,
      command: "/promote",
      text: "help",
    });
    expect(delivery.ack).toEqual({});
    expect(delivery.ackMs).toBeLessThan(3000);
    await until(() => emulator.responseUrlPosts.some((p) => delivery.responseUrl?.endsWith(p.url)));
    const reply = emulator.responseUrlPosts.find((p) => delivery.responseUrl?.endsWith(p.url));
    expect(reply?.body.response_type).toBe("ephemeral");
    expect(JSON.stringify(reply?.body)).toContain("/promote status <artifact>");
  });

  it("posts a readiness card through the Web API with the bot token when evidence arrives", async () => {
    const evidence = {
      artifact: { name: "socket-svc", digest: DIGEST, version: "1.2.3" },
      kind: "test",
      name: "unit",
      status: "passed",
    };
    const posted = await postSigned(baseUrl, "/api/v1/evidence", evidence, { secret: WEBHOOK_SECRET });
    expect(posted.status).toBeLessThan(300);
    await until(() => emulator.messages(DEV.id).length === 1 && slack.health().pending === 0);
    const card = emulator.messages(DEV.id)[0];
    expect(JSON.stringify(card?.blocks)).toContain("socket-svc");
    const posts = emulator.callsTo("chat.postMessage");
    expect(posts.every((call) => call.token === DEFAULT_BOT_TOKEN)).toBe(true);
  });

  it("opens the Details modal with views.open when the card's button is clicked", async () => {
    const card = emulator.messages(DEV.id)[0];
    if (card === undefined) throw new Error("no card");
    const click = await emulator.socketMode.clickInMessage({
      user: ALICE,
      channel: DEV,
      messageTs: card.ts,
      actionId: ACTION_IDS.readinessDetails,
    });
    expect(click.ack).toEqual({});
    await until(() => emulator.openModals(ALICE.id).length === 1);
    const [opened] = emulator.callsTo("views.open");
    expect(opened?.args.trigger_id).toBe(click.triggerId);
    const modal = emulator.openModals(ALICE.id)[0];
    expect(modal && validateView(modal)).toEqual([]);
    expect(JSON.stringify(modal?.blocks)).toContain("unit");
  });

  it("publishes App Home on app_home_opened", async () => {
    const delivery = await emulator.socketMode.appHomeOpened({ user: ALICE });
    expect(delivery.ack).toEqual({});
    await until(() => emulator.homeView(ALICE.id) !== undefined);
    expect(emulator.callsTo("views.publish")[0]?.args.user_id).toBe(ALICE.id);
    expect(JSON.stringify(emulator.homeView(ALICE.id)?.blocks)).toContain("socket-svc");
  });

  it("reconnects when Slack refreshes the connection, and keeps answering", async () => {
    expect(emulator.socketMode.disconnect("refresh_requested")).toBe(1);
    await until(
      () => emulator.socketMode.connectionLog.length === 2 && emulator.socketMode.openConnections === 1,
    );
    expect(emulator.socketMode.connectionLog[0]?.close).toMatchObject({ code: 1000, by: "client" });
    expect(emulator.callsTo("apps.connections.open")).toHaveLength(2);
    const delivery = await emulator.socketMode.slashCommand({
      user: ALICE,
      channel: DEV,
      command: "/promote",
      text: "status socket-svc",
    });
    expect(delivery.ack).toEqual({});
    await until(() => emulator.responseUrlPosts.some((p) => delivery.responseUrl?.endsWith(p.url)));
  }, 20_000);

  it("stops cleanly: closes the socket, does not reconnect, leaves no handle or timer behind", async () => {
    const opens = emulator.callsTo("apps.connections.open").length;
    await app.stop();
    // stop() resolves only after the closing handshake: nothing can arrive once the database is closed.
    expect(emulator.socketMode.openConnections).toBe(0);
    expect(emulator.socketMode.connectionLog.at(-1)?.close).toMatchObject({ code: 1000, by: "client" });
    await emulator.close();
    // Whatever is still alive beyond what this process had before the test would keep it running.
    await until(() => leftover().length === 0, 2000).catch(() => undefined);
    expect(leftover()).toEqual([]);
    expect(emulator.callsTo("apps.connections.open")).toHaveLength(opens);
  }, 20_000);
});
