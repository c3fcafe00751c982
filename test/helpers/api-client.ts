/** Sends requests to Tollgate's API signed by the product's own `signV1`, as CI systems do. */
import { signV1 } from "../../src/adapters/http/v1-signature.js";

export interface ApiResponse {
  status: number;
  body: unknown;
  text: string;
}

export async function postSigned(
  baseUrl: string,
  path: string,
  body: unknown,
  options: { secret: string; delivery?: string; timestamp?: number; headers?: Record<string, string> },
): Promise<ApiResponse> {
  const raw = typeof body === "string" ? body : JSON.stringify(body);
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "x-tollgate-timestamp": String(timestamp),
    "x-tollgate-signature": signV1(options.secret, timestamp, raw),
    ...(options.delivery === undefined ? {} : { "x-tollgate-delivery": options.delivery }),
    ...options.headers,
  };
  const response = await fetch(new URL(path, baseUrl), { method: "POST", headers, body: raw });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: response.status, body: parsed, text };
}
