/**
 * Slack's Socket Mode side (docs.slack.dev/apis/events-api/using-socket-mode): `apps.connections.open`
 * with an app-level token (`xapp-…`, Authorization header only) answers a one-time
 * `ws://…/link/?ticket=…&app_id=…`; the connection opens with `hello`, carries envelopes the app
 * acks with `{envelope_id, payload?}`, and is recycled with `{"type":"disconnect","reason":…}`.
 * The protocol is in socket-mode-link.ts; this file owns tokens, tickets and connections.
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { fail, type MethodHandler, ok } from "./method-context.js";
import { SocketModeLink } from "./socket-mode-link.js";
import type { ApiReply, RecordedCall, TeamIdentity } from "./types.js";
import { WebSocketConnection } from "./websocket-connection.js";
import { refuseUpgrade, upgradeRequest } from "./websocket-upgrade.js";

export const DEFAULT_APP_TOKEN = "xapp-1-A0TOLLGATE-1-sandbox";
export const APPS_CONNECTIONS_OPEN = "apps.connections.open";
const LINK_PATH = /^\/link\/?$/;

export interface SocketModeOptions {
  /** Accepted app-level tokens. Default [DEFAULT_APP_TOKEN]. */
  appTokens?: string[];
  /** How long an envelope waits for the app's ack (Slack: 3 s). */
  ackTimeoutMs?: number;
  /** How long send() waits for an open connection, e.g. while the app reconnects. */
  connectWaitMs?: number;
  /** A ticket from apps.connections.open must be used within this. */
  ticketTtlMs?: number;
  /** After a `disconnect` message, the emulator closes the connection itself after this. */
  disconnectGraceMs?: number;
}

export interface SocketModeEnv {
  team(): TeamIdentity;
  /** The emulator's http origin, e.g. "http://127.0.0.1:4321". */
  origin(): string;
  now(): number;
}

export class SocketModeHub extends SocketModeLink {
  readonly appTokens: readonly string[];
  private readonly tickets = new Map<string, number>();
  private readonly sockets = new Set<Duplex>();
  private readonly ticketTtlMs: number;

  constructor(
    protected readonly env: SocketModeEnv,
    options: SocketModeOptions = {},
  ) {
    super(env, {
      ackTimeoutMs: options.ackTimeoutMs ?? 3000,
      connectWaitMs: options.connectWaitMs ?? 10_000,
      disconnectGraceMs: options.disconnectGraceMs ?? 10_000,
    });
    this.appTokens = options.appTokens ?? [DEFAULT_APP_TOKEN];
    this.ticketTtlMs = options.ticketTtlMs ?? 30_000;
  }

  /** Web API methods only Socket Mode answers, merged into the emulator's method table. */
  readonly methods: Record<string, MethodHandler> = {
    [APPS_CONNECTIONS_OPEN]: () => this.openTicket(),
  };

  isAppToken(token: string): boolean {
    return this.appTokens.includes(token);
  }

  /**
   * Token rules around app-level tokens: apps.connections.open takes only an app token, and only in
   * the Authorization header; an app token is refused (`not_allowed_token_type`) everywhere else.
   */
  tokenProblem(method: string, token: string, source: RecordedCall["tokenSource"]): ApiReply | undefined {
    const isOpen = method === APPS_CONNECTIONS_OPEN;
    if (!this.isAppToken(token)) return isOpen ? fail("not_allowed_token_type") : undefined;
    if (!isOpen) return fail("not_allowed_token_type");
    if (source !== "header") {
      const reply = fail("invalid_auth");
      return { ...reply, warnings: ["app-level tokens must be sent in the Authorization header"] };
    }
    return undefined;
  }

  /** Accepts `GET /link/?ticket=…` upgrades; anything else on the HTTP server's upgrade event is refused. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const accepted = this.checkUpgrade(req);
    if (typeof accepted !== "string") {
      refuseUpgrade(socket, accepted.status, accepted.error);
      return;
    }
    socket.write(
      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
        `Sec-WebSocket-Accept: ${accepted}\r\n\r\n`,
    );
    this.sockets.add(socket);
    socket.on("close", () => this.sockets.delete(socket));
    socket.on("end", () => socket.end());
    const connection = new WebSocketConnection(socket, { maxPayload: 1024 * 1024, closeTimeoutMs: 2000 });
    this.adopt(connection);
    if (head.length > 0) connection.receive(head);
  }

  /** Closes every connection (1001, going away) and drops what is left; the emulator is shutting down. */
  override async close(): Promise<void> {
    await super.close();
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    this.tickets.clear();
  }

  /** The Sec-WebSocket-Accept value, or why the upgrade is refused. A ticket works once. */
  private checkUpgrade(req: IncomingMessage): string | { status: number; error: string } {
    const url = new URL(req.url ?? "/", this.env.origin());
    if (!LINK_PATH.test(url.pathname)) return { status: 404, error: "not_found" };
    const ticket = url.searchParams.get("ticket") ?? "";
    const expiresAt = this.tickets.get(ticket);
    this.tickets.delete(ticket);
    if (expiresAt === undefined || expiresAt < this.env.now())
      return { status: 401, error: "invalid_ticket" };
    return upgradeRequest(req) ?? { status: 400, error: "not_a_websocket_upgrade" };
  }

  private openTicket(): ApiReply {
    const ticket = randomUUID();
    this.tickets.set(ticket, this.env.now() + this.ticketTtlMs);
    const ws = this.env.origin().replace(/^http/, "ws");
    const appId = this.env.team().appId;
    return ok({ url: `${ws}/link/?ticket=${ticket}&app_id=${appId}` });
  }
}
