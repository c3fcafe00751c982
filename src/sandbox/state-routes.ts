/**
 * What the page reads: the workspace (people, channels, names for mentions), messages, threads,
 * ephemeral replies and views — all straight from the emulator's state — and a server-sent
 * event stream of the emulator's changes, so a new card or an update shows without reloading.
 */
import type { ServerResponse } from "node:http";
import { sendJson } from "../adapters/http/respond.js";
import type { RouteHandler } from "../adapters/http/server.js";
import { CodedError } from "../errors.js";
import type { SandboxContext } from "./sandbox-context.js";
import { channelsFor, SANDBOX_PEOPLE } from "./sandbox-people.js";
import type { EmulatorChange } from "./slack-emulator/index.js";

export function registerStateRoutes(sandbox: SandboxContext): { closeStreams(): void } {
  const { app, emulator } = sandbox;
  const get = (path: string, handler: RouteHandler) => app.http.route("GET", path, handler);
  const param = (query: URLSearchParams, name: string) => {
    const value = query.get(name);
    if (value === null || value === "")
      throw new CodedError("invalid_payload", `query ${name} is required`, {
        details: [{ path: name, message: "is required" }],
      });
    return value;
  };

  get("/sandbox/api/workspace", (_req, res) => sendJson(res, 200, workspace(sandbox)));
  get("/sandbox/api/messages", (_req, res, ctx) =>
    sendJson(res, 200, emulator.messages(param(ctx.query(), "channel"))),
  );
  get("/sandbox/api/message", (_req, res, ctx) => {
    const q = ctx.query();
    const message = emulator.message(param(q, "channel"), param(q, "ts"));
    if (message === undefined) sendJson(res, 404, { error: "not_found" });
    else sendJson(res, 200, message);
  });
  get("/sandbox/api/thread", (_req, res, ctx) => {
    const q = ctx.query();
    sendJson(res, 200, emulator.thread(param(q, "channel"), param(q, "ts")));
  });
  get("/sandbox/api/ephemerals", (_req, res, ctx) =>
    sendJson(res, 200, emulator.ephemerals({ userId: param(ctx.query(), "user") })),
  );
  get("/sandbox/api/views", (_req, res, ctx) => {
    const user = param(ctx.query(), "user");
    sendJson(res, 200, { modals: emulator.openModals(user), home: emulator.homeView(user) ?? null });
  });
  return registerEventStream(sandbox);
}

function workspace(sandbox: SandboxContext) {
  const { emulator, app } = sandbox;
  const set = app.contracts.current();
  const users: Record<string, string> = { [emulator.team.botUserId]: "Tollgate" };
  for (const user of emulator.users()) users[user.id] = user.realName ?? user.name;
  const channels = channelsFor(set);
  const channelNames = Object.fromEntries(channels.map((c) => [c.id, c.name]));
  return {
    team: emulator.team,
    people: SANDBOX_PEOPLE,
    channels,
    users,
    channelNames,
    environments: set.order,
  };
}

/** One `data:` line per emulator change. Streams end when the server starts shutting down. */
function registerEventStream(sandbox: SandboxContext): { closeStreams(): void } {
  const { app, emulator } = sandbox;
  const streams = new Set<ServerResponse>();
  const closeStreams = () => {
    for (const res of streams) res.end();
    streams.clear();
  };
  // NOTE: the server drains requests in flight before stop hooks run; an open stream would hold
  // shutdown for the whole grace period, so streams are ended as soon as stopping begins.
  const watch = setInterval(() => {
    if (app.http.state() === "stopping") closeStreams();
  }, 200);
  watch.unref();
  const heartbeat = setInterval(() => {
    for (const res of streams) res.write(": keep-alive\n\n");
  }, 15_000);
  heartbeat.unref();
  const onChange = (change: EmulatorChange) => {
    const line = `data: ${JSON.stringify(change)}\n\n`;
    for (const res of streams) res.write(line);
  };
  emulator.on("change", onChange);
  app.onStop(() => {
    clearInterval(watch);
    clearInterval(heartbeat);
    emulator.off("change", onChange);
    closeStreams();
  });
  app.http.route("GET", "/sandbox/api/events", (req, res) => {
    res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    });
    res.write("retry: 1000\n\n");
    streams.add(res);
    req.on("close", () => streams.delete(res));
  });
  return { closeStreams };
}
