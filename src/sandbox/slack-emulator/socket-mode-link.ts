/**
 * The Socket Mode conversation on open connections: `hello` on connect, envelopes out, acks in
 * (matched by envelope_id, within the ack deadline), `disconnect` to recycle a connection, and
 * records of both for tests. Slack sends each envelope over ONE of the app's open connections;
 * the emulator uses the newest that is not being recycled.
 */
import { randomUUID } from "node:crypto";
import {
  acceptsResponsePayload,
  type DisconnectReason,
  type EnvelopeRecord,
  type EnvelopeType,
  type SocketConnectionRecord,
  SocketModeError,
} from "./socket-mode-envelopes.js";
import type { JsonObject, TeamIdentity } from "./types.js";
import type { WebSocketConnection } from "./websocket-connection.js";

interface Live {
  connection: WebSocketConnection;
  record: SocketConnectionRecord;
  draining: boolean;
}

interface Pending {
  resolve(ack: JsonObject): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
  record: EnvelopeRecord;
}

const HOST = "applink-emulator-1";

export class SocketModeLink {
  readonly connectionLog: SocketConnectionRecord[] = [];
  readonly envelopes: EnvelopeRecord[] = [];
  /** Messages from the app that were not acks of a pending envelope (late acks, unknown ids). */
  readonly strayMessages: unknown[] = [];
  private readonly live = new Map<string, Live>();
  private readonly pending = new Map<string, Pending>();
  private readonly waiters = new Set<() => void>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private sequence = 0;
  private closed = false;

  constructor(
    private readonly linkEnv: { team(): TeamIdentity; now(): number },
    private readonly timing: { ackTimeoutMs: number; connectWaitMs: number; disconnectGraceMs: number },
  ) {}

  /** Connections open right now (including ones told to disconnect that have not closed yet). */
  get openConnections(): number {
    return this.live.size;
  }

  /** Sends one envelope and resolves with the payload of the app's ack. */
  async send(type: EnvelopeType, payload: JsonObject, options: { acceptsResponsePayload?: boolean } = {}) {
    const target = await this.readyConnection();
    const envelopeId = randomUUID();
    const accepts = options.acceptsResponsePayload ?? acceptsResponsePayload(type, payload);
    const envelope: JsonObject = {
      envelope_id: envelopeId,
      type,
      payload,
      accepts_response_payload: accepts,
    };
    if (type === "events_api") Object.assign(envelope, { retry_attempt: 0, retry_reason: "" });
    const record: EnvelopeRecord = {
      envelopeId,
      type,
      payload,
      connectionId: target.record.id,
      sentAt: this.linkEnv.now(),
      outcome: "pending",
    };
    this.envelopes.push(record);
    return new Promise<JsonObject>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(envelopeId);
        record.outcome = "timed_out";
        reject(
          new SocketModeError(
            "ack_timeout",
            `no ack for ${type} ${envelopeId} within ${this.timing.ackTimeoutMs} ms`,
          ),
        );
      }, this.timing.ackTimeoutMs);
      this.pending.set(envelopeId, { resolve, reject, timer, record });
      target.connection.sendText(JSON.stringify(envelope));
    });
  }

  /**
   * Sends `{"type":"disconnect","reason":…}` on every open connection. Except for "warning", the
   * connection gets no more envelopes and is closed by the emulator after `graceMs` if the app has
   * not closed it first. Returns how many connections were told.
   */
  disconnect(reason: DisconnectReason = "refresh_requested", options: { graceMs?: number } = {}): number {
    const targets = [...this.live.values()].filter((l) => !l.draining);
    for (const target of targets) {
      target.connection.sendText(JSON.stringify({ type: "disconnect", reason, debug_info: { host: HOST } }));
      target.record.disconnects.push(reason);
      if (reason === "warning") continue;
      target.draining = true;
      this.later(options.graceMs ?? this.timing.disconnectGraceMs, () => void target.connection.close(1000));
    }
    return targets.length;
  }

  /** Resolves once a connection can take envelopes. */
  async waitForConnection(timeoutMs = this.timing.connectWaitMs): Promise<void> {
    await this.readyConnection(timeoutMs);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const [id, pending] of this.pending) {
      clearTimeout(pending.timer);
      pending.reject(new SocketModeError("closed", `emulator closed before ${id} was acked`));
    }
    this.pending.clear();
    for (const wake of this.waiters) wake();
    const closing = [...this.live.values()].map((l) => l.connection.close(1001, "going away"));
    // The app gets a moment to answer the close frame; the hub then drops whatever is left.
    let timer: NodeJS.Timeout | undefined;
    const pause = new Promise((resolve) => {
      timer = setTimeout(resolve, 200);
    });
    await Promise.race([Promise.all(closing), pause]);
    clearTimeout(timer);
  }

  protected adopt(connection: WebSocketConnection): void {
    this.sequence += 1;
    const record: SocketConnectionRecord = {
      id: `WS${this.sequence}`,
      openedAt: this.linkEnv.now(),
      disconnects: [],
    };
    this.connectionLog.push(record);
    this.live.set(record.id, { connection, record, draining: false });
    connection.on("text", (text) => this.receive(text));
    connection.on("close", (info) => {
      record.closedAt = this.linkEnv.now();
      record.close = info;
      this.live.delete(record.id);
    });
    connection.sendText(
      JSON.stringify({
        type: "hello",
        num_connections: this.live.size,
        debug_info: { host: HOST, build_number: 1, approximate_connection_time: 18_060 },
        connection_info: { app_id: this.linkEnv.team().appId },
      }),
    );
    for (const wake of this.waiters) wake();
  }

  private receive(text: string): void {
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      this.strayMessages.push(text);
      return;
    }
    const id = isObject(message) && typeof message.envelope_id === "string" ? message.envelope_id : undefined;
    const pending = id === undefined ? undefined : this.pending.get(id);
    if (pending === undefined || !isObject(message)) {
      this.strayMessages.push(message);
      return;
    }
    this.pending.delete(pending.record.envelopeId);
    clearTimeout(pending.timer);
    const ack = isObject(message.payload) ? message.payload : {};
    Object.assign(pending.record, { outcome: "acked", ackedAt: this.linkEnv.now(), ack });
    pending.resolve(ack);
  }

  private async readyConnection(timeoutMs = this.timing.connectWaitMs): Promise<Live> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.closed) throw new SocketModeError("closed", "the emulator is closed");
      const ready = [...this.live.values()].filter((l) => !l.draining && l.connection.isOpen).at(-1);
      if (ready !== undefined) return ready;
      const left = deadline - Date.now();
      if (left <= 0) throw new SocketModeError("no_connection", "no Socket Mode connection is open");
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.waiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, left);
        this.waiters.add(wake);
      });
    }
  }

  private later(ms: number, run: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      run();
    }, ms);
    this.timers.add(timer);
  }
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
