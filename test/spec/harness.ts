/**
 * Black-box harness for the SPEC conformance suite: the BUILT product (`node bin/tollgate.js`,
 * needs `npm run build`) spawned with environment variables only, plain HTTP, and signatures
 * computed here from the SPEC formula — deliberately independent of src/adapters/http/v1-signature.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createHash, createHmac } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const BIN = join(ROOT, "bin", "tollgate.js");
export const EX_CONFIG = 78;

/** SPEC §3: `v1=` + hex HMAC-SHA256(secret, "v1:" + timestamp + ":" + raw body). */
export function v1Signature(secret: string, timestamp: number | string, raw: string | Buffer): string {
  const mac = createHmac("sha256", secret);
  mac.update(`v1:${timestamp}:`);
  mac.update(raw);
  return `v1=${mac.digest("hex")}`;
}

/** GitHub's `X-Hub-Signature-256`: `sha256=` + hex HMAC-SHA256(secret, raw body). */
export function githubSignature(secret: string, raw: string | Buffer): string {
  return `sha256=${createHmac("sha256", secret).update(raw).digest("hex")}`;
}

export function sha256Digest(seed: string): string {
  return `sha256:${createHash("sha256").update(seed).digest("hex")}`;
}

export const nowSeconds = (): number => Math.floor(Date.now() / 1000);

export interface HttpAnswer {
  status: number;
  headers: Headers;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: answers are asserted field by field
  body: any;
}

async function answer(response: Response): Promise<HttpAnswer> {
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: response.status, headers: response.headers, text, body };
}

export interface SignedOptions {
  secret: string;
  timestamp?: number;
  delivery?: string;
  contentType?: string;
  headers?: Record<string, string>;
}

/** A signed write exactly as SPEC §3 describes it. */
export async function postSigned(
  baseUrl: string,
  path: string,
  body: unknown,
  options: SignedOptions,
): Promise<HttpAnswer> {
  const raw = typeof body === "string" ? body : JSON.stringify(body);
  const timestamp = options.timestamp ?? nowSeconds();
  const headers: Record<string, string> = {
    "content-type": options.contentType ?? "application/json",
    "x-tollgate-timestamp": String(timestamp),
    "x-tollgate-signature": v1Signature(options.secret, timestamp, raw),
    ...(options.delivery === undefined ? {} : { "x-tollgate-delivery": options.delivery }),
    ...options.headers,
  };
  return answer(await fetch(new URL(path, baseUrl), { method: "POST", headers, body: raw }));
}

export async function get(baseUrl: string, path: string, token?: string): Promise<HttpAnswer> {
  const headers: Record<string, string> = token === undefined ? {} : { authorization: `Bearer ${token}` };
  return answer(await fetch(new URL(path, baseUrl), { headers }));
}

export async function rawPost(
  baseUrl: string,
  path: string,
  raw: string,
  headers: Record<string, string>,
): Promise<HttpAnswer> {
  return answer(await fetch(new URL(path, baseUrl), { method: "POST", headers, body: raw }));
}

/**
 * A signed POST over node:http that still returns an answer the server sends before it has read
 * the whole body (SPEC §3: bodies over the limit are refused before they are read in full);
 * fetch reports such early answers as a write error instead.
 */
