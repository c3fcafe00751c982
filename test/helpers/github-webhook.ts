/**
 * A real Tollgate with the GitHub route: SQLite file with migrations, real stores and group
 * commit, the HTTP server on 127.0.0.1 port 0. Requests are signed with the product's signGithub.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { registerGithubRoutes } from "../../src/adapters/http/github-routes.js";
import { signGithub } from "../../src/adapters/http/github-signature.js";
import { createMetrics } from "../../src/adapters/http/metrics.js";
import { createHttpServer } from "../../src/adapters/http/server.js";
import { createLogger } from "../../src/adapters/log.js";
import { createStores, type Stores } from "../../src/adapters/sqlite/stores.js";
import { type ChangeEvent, createChangeBus } from "../../src/flows/ports.js";
import { SHARED_FIXTURES } from "./shared-fixtures.js";
import { createTestDb, type TestDb } from "./test-db.js";

export const GITHUB_FIXTURES = `${SHARED_FIXTURES}/github-webhooks`;
export const EXAMPLE_DIR = join(GITHUB_FIXTURES, "signed-delivery-example");
/** secret.txt has no trailing newline; read as-is, as the README says. */
export const EXAMPLE_SECRET = readFileSync(join(EXAMPLE_DIR, "secret.txt"), "utf8");

export interface GithubServer {
  baseUrl: string;
  stores: Stores;
  events: ChangeEvent[];
  db: TestDb;
  close(): Promise<void>;
}

export interface Reply {
  status: number;
  body: Record<string, unknown>;
}

export async function startGithubServer(options: {
  secret: string | undefined;
  now?: Date;
}): Promise<GithubServer> {
  const db = createTestDb();
  const stores = createStores(db.db);
  const bus = createChangeBus();
  const events: ChangeEvent[] = [];
  bus.subscribe((event) => events.push(event));
  const now = options.now ?? new Date("2026-11-27T10:00:00Z");
  const http = createHttpServer({
    logger: createLogger({ level: "silent", secrets: [] }),
    metrics: createMetrics(),
  });
  registerGithubRoutes(http, {
    secret: options.secret,
    deps: { store: stores.intake, bus, clock: { now: () => now }, artifacts: stores.artifacts },
  });
  http.setState("ready");
  const address = await http.listen(0, "127.0.0.1");
  return {
    baseUrl: `http://127.0.0.1:${address.port}`,
    stores,
    events,
    db,
    async close() {
      await http.close(1000);
      await stores.intake.drain();
      db.cleanup();
    },
  };
}

export function fixture(file: string): Buffer {
  return readFileSync(join(GITHUB_FIXTURES, file));
}

/** A fixture with some fields changed, for cases GitHub's samples do not cover. */
export function derived(file: string, change: (payload: Record<string, unknown>) => void): string {
  const payload = JSON.parse(fixture(file).toString("utf8")) as Record<string, unknown>;
  change(payload);
  return JSON.stringify(payload);
}

/** Sets a nested field of a parsed payload; a string path is dotted, an array is taken as keys. */
export function set(payload: Record<string, unknown>, path: string | string[], value: unknown): void {
  const keys = typeof path === "string" ? path.split(".") : path;
  let at = payload;
  for (const key of keys.slice(0, -1)) at = at[key] as Record<string, unknown>;
  at[keys.at(-1) as string] = value;
}

/** POSTs raw bytes with exactly these headers. */
export async function postRaw(
  baseUrl: string,
  body: Buffer | string,
  headers: Record<string, string>,
): Promise<Reply> {
  const response = await fetch(`${baseUrl}/api/v1/github`, { method: "POST", headers, body });
  const text = await response.text();
  return { status: response.status, body: text === "" ? {} : (JSON.parse(text) as Record<string, unknown>) };
}

/** Sends a delivery the way GitHub does, signed with `secret`. */
export function deliver(
  server: Pick<GithubServer, "baseUrl">,
  event: string,
  body: Buffer | string,
  options: { secret: string; delivery: string; headers?: Record<string, string> },
): Promise<Reply> {
  return postRaw(server.baseUrl, body, {
    "content-type": "application/json",
    "user-agent": "GitHub-Hookshot/044aadd",
    "x-github-event": event,
    "x-github-delivery": options.delivery,
    "x-hub-signature-256": signGithub(options.secret, body),
    ...options.headers,
  });
}
