/**
 * One upgraded WebSocket connection, server side: text messages in and out, pings answered with
 * pongs (the Socket Mode client drops a connection whose pings go unanswered), and the closing
 * handshake in both directions. A close we start that the client never answers is cut after
 * `closeTimeoutMs`, so the emulator never leaves a socket or a timer behind.
 */
import { EventEmitter } from "node:events";
import type { Duplex } from "node:stream";
import {
  closePayload,
  encodeFrame,
  type Frame,
  FrameReader,
  OPCODES,
  ProtocolError,
} from "./websocket-frames.js";

export interface CloseInfo {
  code: number;
  reason: string;
  /** Who sent the first close frame; "network" when the TCP connection just ended. */
  by: "client" | "server" | "network";
}

type ConnectionEvents = { text: [string]; pong: [Buffer]; close: [CloseInfo] };

export class WebSocketConnection extends EventEmitter<ConnectionEvents> {
  private readonly reader: FrameReader;
  private fragments: Buffer[] = [];
  private fragmentOpcode = 0;
  private closeSent = false;
  private closeTimer: NodeJS.Timeout | undefined;
  private ended: CloseInfo | undefined;

  constructor(
    private readonly socket: Duplex,
    private readonly options: { maxPayload: number; closeTimeoutMs: number },
  ) {
    super();
    this.reader = new FrameReader(options.maxPayload);
    socket.on("data", (chunk: Buffer) => this.receive(chunk));
    socket.on("error", () => socket.destroy());
    socket.on("close", () => this.finish({ code: 1006, reason: "", by: "network" }));
  }

  get isOpen(): boolean {
    return this.ended === undefined && !this.closeSent;
  }

  get closeInfo(): CloseInfo | undefined {
    return this.ended;
  }

  receive(chunk: Buffer): void {
    try {
      for (const frame of this.reader.push(chunk)) this.handle(frame);
    } catch (error) {
      const code = error instanceof ProtocolError ? error.closeCode : 1002;
      void this.close(code, "protocol error");
    }
  }

  sendText(text: string): boolean {
    if (!this.isOpen) return false;
    this.socket.write(encodeFrame(OPCODES.text, Buffer.from(text, "utf8")));
    return true;
  }

  ping(data = Buffer.alloc(0)): void {
    if (this.isOpen) this.socket.write(encodeFrame(OPCODES.ping, data));
  }

  /** Starts the closing handshake; resolves once the connection is gone. */
  close(code = 1000, reason = ""): Promise<CloseInfo> {
    const done = this.ended
      ? Promise.resolve(this.ended)
      : new Promise<CloseInfo>((resolve) => this.once("close", resolve));
    if (this.ended === undefined && !this.closeSent) {
      this.closeSent = true;
      this.socket.write(encodeFrame(OPCODES.close, closePayload(code, reason)));
      this.closeTimer = setTimeout(() => this.socket.destroy(), this.options.closeTimeoutMs);
    }
    return done;
  }

  /** Drops the TCP connection without a closing handshake (a network failure). */
  terminate(): void {
    this.socket.destroy();
  }

  private handle(frame: Frame): void {
    if (frame.opcode === OPCODES.ping) {
      if (this.ended === undefined) this.socket.write(encodeFrame(OPCODES.pong, frame.payload));
    } else if (frame.opcode === OPCODES.pong) {
      this.emit("pong", frame.payload);
    } else if (frame.opcode === OPCODES.close) {
      this.closeReceived(frame.payload);
    } else {
      this.data(frame);
    }
  }

  private data(frame: Frame): void {
    if (frame.opcode !== OPCODES.continuation) {
      this.fragments = [];
      this.fragmentOpcode = frame.opcode;
    }
    this.fragments.push(frame.payload);
    if (!frame.fin) return;
    const message = Buffer.concat(this.fragments);
    this.fragments = [];
    // Slack ignores binary frames; so does the emulator.
    if (this.fragmentOpcode === OPCODES.text) this.emit("text", message.toString("utf8"));
  }

  private closeReceived(payload: Buffer): void {
    const code = payload.length >= 2 ? payload.readUInt16BE(0) : 1005;
    const reason = payload.subarray(2).toString("utf8");
    const by = this.closeSent ? "server" : "client";
    // The peer's close is answered with the same code, then the TCP side is ended (RFC 6455 §5.5.1).
    if (!this.closeSent) {
      this.closeSent = true;
      this.socket.write(
        encodeFrame(OPCODES.close, payload.length >= 2 ? closePayload(code) : Buffer.alloc(0)),
      );
    }
    this.finish({ code, reason, by });
    this.socket.end();
  }

  private finish(info: CloseInfo): void {
    if (this.ended !== undefined) return;
    this.ended = info;
    clearTimeout(this.closeTimer);
    this.emit("close", info);
  }
}