export function postSignedEarly(
  baseUrl: string,
  path: string,
  raw: string,
  secret: string,
): Promise<{ status: number; text: string }> {
  const timestamp = nowSeconds();
  const headers = {
    "content-type": "application/json",
    "content-length": String(Buffer.byteLength(raw)),
    "x-tollgate-timestamp": String(timestamp),
    "x-tollgate-signature": v1Signature(secret, timestamp, raw),
  };
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = request(new URL(path, baseUrl), { method: "POST", headers, agent: false }, (res) => {
      answered = true;
      let text = "";
      res.on("data", (c: Buffer) => {
        text += c.toString();
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on("error", (error) => {
      if (!answered) reject(error);
    });
    req.end(raw);
  });
}

/** Temp folders removed by `cleanupTemp()` (call it in afterAll). */
const temps: string[] = [];
export function tempDir(prefix = "tollgate-spec-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
}
export function cleanupTemp(): void {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export function writeFiles(dir: string, files: Record<string, string>): string {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

/** Only what the test passes: never the developer's own TOLLGATE_* or SLACK_* variables. */
function childEnv(env: Record<string, string>): Record<string, string> {
  return { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? tmpdir(), ...env };
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(
  args: string[],
  env: Record<string, string> = {},
  options: { cwd?: string; timeoutMs?: number } = {},
): Promise<CliResult> {
  if (!existsSync(join(ROOT, "dist", "src", "cli", "main.js"))) throw new Error("run `npm run build` first");
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: childEnv(env),
      cwd: options.cwd ?? ROOT,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => {
      stdout += c.toString();
    });
    child.stderr.on("data", (c: Buffer) => {
      stderr += c.toString();
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 20_000);
    child.once("error", reject);
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export interface Running {
  child: ChildProcess;
  baseUrl: string;
  port: number;
  stdout(): string;
  stderr(): string;
  // biome-ignore lint/suspicious/noExplicitAny: JSON log lines
  logs(): any[];
  /** SIGTERM, then the exit code (SPEC: a signalled stop drains and exits 0). */
  stop(): Promise<number | null>;
}

export interface StartOptions {
  cwd?: string;
  /** The command line instead of `node bin/tollgate.js start` (e.g. `npm start`). */
  command?: { file: string; args: string[] };
  timeoutMs?: number;
}

/** Starts the server and learns its port from the `"msg":"listening"` log line (needs LOG_LEVEL ≤ info). */
export async function startServer(env: Record<string, string>, options: StartOptions = {}): Promise<Running> {
  const command = options.command ?? { file: process.execPath, args: [BIN, "start"] };
  const child = spawn(command.file, command.args, {
    env: childEnv({ HOST: "127.0.0.1", PORT: "0", ...env }),
    cwd: options.cwd ?? ROOT,
    stdio: ["ignore", "pipe", "pipe"],
    // npm start runs node as a grandchild: a group lets stop() signal the whole tree.
    detached: options.command !== undefined,
  });
  let stdout = "";
  let stderr = "";
  child.stderr?.on("data", (c: Buffer) => {
    stderr += c.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const logs = () =>
    stdout
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .flatMap((line) => {
        try {
          return [JSON.parse(line)];
        } catch {
          return [];
        }
      });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      // A server that never listens must not outlive the test (it may ignore SIGTERM, too).
      child.kill("SIGKILL");
      reject(new Error(`no "listening" log line in time\n${stdout}\n${stderr}`));
    }, options.timeoutMs ?? 20_000);
    child.stdout?.on("data", (c: Buffer) => {
      stdout += c.toString();
      const line = logs().find((l) => l.msg === "listening");
      if (line) {
        clearTimeout(timer);
        resolve(line.port as number);
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`tollgate exited ${code} before listening\n${stdout}\n${stderr}`));
    });
  });
  const signal = (name: NodeJS.Signals) => {
    if (child.exitCode !== null || child.pid === undefined) return;
    if (options.command !== undefined) process.kill(-child.pid, name);
    else child.kill(name);
  };
  return {
    child,
    port,
    baseUrl: `http://127.0.0.1:${port}`,
    stdout: () => stdout,
    stderr: () => stderr,
    logs,
    async stop() {
      signal("SIGTERM");
      const timer = setTimeout(() => signal("SIGKILL"), 10_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

export async function until<T>(
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 10_000,
  what = "condition",
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 30));
  }
}

/** An evidence body of SPEC §3.1. */
export function evidence(
  artifact: Record<string, unknown>,
  name: string,
  status = "passed",
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return { artifact, kind: "test", name, status, ...extra };
}
