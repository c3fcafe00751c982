/**
 * A `fetch` for the outgoing calls on the hot path — Slack's Web API, Bolt's response_url replies,
 * deploy hooks. It sends through undici's `request` on one keep-alive pool and answers with a
 * standard `Response`, so WebClient and Bolt use it unchanged (both take a `fetch` option).
 *
 * NOTE: why not the global fetch: Node 20's builds a WHATWG stream pipeline around every call,
 * about four times the CPU of `request` on loopback (≈300 µs against ≈80 µs a call), and an
 * approval click makes three to six such calls on the event loop that answers the next click.
 * Anything this does not handle exactly — a Request object, a streamed or multipart body, an
 * unknown redirect mode — goes to the global fetch as it was.
 */
import { STATUS_CODES } from "node:http";
import { Agent, type Dispatcher, interceptors, request } from "undici";

type FetchInput = Parameters<typeof fetch>[0];
type FetchInit = NonNullable<Parameters<typeof fetch>[1]>;

/** Bodies sent as they are; URLSearchParams become a form, as fetch does. */
type PlainBody = string | Uint8Array | URLSearchParams;

const NO_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

export interface PooledFetchOptions {
  /** Idle keep-alive sockets are closed after this long (undici's default is 4 s). */
  keepAliveTimeoutMs?: number;
}

export type PooledFetch = typeof fetch & { close(): Promise<void> };

export function createPooledFetch(options: PooledFetchOptions = {}): PooledFetch {
  const agent = new Agent({ keepAliveTimeout: options.keepAliveTimeoutMs ?? 4_000 });
  // fetch's default ("follow") follows up to 20 redirects; "manual" and "error" must see the 3xx.
  const following = agent.compose(interceptors.redirect({ maxRedirections: 20 }));

  const pooled = async (input: FetchInput, init: FetchInit = {}): Promise<Response> => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : undefined;
    const redirect = init.redirect ?? "follow";
    if (url === undefined || !isPlainBody(init.body) || !["follow", "manual", "error"].includes(redirect)) {
      return fetch(input, init);
    }
    const method = (init.method ?? "GET").toUpperCase();
    const headers = headerRecord(init.headers);
    let body: string | Uint8Array | null;
    if (init.body instanceof URLSearchParams) {
      body = init.body.toString();
      if (!hasHeader(headers, "content-type"))
        headers["content-type"] = "application/x-www-form-urlencoded;charset=UTF-8";
    } else body = init.body ?? null;
    if (typeof body === "string" && !hasHeader(headers, "content-type"))
      headers["content-type"] = "text/plain;charset=UTF-8";

    let answer: Dispatcher.ResponseData;
    try {
      answer = await request(url, {
        method: method as Dispatcher.HttpMethod,
        headers,
        body,
        ...(init.signal ? { signal: init.signal } : {}),
        dispatcher: redirect === "follow" ? following : agent,
      });
    } catch (error) {
      // As fetch: an abort rejects with the signal's reason, anything else is a TypeError whose cause says why.
      if (init.signal?.aborted) throw init.signal.reason;
      throw new TypeError("fetch failed", { cause: error });
    }
    if (redirect === "error" && answer.statusCode >= 300 && answer.statusCode < 400) {
      await answer.body.dump();
      throw new TypeError("fetch failed", { cause: new Error(`unexpected redirect (${answer.statusCode})`) });
    }
    const bytes = await answer.body.arrayBuffer();
    return new Response(NO_BODY_STATUSES.has(answer.statusCode) || method === "HEAD" ? null : bytes, {
      status: answer.statusCode,
      statusText: STATUS_CODES[answer.statusCode] ?? "",
      headers: responseHeaders(answer.headers),
    });
  };
  return Object.assign(pooled as typeof fetch, { close: () => agent.close() });
}

function isPlainBody(body: FetchInit["body"]): body is PlainBody | null | undefined {
  return (
    body === undefined ||
    body === null ||
    typeof body === "string" ||
    body instanceof Uint8Array ||
    body instanceof URLSearchParams
  );
}

function headerRecord(headers: FetchInit["headers"]): Record<string, string> {
  const out: Record<string, string> = {};
  new Headers(headers).forEach((value, name) => {
    out[name] = value;
  });
  return out;
}

function hasHeader(headers: Record<string, string>, name: string): boolean {
  return Object.keys(headers).some((key) => key.toLowerCase() === name);
}

function responseHeaders(raw: Dispatcher.ResponseData["headers"]): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) headers.append(name, one);
  }
  return headers;
}

let shared: PooledFetch | undefined;

/** The process's one pool (sockets are reused across Slack, response_url and hook calls). */
export function pooledFetch(): PooledFetch {
  shared ??= createPooledFetch();
  return shared;
}
