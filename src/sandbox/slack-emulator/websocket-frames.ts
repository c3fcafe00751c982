/**
 * The server side of RFC 6455 that Socket Mode needs: the opening handshake's accept key, frames
 * from the server (never masked) and frames from the client (always masked). No extensions are
 * negotiated, so frames carry no compression (RSV bits must be 0). Written here rather than taken
 * from a package so the emulator adds no dependency.
 */
import { createHash } from "node:crypto";

const GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

export const OPCODES = {
  continuation: 0x0,
  text: 0x1,
  binary: 0x2,
  close: 0x8,
  ping: 0x9,
  pong: 0xa,
} as const;

export interface Frame {
  fin: boolean;
  opcode: number;
  payload: Buffer;
}

/** Sec-WebSocket-Accept for the client's Sec-WebSocket-Key. */
export function acceptKey(key: string): string {
  return createHash("sha1").update(`${key}${GUID}`).digest("base64");
}

/** One unfragmented frame from the server. */
export function encodeFrame(opcode: number, payload: Buffer = Buffer.alloc(0)): Buffer {
  const length = payload.length;
  const header = length < 126 ? Buffer.alloc(2) : length < 65_536 ? Buffer.alloc(4) : Buffer.alloc(10);
  header[0] = 0x80 | opcode;
  if (length < 126) header[1] = length;
  else if (length < 65_536) {
    header[1] = 126;
    header.writeUInt16BE(length, 2);
  } else {
    header[1] = 127;
    header.writeBigUInt64BE(BigInt(length), 2);
  }
  return Buffer.concat([header, payload]);
}

/** A close frame: 2-byte status code, then a UTF-8 reason. */
export function closePayload(code: number, reason = ""): Buffer {
  const body = Buffer.alloc(2 + Buffer.byteLength(reason));
  body.writeUInt16BE(code, 0);
  body.write(reason, 2);
  return body;
}

export class ProtocolError extends Error {
  constructor(
    message: string,
    readonly closeCode = 1002,
  ) {
    super(message);
  }
}

/** Accumulates bytes from the client and yields complete frames; throws ProtocolError on a bad one. */
export class FrameReader {
  private buffered: Buffer = Buffer.alloc(0);

  constructor(private readonly maxPayload: number) {}

  push(chunk: Buffer): Frame[] {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    const frames: Frame[] = [];
    for (;;) {
      const frame = this.next();
      if (frame === undefined) return frames;
      frames.push(frame);
    }
  }

  private next(): Frame | undefined {
    const data = this.buffered;
    if (data.length < 2) return undefined;
    const first = data[0] ?? 0;
    const second = data[1] ?? 0;
    if ((first & 0x70) !== 0) throw new ProtocolError("RSV bits set without a negotiated extension");
    if ((second & 0x80) === 0) throw new ProtocolError("client frames must be masked");
    let length = second & 0x7f;
    let offset = 2;
    if (length === 126) {
      if (data.length < 4) return undefined;
      length = data.readUInt16BE(2);
      offset = 4;
    } else if (length === 127) {
      if (data.length < 10) return undefined;
      const big = data.readBigUInt64BE(2);
      if (big > BigInt(this.maxPayload)) throw new ProtocolError("frame too large", 1009);
      length = Number(big);
      offset = 10;
    }
    if (length > this.maxPayload) throw new ProtocolError("frame too large", 1009);
    if (data.length < offset + 4 + length) return undefined;
    const mask = data.subarray(offset, offset + 4);
    const payload = Buffer.from(data.subarray(offset + 4, offset + 4 + length));
    for (let i = 0; i < payload.length; i++) payload[i] = (payload[i] ?? 0) ^ (mask[i % 4] ?? 0);
    this.buffered = data.subarray(offset + 4 + length);
    return { fin: (first & 0x80) !== 0, opcode: first & 0x0f, payload };
  }
}
