/** Servers for the benchmarks, each in its own process, plus the disk's own commit latency. */
import { type ChildProcess, spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");

export const CONTRACTS_DIR = join(root, "contracts");
export const BENCH_BOT_TOKEN = "xoxb-bench-token";

/** Tollgate as configured in production: HTTP mode, Slack at `slackPort` (slack-api-server.ts). */
export function tollgateEnv(dbPath: string, secret: string, slackPort: number): Record<string, string> {
  return {
    DATABASE_URL: dbPath,
    TOLLGATE_WEBHOOK_SECRETS: secret,
    HOST: "127.0.0.1",
    CONTRACTS_DIR,
    LOG_LEVEL: "info",
    SLACK_BOT_TOKEN: BENCH_BOT_TOKEN,
    SLACK_SIGNING_SECRET: "bench-signing-secret",
    SLACK_API_URL: `http://127.0.0.1:${slackPort}/api/`,
  };
}

export async function startProcess(
  which: "bare-server" | "tollgate" | "slack-api",
  env: Record<string, string>,
): Promise<{ port: number; pid: number | undefined; stop(): Promise<void> }> {
  const port = await freePort();
  const args =
    which === "tollgate"
      ? [join(root, "bin", "tollgate.js"), "start"]
      : which === "slack-api"
        ? [join(here, "slack-api-server.js"), String(port), CONTRACTS_DIR, BENCH_BOT_TOKEN]
        : [join(here, "bare-server.js"), String(port)];
  const child: ChildProcess = spawn(process.execPath, [...profileFlags(`${which}-${port}`), ...args], {
    env: { PATH: process.env.PATH ?? "", ...env, PORT: String(port) },
    // Logs go where a service manager would put them; a pipe nobody drains would stall the server.
    stdio: ["ignore", "ignore", "inherit"],
  });
  await waitUntilServing(port, child).catch((error: unknown) => {
    child.kill("SIGKILL");
    throw error;
  });
  return {
    port,
    pid: child.pid,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

/**
 * BENCH_CPU_PROFILE_DIR=<dir>: each bench process writes V8 `.cpuprofile` files into `<dir>/<name>/`
 * when it stops, one per thread (a fixed file name would let the worker threads overwrite the main
 * thread's profile).
 */
export function profileFlags(name: string): string[] {
  const dir = process.env.BENCH_CPU_PROFILE_DIR;
  return dir
    ? [
        "--cpu-prof",
        `--cpu-prof-dir=${join(dir, name)}`,
        `--cpu-prof-interval=${process.env.BENCH_CPU_PROFILE_INTERVAL_US ?? 1000}`,
      ]
    : [];
}

/** What one durable commit costs on this disk right now: the floor under any p99. */
export function fsyncLatency(path: string): { p50Ms: number; p99Ms: number } {
  const db = new Database(path);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = FULL");
  db.exec("CREATE TABLE t (v TEXT)");
  const insert = db.prepare("INSERT INTO t VALUES ('x')");
  const times: number[] = [];
  for (let i = 0; i < 200; i++) {
    const started = performance.now();
    insert.run();
    times.push(performance.now() - started);
  }
  db.close();
  rmSync(path, { force: true });
  times.sort((a, b) => a - b);
  return { p50Ms: times[100] ?? 0, p99Ms: times[198] ?? 0 };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === "object" && address ? address.port : 0;
}

async function waitUntilServing(port: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    const serving = await fetch(`http://127.0.0.1:${port}/readyz`).then(
      (r) => r.status !== 503,
      () => false,
    );
    if (serving) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`server on ${port} did not start`);
}
