/**
 * The real app in sandbox mode for tests: composeTollgate → createApp (as main.ts does), on
 * 127.0.0.1:0 with a temp data dir and a copy of the example contracts made safe for any day:
 * freeze windows removed and soak shortened.
 * The prod deploy hook keeps the example's `http://localhost:3000/sandbox/deployer/prod`: sandbox
 * mode must reach its own deployer whatever port it listens on (here PORT=0).
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { type App, createApp } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";
import { composeTollgate } from "../../src/modules/index.js";
import type { Sandbox } from "../../src/sandbox/sandbox-mode.js";

export interface SandboxApp {
  app: App;
  sandbox: Sandbox;
  baseUrl: string;
  banner: string;
  dataDir: string;
  /** The contracts this instance loaded (the example ones, adjusted as described above). */
  contractsDir: string;
  /** The app's log lines at warn and above, parsed (only with `captureLogs`). */
  logs: Record<string, unknown>[];
  /** Stops the app and keeps the data folder, for a restart on it (`dataDir` option). */
  stop(): Promise<void>;
  close(): Promise<void>;
}

/** The example contracts, minus anything that depends on the day or takes minutes. */
export function testContracts(sourceDir: string, targetDir: string): void {
  for (const name of readdirSync(sourceDir).filter((n) => n.endsWith(".yml"))) {
    const text = readFileSync(join(sourceDir, name), "utf8")
      .replace(/^freeze:\n(?:\s+(?:-|#).*\n)+/m, "")
      .replace(/soak: \S+/, "soak: 1s");
    writeFileSync(join(targetDir, name), text);
  }
}

export async function startSandboxApp(
  options: {
    contractsDir?: string;
    env?: Record<string, string>;
    /** The data folder of a stopped SandboxApp, to start again on it (a restart). */
    dataDir?: string;
    /** Keep the app's warn/error lines in `logs` instead of silencing them. */
    captureLogs?: boolean;
  } = {},
): Promise<SandboxApp> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), "tollgate-sandbox-"));
  const contractsDir = join(dataDir, "contracts");
  mkdirSync(contractsDir, { recursive: true });
  testContracts(options.contractsDir ?? "contracts", contractsDir);
  const config = loadConfig({
    DATABASE_URL: join(dataDir, "tollgate.db"),
    CONTRACTS_DIR: contractsDir,
    HOST: "127.0.0.1",
    PORT: "0",
    LOG_LEVEL: options.captureLogs ? "warn" : "silent",
    ...options.env,
  });
  const logs: Record<string, unknown>[] = [];
  const logDestination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split("\n")) if (line) logs.push(JSON.parse(line));
      done();
    },
  });
  let banner = "";
  // Composed exactly as main.ts composes it, with shorter timings.
  const composition = await composeTollgate(
    config,
    {},
    (text) => {
      banner += text;
    },
    { sandboxDeployDelayMs: 300, promotions: { executor: { baseDelayMs: 200, maxDelayMs: 2000 } } },
  );
  const sandbox = composition.sandbox;
  if (sandbox === undefined) throw new Error("expected sandbox mode without SLACK_BOT_TOKEN");
  const app = await createApp(composition.config, {
    modules: composition.modules,
    drainMs: 1000,
    logDestination,
  });
  const address = await app.listen();
  const baseUrl = `http://127.0.0.1:${address.port}`;
  return {
    app,
    sandbox,
    baseUrl,
    get banner() {
      return banner;
    },
    dataDir,
    contractsDir,
    logs,
    async stop() {
      await app.stop();
    },
    async close() {
      await app.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
