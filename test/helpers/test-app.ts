/**
 * The real app (real SQLite file, real migrations, real HTTP server on 127.0.0.1:0) in this
 * process, with its JSON log lines captured for assertions.
 */
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { type App, type AppModule, createApp } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";
import type { Clock } from "../../src/flows/ports.js";

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const TEST_SECRET = "test-secret-0123456789abcdef";

export interface TestApp {
  app: App;
  baseUrl: string;
  dbPath: string;
  dir: string;
  logs: string[];
  stop(): Promise<void>;
}

export async function startTestApp(
  options: { env?: Record<string, string>; clock?: Clock; modules?: AppModule[] } = {},
): Promise<TestApp> {
  const dir = mkdtempSync(join(tmpdir(), "tollgate-app-"));
  const dbPath = join(dir, "tollgate.db");
  const config = loadConfig({
    DATABASE_URL: dbPath,
    TOLLGATE_WEBHOOK_SECRETS: TEST_SECRET,
    HOST: "127.0.0.1",
    PORT: "0",
    CONTRACTS_DIR: join(REPO_ROOT, "contracts"),
    LOG_LEVEL: "debug",
    ...options.env,
  });
  const logs: string[] = [];
  const logDestination = new Writable({
    write(chunk, _encoding, done) {
      logs.push(String(chunk));
      done();
    },
  });
  const app = await createApp(config, {
    logDestination,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.modules ? { modules: options.modules } : {}),
  });
  const address = await app.listen();
  return {
    app,
    baseUrl: `http://127.0.0.1:${address.port}`,
    dbPath,
    dir,
    logs,
    async stop() {
      await app.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A checksum of every row of every table, read through a separate connection. */
export function databaseFingerprint(dbPath: string): string {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
      .pluck()
      .all() as string[];
    const hash = createHash("sha256");
    for (const table of tables) {
      hash.update(`${table}\n`);
      for (const row of db.prepare(`SELECT * FROM "${table}" ORDER BY 1, 2`).raw().iterate()) {
        hash.update(JSON.stringify(row));
      }
    }
    return hash.digest("hex");
  } finally {
    db.close();
  }
}

export function countRows(dbPath: string, table: string): number {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    return db.prepare(`SELECT count(*) FROM "${table}"`).pluck().get() as number;
  } finally {
    db.close();
  }
}

export function digestOf(seed: string): string {
  return `sha256:${createHash("sha256").update(seed).digest("hex")}`;
}
