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
 * After answering before the body was read (413, 415, 401 on a huge body), drain a bounded amount
 * so the client reads our answer instead of a connection reset, then drop the connection.
 * Like nginx's lingering close; the bytes are discarded, never buffered.
 */
export function lingerAndClose(req: IncomingMessage, maxBytes = 16 * MIB, maxMs = 2000): void {
  if (req.complete) return;
  let seen = 0;
  const timer = setTimeout(() => req.socket.destroy(), maxMs);
  timer.unref();
  req.on("data", (chunk: Buffer) => {
    seen += chunk.length;
    if (seen > maxBytes) req.socket.destroy();
  });
  req.on("close", () => clearTimeout(timer));
  req.resume();
}
