/**
 * The built server (`node bin/tollgate.js start`) as a child process on a free port, as operators
 * run it. Needs `npm run build` first (`npm test` does it).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { REPO_ROOT, TEST_SECRET } from "./test-app.js";

export interface SpawnedTollgate {
  child: ChildProcess;
  baseUrl: string;
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === "object" && address ? address.port : 0;
}

export async function spawnTollgate(
  dbPath: string,
  env: Record<string, string> = {},
): Promise<SpawnedTollgate> {
  if (!existsSync(join(REPO_ROOT, "dist", "src", "cli", "main.js")))
    throw new Error("run `npm run build` first");
  const port = await freePort();
  const child = spawn(process.execPath, [join(REPO_ROOT, "bin", "tollgate.js"), "start"], {
    env: {
      PATH: process.env.PATH ?? "",
      DATABASE_URL: dbPath,
      TOLLGATE_WEBHOOK_SECRETS: TEST_SECRET,
      HOST: "127.0.0.1",
      PORT: String(port),
      CONTRACTS_DIR: join(REPO_ROOT, "contracts"),
      LOG_LEVEL: "warn",
      ...env,
    },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`tollgate exited ${child.exitCode}: ${stderr}`);
    const ready = await fetch(`${baseUrl}/readyz`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`tollgate did not become ready: ${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { child, baseUrl, stderr: () => stderr, exited };
}
