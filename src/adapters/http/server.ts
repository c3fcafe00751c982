/**
 * The one HTTP listener (SPEC §1): API routes, health, metrics, and mounted handlers such as
 * Slack's Bolt receiver at /slack/events or the sandbox page at /. Every request gets an id, a
 * log line and a metric; during start-up and shutdown, routes that need the app answer 503.
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { CodedError } from "../../errors.js";
import type { Logger } from "../log.js";
import type { HttpMetrics } from "./metrics.js";
import { createReadiness, type ReadinessProbe, type ReadinessReport } from "./readiness.js";
import { errorResponse, sendJson } from "./respond.js";

export interface RequestContext {
  requestId: string;
  /** The registered path or mount prefix (a metric label, never the raw URL). */
  route: string;
  log: Logger;
  /** performance.now() when the request arrived. */
  startedAt: number;
  query(): URLSearchParams;
}

export type RouteHandler = (req: IncomingMessage, res: ServerResponse, ctx: RequestContext) => unknown;
export type MountHandler = (req: IncomingMessage, res: ServerResponse) => unknown;
export type ServerState = "starting" | "ready" | "stopping";

export interface RouteOptions {
  /** Health endpoints answer in every state; everything else gets 503 unless ready. */
  servedWhenNotReady?: boolean;
}

export interface HttpServer {
  readonly server: Server;
  readonly metrics: HttpMetrics;
  route(method: string, path: string, handler: RouteHandler, options?: RouteOptions): void;
  /** Hands every request under `prefix` (exact, or `prefix/…`; "/" = anything unmatched) to `handler`. */
  mount(prefix: string, handler: MountHandler): void;
  /**
   * Answers 403 `host_not_allowed` to requests for the routes `applies` names (a registered path or
   * mount prefix) whose Host header `allowed` refuses.
   */
  restrictHosts(allowed: (host: string | undefined) => boolean, applies: (route: string) => boolean): void;
  addReadinessProbe(name: string, probe: ReadinessProbe): void;
  readiness(): Promise<ReadinessReport>;
  state(): ServerState;
  setState(state: ServerState): void;
  listen(port: number, host: string): Promise<AddressInfo>;
  /** Stops accepting, lets requests in flight finish (up to `graceMs`), then closes every socket. */
  close(graceMs?: number): Promise<void>;
}

interface Route {
  handler: RouteHandler;
  options: RouteOptions;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/**
 * One request's context. NOTE: a class, not an object literal with a `get log()` accessor. V8
 * builds such a literal in dictionary mode through its runtime, and with one per request
 * everything the getter's closure could reach (request, response, headers) survived minor GCs
 * until the next full one: under ingest load the heap grew ~2.5 MB per scavenge and each scavenge
 * paused the event loop 10-20 ms (`node --trace-gc`). As a class, pauses are 1-3 ms.
 */
class RequestScope implements RequestContext {
  readonly startedAt = performance.now();
  #log: Logger | undefined;

  constructor(
    private readonly logger: Logger,
    readonly requestId: string,
    readonly route: string,
    private readonly url: string,
    private readonly queryAt: number,
  ) {}

  // A child logger per request costs more than most requests; built only when used.
  get log(): Logger {
    this.#log ??= this.logger.child({ reqId: this.requestId });
    return this.#log;
  }

