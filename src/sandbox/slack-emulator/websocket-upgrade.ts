/** The HTTP side of a WebSocket upgrade: checking the request and refusing it the way a server does. */
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { acceptKey } from "./websocket-frames.js";

/** The Sec-WebSocket-Accept value for a valid upgrade request, else undefined. */
export function upgradeRequest(req: IncomingMessage): string | undefined {
  const key = req.headers["sec-websocket-key"];
  const upgrade = (req.headers.upgrade ?? "").toLowerCase();
  if (req.method !== "GET" || upgrade !== "websocket" || typeof key !== "string") return undefined;
  if (req.headers["sec-websocket-version"] !== "13") return undefined;
  return acceptKey(key);
}

export function refuseUpgrade(socket: Duplex, status: number, error: string): void {
  const body = JSON.stringify({ ok: false, error });
  const reason = status === 401 ? "Unauthorized" : status === 404 ? "Not Found" : "Bad Request";
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n` +
      `Connection: close\r\n\r\n${body}`,
  );
}
