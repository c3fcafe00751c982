/**
 * A local Slack Web API: `POST /api/<method>` answered the way slack.com answers, plus response_url
 * endpoints. Tests point @slack/web-api at `apiUrl` (SLACK_API_URL); sandbox mode embeds it and
 * renders its state. Every call is recorded; "change" events announce new state for live views.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { EmulatorClock } from "./emulator-clock.js";
import { FaultInjector } from "./fault-injection.js";
import type { MethodHandler } from "./method-context.js";
import { chatMethods } from "./methods-chat.js";
import { directoryMethods } from "./methods-directory.js";
import { viewMethods } from "./methods-views.js";
import { parseApiRequest, readBody } from "./parse-api-request.js";
import { SlackWorkspace } from "./slack-workspace.js";
import { SocketMode } from "./socket-mode.js";
import { TriggerRegistry } from "./trigger-registry.js";
import type { ApiReply, JsonObject, RecordedCall, SlackEmulatorOptions, TeamIdentity } from "./types.js";
import { WorkspaceState } from "./workspace-state.js";

export const DEFAULT_BOT_TOKEN = "xoxb-sandbox-token";

export const DEFAULT_TEAM: TeamIdentity = {
  teamId: "T0SANDBOX1",
  teamName: "Tollgate Sandbox",
  teamDomain: "tollgate-sandbox",
  botUserId: "U0TOLLGATE",
  botId: "B0TOLLGATE",
  appId: "A0TOLLGATE",
};

const METHODS: Record<string, MethodHandler> = { ...chatMethods, ...directoryMethods, ...viewMethods };

export class SlackEmulator extends SlackWorkspace {
  readonly tokens: readonly string[];
  /** Slack's Socket Mode side: apps.connections.open, the WebSocket, envelopes and acks. */
  readonly socketMode: SocketMode;
  private readonly recorded: RecordedCall[] = [];
  private readonly faults: FaultInjector;
  private readonly clock = new EmulatorClock();
  private readonly maxBodyBytes: number;
  private origin = "";

  constructor(
    private readonly server: Server,
    options: SlackEmulatorOptions,
  ) {
    const now = options.now ?? Date.now;
    const team = { ...DEFAULT_TEAM, ...options.team };
    const state = new WorkspaceState(team, now);
    const triggers = new TriggerRegistry(options.triggerTtlMs ?? 3000, now, "47445629121");
    super(state, triggers, now);
    this.tokens = options.tokens ?? [DEFAULT_BOT_TOKEN];
    this.faults = new FaultInjector(now);
    this.maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
    state.setChannels(options.channels ?? []);
    state.setUsers(options.users ?? []);
    state.setUserGroups(options.userGroups ?? {});
    server.on("request", (req, res) => void this.route(req, res));
    this.socketMode = new SocketMode(
      { team: () => this.team, origin: () => this.origin, now },
      options.socketMode,
    );
    this.socketMode.attach(this);
    server.on("upgrade", (req, socket, head) => this.socketMode.handleUpgrade(req, socket, head));
  }

  /** Base for SLACK_API_URL / WebClient's `slackApiUrl`, ending in "/api/". */
  get apiUrl(): string {
    return `${this.origin}/api/`;
  }

  get baseUrl(): string {
    return this.origin;
  }

  get calls(): readonly RecordedCall[] {
    return this.recorded;
  }

  callsTo(method: string): RecordedCall[] {
    return this.recorded.filter((call) => call.method === method);
  }

  clearCalls(): void {
    this.recorded.length = 0;
  }

  /** HTTP 429 with `Retry-After` for `seconds` (retryAfter defaults to the time left). */
  rateLimit(method: string, options: { seconds: number; retryAfter?: number }): void {
    this.faults.rateLimit(method, options);
  }

  /** The next `times` calls (default 1) answer `{ok:false, error, ...extra}`. */
  fail(method: string, error: string, options: { times?: number; extra?: JsonObject } = {}): void {
    this.faults.fail(method, error, options);
  }

  /** The next `times` calls answer HTTP `status` (a Slack outage). */
  serverError(method: string, status = 500, times = 1): void {
    this.faults.serverError(method, status, times);
  }

  /** Every call (or every call to `method`) waits `ms` before Slack answers; 0 removes it. */
  delay(ms: number, method?: string): void {
    this.faults.delay(ms, method);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  /** A response_url on this emulator for an interaction in `context` (absolute URL). */
  createResponseUrl(
    context: { channel: string; userId: string; messageTs?: string },
    kind: "commands" | "actions" = "actions",
  ): string {
    return `${this.origin}${this.responseUrls.create(context, kind)}`;
  }

  async listen(host: string, port: number): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(port, host, () => resolve());
    });
    const address = this.server.address() as AddressInfo;
    this.origin = `http://${host}:${address.port}`;
  }

  async close(): Promise<void> {
    this.clock.cancelAll();
    await this.socketMode.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const url = new URL(req.url ?? "/", this.origin);
      const body = await readBody(req, this.maxBodyBytes);
      if (body === undefined)
        return send(res, { status: 413, body: { ok: false, error: "request_too_large" } });
      const method = url.pathname.match(/^\/api\/([A-Za-z0-9._]+)$/)?.[1];
      if (method !== undefined) return send(res, await this.callMethod(method, req, url, body));
      if (req.method === "POST" && this.responseUrls.has(url.pathname)) {
        return send(res, this.responseUrls.handle(url.pathname, url.href, parseJsonObject(body)));
      }
      send(res, { status: 404, body: { ok: false, error: "not_found" } });
    } catch (error) {
      send(res, { status: 500, body: { ok: false, error: "fatal_error", detail: String(error) } });
    }
  }

  private async callMethod(method: string, req: IncomingMessage, url: URL, body: Buffer): Promise<ApiReply> {
    const started = Date.now();
    const at = this.now();
    const parsed = parseApiRequest(req, body, url);
    const wait = this.faults.delayFor(method);
    if (wait > 0) await this.clock.sleep(wait);
    const reply = this.answer(method, parsed);
    const call: RecordedCall = {
      method,
      args: parsed.args,
      token: parsed.token,
      tokenSource: parsed.tokenSource,
      contentType: parsed.contentType,
      status: reply.status,
      response: reply.body,
      headers: reply.headers ?? {},
      warnings: reply.warnings ?? [],
      at,
      durationMs: Date.now() - started,
    };
    this.recorded.push(call);
    this.emit("call", call);
    return reply;
  }

  private answer(method: string, parsed: ReturnType<typeof parseApiRequest>): ApiReply {
    const transport = this.faults.transportFault(method);
    if (transport !== undefined) return transport;
    if (parsed.bodyError !== undefined) return { status: 200, body: { ok: false, error: parsed.bodyError } };
    if (parsed.token === undefined) return { status: 200, body: { ok: false, error: "not_authed" } };
    if (!this.tokens.includes(parsed.token) && !this.socketMode.isAppToken(parsed.token))
      return { status: 200, body: { ok: false, error: "invalid_auth" } };
    const refused = this.socketMode.tokenProblem(method, parsed.token, parsed.tokenSource);
    if (refused !== undefined) return refused;
    const scripted = this.faults.scriptedError(method);
    if (scripted !== undefined) return scripted;
    const handler = METHODS[method] ?? this.socketMode.methods[method];
    if (handler === undefined)
      return { status: 200, body: { ok: false, error: "unknown_method", req_method: method } };
    return handler(this.context, { args: parsed.args, undecodable: parsed.undecodable });
  }
}

function parseJsonObject(body: Buffer): JsonObject {
  try {
    const value: unknown = JSON.parse(body.toString("utf8"));
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as JsonObject) : {};
  } catch {
    return {};
  }
}

function send(res: ServerResponse, reply: ApiReply): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(reply.status, { "content-type": "application/json; charset=utf-8", ...reply.headers });
  res.end(JSON.stringify(reply.body));
}

export async function startSlackEmulator(options: SlackEmulatorOptions = {}): Promise<SlackEmulator> {
  const emulator = new SlackEmulator(createServer(), options);
  await emulator.listen(options.host ?? "127.0.0.1", options.port ?? 0);
  return emulator;
}
