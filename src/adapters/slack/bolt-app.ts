/**
 * The Bolt app. HTTP mode serves Slack on our own port: Bolt's HTTPReceiver is never started, its
 * `requestListener` is mounted at `/slack/events` by the HTTP server (it verifies the v0
 * signature and timestamp itself and answers 401). Socket Mode is used when an app token is set.
 * Every Web API client honours SLACK_API_URL.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { App, HTTPReceiver, LogLevel, SocketModeReceiver, webApi } from "@slack/bolt";
import type { Config } from "../../config.js";
import { pooledFetch } from "../http/pooled-fetch.js";
import type { Logger } from "../log.js";

export type BoltApp = InstanceType<typeof App>;
export type WebClient = InstanceType<typeof webApi.WebClient>;

export const SLACK_EVENTS_PATH = "/slack/events";

/** Slack's replay window for `X-Slack-Request-Timestamp`, in either direction. */
const SLACK_TIMESTAMP_TOLERANCE_SECONDS = 5 * 60;

export interface BotIdentity {
  botUserId?: string | undefined;
  botId?: string | undefined;
}

export interface SlackAppOptions {
  config: Pick<Config, "slack" | "mode">;
  logger: Logger;
  /** Filled in the background by auth.test; no request waits for it. */
  identity?: BotIdentity;
}

export interface SlackApp {
  app: BoltApp;
  mode: "http" | "socket";
  /** HTTP mode: the handler for POST /slack/events (undefined in Socket Mode). */
  requestListener?: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Socket Mode: why Slack cannot reach us right now (not connected yet, or lost), or undefined. */
  connectionProblem?(): string | undefined;
}

/**
 * Bolt's Logger interface on top of our pino logger.
 * NOTE: `library`, not `component`: the logger it is given is already the `component: "slack"`
 * child, and pino writes a child's bindings after its parent's without merging them, so a second
 * `component` made every Bolt line carry the key twice (invalid for strict JSON readers).
 */
function boltLogger(logger: Logger) {
  const child = logger.child({ library: "bolt" });
  let level = LogLevel.INFO;
  return {
    debug: (...msg: unknown[]) => child.debug(msg.map(String).join(" ")),
    info: (...msg: unknown[]) => child.info(msg.map(String).join(" ")),
    warn: (...msg: unknown[]) => child.warn(msg.map(String).join(" ")),
    error: (...msg: unknown[]) => child.error(msg.map(String).join(" ")),
    setLevel: (l: typeof level) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}

export function createSlackApp(options: SlackAppOptions): SlackApp {
  const { config } = options;
  const token = config.slack.botToken;
  if (!token) throw new Error("createSlackApp needs a bot token (sandbox mode passes the emulator's)");
  const logger = boltLogger(options.logger);
  const identity = options.identity ?? {};
  // Bolt's WebClient and its response_url replies share the pooled fetch (pooled-fetch.ts says why).
  // `convoStore: false` below: no listener reads `context.conversation`, and every event paid for it.
  const clientOptions = { slackApiUrl: config.slack.apiUrl, fetch: pooledFetch() };
  // NOTE: our own authorize skips Bolt's auth.test on the request path, so a slow Slack API can
  // never delay an ack; the bot's ids arrive from a background auth.test.
  const authorize = async () => ({
    botToken: token,
    ...(identity.botUserId ? { botUserId: identity.botUserId } : {}),
    ...(identity.botId ? { botId: identity.botId } : {}),
  });
  if (config.slack.appToken) {
    const receiver = new SocketModeReceiver({
      appToken: config.slack.appToken,
      logger,
      // A copy: SocketModeClient writes retryConfig {retries: 100} into the object it is given.
      installerOptions: { clientOptions: { ...clientOptions } },
    });
    const app = new App({ receiver, authorize, logger, clientOptions, convoStore: false });
    let connected = false;
    let started: Promise<unknown> | undefined;
    let lastError: string | undefined;
    receiver.client.on("connected", () => {
      connected = true;
      lastError = undefined;
    });
    receiver.client.on("disconnected", () => {
      connected = false;
    });
    return {
      app,
      mode: "socket",
      // NOTE: not awaited. With Slack unreachable the client retries for as long as it takes, and
      // the API, the schedules and a SIGTERM must not wait for it: evidence is still taken, and
      // /readyz says Slack is not connected, as in HTTP mode when Slack cannot be reached.
      start: async () => {
        started = app.start().catch((error: unknown) => {
          lastError = (error as { data?: { error?: string } }).data?.error ?? (error as Error).message;
          logger.error(`Socket Mode could not connect: ${lastError}`);
        });
      },
      stop: async () => {
        // app.stop() does not wait for the WebSocket to close; disconnect() resolves once it has
        // (at once when none was opened) and ends the reconnection attempts.
        await receiver.client.disconnect();
        await Promise.race([started, new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
      },
      connectionProblem: () =>
        connected ? undefined : `Socket Mode not connected${lastError ? ` (${lastError})` : " yet"}`,
    };
  }
  const signingSecret = config.slack.signingSecret;
  if (!signingSecret) throw new Error("HTTP mode needs SLACK_SIGNING_SECRET");
  const receiver = new HTTPReceiver({ signingSecret, logger, endpoints: SLACK_EVENTS_PATH });
  const app = new App({ receiver, authorize, logger, clientOptions, convoStore: false });
  return {
    app,
    mode: "http",
    requestListener: (req, res) => {
      // The HTTP server may mount us under a prefix and strip it; Bolt routes on the exact path.
      const query = req.url?.includes("?") ? req.url.slice(req.url.indexOf("?")) : "";
      req.url = `${SLACK_EVENTS_PATH}${query}`;
      if (req.method !== "POST") {
        res.writeHead(405, { allow: "POST", "content-type": "application/json" });
        res.end(JSON.stringify({ error: "method_not_allowed" }));
        return;
      }
      // NOTE: Bolt refuses timestamps older than 5 minutes but not newer ones; Slack's rule is a
      // window either way, or a request signed with a clock far ahead could be replayed for long.
      const sent = Number(req.headers["x-slack-request-timestamp"]);
      if (Number.isFinite(sent) && sent - Date.now() / 1000 > SLACK_TIMESTAMP_TOLERANCE_SECONDS) {
        res.writeHead(401, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: "unauthorized" }));
        return;
      }
      receiver.requestListener(req, res);
    },
    start: async () => undefined,
    stop: async () => undefined,
  };
}

/**
 * The client the outbox uses: same API URL, but no retries of its own and 429s rejected at once,
 * so the durable outbox decides when to try again (and survives a restart while waiting).
 */
export function createOutboxClient(
  config: Pick<Config, "slack">,
  logger: Logger,
  timeoutMs = 10_000,
): WebClient {
  return new webApi.WebClient(config.slack.botToken, {
    slackApiUrl: config.slack.apiUrl,
    fetch: pooledFetch(),
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: timeoutMs,
    logger: boltLogger(logger),
  });
}