  query(): URLSearchParams {
    return new URLSearchParams(this.queryAt === -1 ? "" : this.url.slice(this.queryAt + 1));
  }
}

const NOT_READY = JSON.stringify({ error: "not_ready" });

export function createHttpServer(deps: { logger: Logger; metrics: HttpMetrics }): HttpServer {
  const { logger, metrics } = deps;
  const routes = new Map<string, Map<string, Route>>();
  const mounts: { prefix: string; handler: MountHandler }[] = [];
  let state: ServerState = "starting";
  let hostRule: { allowed(host: string | undefined): boolean; applies(route: string): boolean } | undefined;
  let inFlight = 0;
  let idle: (() => void) | undefined;
  const readiness = createReadiness(() => state);
  const server = createServer((req, res) => {
    inFlight++;
    res.on("close", () => {
      inFlight--;
      if (inFlight === 0) idle?.();
    });
    dispatch(req, res);
  });
  // Slow clients must not hold a connection (and a drain at shutdown) forever.
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;

  function dispatch(req: IncomingMessage, res: ServerResponse): void {
    const url = req.url ?? "/";
    const q = url.indexOf("?");
    const path = q === -1 ? url : url.slice(0, q);
    const byMethod = routes.get(path);
    // HEAD is GET without the body (RFC 9110 §9.3.2); Node drops the body of a HEAD answer itself.
    const route =
      byMethod?.get(req.method ?? "GET") ?? (req.method === "HEAD" ? byMethod?.get("GET") : undefined);
    const mount = byMethod === undefined ? findMount(path) : undefined;
    const label = route || byMethod ? path : (mount?.prefix ?? "unmatched");
    const ctx = context(req, res, label, url, q);
    if (hostRule?.applies(label) && !hostRule.allowed(req.headers.host)) {
      const { status, body } = errorResponse(
        new CodedError(
          "host_not_allowed",
          `this server does not answer for Host ${req.headers.host ?? "(none)"}`,
        ),
      );
      sendJson(res, status, body);
      return;
    }
    if (route === undefined && mount === undefined) {
      const methods = byMethod ? [...byMethod.keys()] : [];
      if (methods.includes("GET")) methods.push("HEAD");
      const allow = methods.length > 0 ? methods.join(", ") : undefined;
      if (allow) sendJson(res, 405, { error: "method_not_allowed" }, { allow });
      else sendJson(res, 404, { error: "not_found", message: `no route for ${req.method} ${path}` });
      return;
    }
    if (state === "stopping") res.setHeader("connection", "close");
    if (state !== "ready" && !route?.options.servedWhenNotReady) {
      sendJson(res, 503, NOT_READY);
      return;
    }
    run(() => (route ? route.handler(req, res, ctx) : mount?.handler(req, res)), res, ctx);
  }

  function run(call: () => unknown, res: ServerResponse, ctx: RequestContext): void {
    const fail = (error: unknown) => {
      const { status, body } = errorResponse(error);
      // A coded 4xx is the caller's mistake, answered as such: no stack trace at error level.
      if (status < 500) ctx.log.info({ code: body.error }, "request refused");
      else ctx.log.error({ err: error }, "request failed");
      if (!res.headersSent) sendJson(res, status, body);
      else res.destroy();
    };
    try {
      const result = call();
      if (result instanceof Promise) result.catch(fail);
    } catch (error) {
      fail(error);
    }
  }

  function findMount(path: string) {
    return mounts.find((m) => m.prefix === "/" || path === m.prefix || path.startsWith(`${m.prefix}/`));
  }

  function context(req: IncomingMessage, res: ServerResponse, route: string, url: string, q: number) {
    const given = req.headers["x-request-id"];
    const requestId = typeof given === "string" && REQUEST_ID.test(given) ? given : randomUUID();
    res.setHeader("x-request-id", requestId);
    const ctx = new RequestScope(logger, requestId, route, url, q);
    res.on("close", () => finished(req, res, ctx));
    return ctx;
  }

  function finished(req: IncomingMessage, res: ServerResponse, ctx: RequestContext): void {
    const status = res.writableFinished ? res.statusCode : 499;
    const ms = Math.round((performance.now() - ctx.startedAt) * 100) / 100;
    counter(ctx.route, req.method ?? "", status).inc();
    const quiet = ctx.route === "/healthz" || ctx.route === "/readyz" || ctx.route === "/metrics";
    const line = { reqId: ctx.requestId, method: req.method, route: ctx.route, status, ms };
    if (status === 499) logger.warn(line, "client went away before the answer");
    else if (quiet) logger.debug(line, "request");
    else logger.info(line, "request");
  }

  const counters = new Map<string, ReturnType<HttpMetrics["requests"]["labels"]>>();
  function counter(route: string, method: string, status: number) {
    const key = `${route} ${method} ${status}`;
    let child = counters.get(key);
    if (child === undefined) {
      child = metrics.requests.labels(route, method, String(status));
      counters.set(key, child);
    }
    return child;
  }

  return {
    server,
    metrics,
    route(method, path, handler, options = {}) {
      const byMethod = routes.get(path) ?? new Map<string, Route>();
      if (byMethod.has(method)) throw new Error(`route ${method} ${path} is registered twice`);
      byMethod.set(method, { handler, options });
      routes.set(path, byMethod);
    },
    mount(prefix, handler) {
      mounts.push({ prefix, handler });
      // Longest prefix first, "/" last: /slack/events wins over the sandbox page.
      mounts.sort((a, b) =>
        a.prefix === "/" ? 1 : b.prefix === "/" ? -1 : b.prefix.length - a.prefix.length,
      );
    },
    restrictHosts(allowed, applies) {
      hostRule = { allowed, applies };
    },
    addReadinessProbe: readiness.add,
    readiness: readiness.report,
    state: () => state,
    setState(next) {
      state = next;
    },
    listen(port, host) {
      return new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, host, () => {
          server.off("error", reject);
          resolve(server.address() as AddressInfo);
        });
      });
    },
    async close(graceMs = 10_000) {
      state = "stopping";
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      if (inFlight > 0) {
        const drained = new Promise<void>((resolve) => {
          idle = resolve;
        });
        const timer = setTimeout(() => server.closeAllConnections(), graceMs);
        await drained;
        clearTimeout(timer);
      }
      server.closeAllConnections();
      await closed;
    },
  };
}
