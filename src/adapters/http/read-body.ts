/**
 * Reads a request body with a cap enforced while streaming (SPEC §3: bodies over the limit are
 * refused before they are read in full). A declared Content-Length over the cap is refused
 * without reading anything.
 */
import type { IncomingMessage } from "node:http";
import { CodedError } from "../../errors.js";

export const MIB = 1024 * 1024;

export function tooLarge(limit: number): CodedError {
  return new CodedError("payload_too_large", `the body is larger than ${limit} bytes`, { details: limit });
}

export function declaredTooLarge(req: IncomingMessage, limit: number): boolean {
  const declared = req.headers["content-length"];
  return declared !== undefined && Number(declared) > limit;
}

export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  if (declaredTooLarge(req, limit)) return Promise.reject(tooLarge(limit));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        req.pause();
        reject(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
  });
}

/**
 * After answering before the body was read (413, 415, 401 on a huge body), discard a bounded
 * amount of what the client is still sending, so it reads our answer instead of a connection
 * reset; past the bounds the socket is dropped. This is nginx's lingering close: when the answer
 * ends the connection (the client sent `Connection: close`, or we are stopping), Node destroys the
 * socket right after writing it, and closing with unread bytes makes the kernel send RST, which
 * throws away the answer in the client's buffer (seen with 5 MiB bodies sent in one write).
 * So the close waits until the client has finished sending or the bounds are reached.
 */
export function discardRestOfBody(req: IncomingMessage, maxBytes = 16 * MIB, maxMs = 2000): void {
  if (req.complete) return;
  const socket = req.socket;
  const destroySoon = socket.destroySoon.bind(socket);
  socket.destroySoon = () => {
    if (req.complete) destroySoon();
    else {
      socket.end();
      req.once("end", () => socket.destroy());
    }
  };
  let seen = 0;
  const timer = setTimeout(() => socket.destroy(), maxMs);
  timer.unref();
  req.on("data", (chunk: Buffer) => {
    seen += chunk.length;
    if (seen > maxBytes) socket.destroy();
  });
  req.on("end", () => clearTimeout(timer));
  req.on("close", () => clearTimeout(timer));
  req.resume();
}
