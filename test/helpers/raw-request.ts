/**
 * Raw HTTP requests for hostile-input tests: exact bytes, any headers, optional chunked bodies, and
 * a fresh connection each time. An answer that arrives before the body is fully sent (413) is
 * still returned; the write error that follows the server closing is expected then.
 */
import { request } from "node:http";
import { signV1 } from "../../src/adapters/http/v1-signature.js";

export interface RawResponse {
  status: number;
  body: Record<string, unknown> | undefined;
  text: string;
  headers: Record<string, string | string[] | undefined>;
}

export function sendRaw(
  baseUrl: string,
  options: {
    method?: string;
    path: string;
    headers?: Record<string, string>;
    body?: Buffer;
    chunked?: boolean;
  },
): Promise<RawResponse> {
  const body = options.body ?? Buffer.alloc(0);
  const headers = { ...options.headers };
  if (!options.chunked && headers["content-length"] === undefined)
    headers["content-length"] = String(body.length);
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = request(
      new URL(options.path, baseUrl),
      { method: options.method ?? "POST", headers, agent: false },
      (res) => {
        answered = true;
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let parsed: Record<string, unknown> | undefined;
          try {
            parsed = JSON.parse(text) as Record<string, unknown>;
          } catch {
            parsed = undefined;
          }
          resolve({ status: res.statusCode ?? 0, body: parsed, text, headers: res.headers });
        });
      },
    );
    req.on("error", (error) => {
      if (!answered) reject(error);
    });
    const step = 64 * 1024;
    for (let offset = 0; offset < body.length; offset += step)
      req.write(body.subarray(offset, offset + step));
    req.end();
  });
}

export function signedHeadersFor(
  body: Buffer | string,
  options: { secret: string; timestamp?: number; delivery?: string },
): Record<string, string> {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  return {
    "content-type": "application/json",
    "x-tollgate-timestamp": String(timestamp),
    "x-tollgate-signature": signV1(options.secret, timestamp, body),
    ...(options.delivery === undefined ? {} : { "x-tollgate-delivery": options.delivery }),
  };
}
