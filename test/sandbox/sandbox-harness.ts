/**
 * The real app in sandbox mode for tests: prepareSandbox → createApp with the promotions, Slack
 * and sandbox modules (composed as main.ts does), on 127.0.0.1:0 with a temp data dir and a
 * copy of the example contracts made safe for any day: freeze windows removed, soak shortened,
 * and the prod deploy hook pointed at this instance's own sandbox deployer.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type App, createApp } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";
import { productModules } from "../../src/modules/index.js";
import { prepareSandbox, type Sandbox } from "../../src/sandbox/sandbox-mode.js";

export interface SandboxApp {
  app: App;
  sandbox: Sandbox;
  baseUrl: string;
  banner: string;
  dataDir: string;
  close(): Promise<void>;
}

/** The example contracts, minus anything that depends on the day or takes minutes. */
export function testContracts(sourceDir: string, targetDir: string, deployUrl: string): void {
  for (const name of readdirSync(sourceDir).filter((n) => n.endsWith(".yml"))) {
    const text = readFileSync(join(sourceDir, name), "utf8")
      .replace(/^freeze:\n(?:\s+(?:-|#).*\n)+/m, "")
      .replace(/soak: \S+/, "soak: 1s")
      .replace(/url: http:\/\/localhost:3000\/sandbox\/deployer\/prod/, `url: ${deployUrl}`);
    writeFileSync(join(targetDir, name), text);
  }
}

export async function startSandboxApp(options: { contractsDir?: string } = {}): Promise<SandboxApp> {
  const dataDir = mkdtempSync(join(tmpdir(), "tollgate-sandbox-"));
  const contractsDir = join(dataDir, "contracts");
  mkdirSync(contractsDir);
  // The deploy hook needs our port before the app exists: contracts are rewritten after listen.
  testContracts(
    options.contractsDir ?? "contracts",
    contractsDir,
    "http://127.0.0.1:9/sandbox/deployer/prod",
  );
  const config = loadConfig({
    DATABASE_URL: join(dataDir, "tollgate.db"),
    CONTRACTS_DIR: contractsDir,
    HOST: "127.0.0.1",
    PORT: "0",
    LOG_LEVEL: "silent",
  });
  let banner = "";
  const sandbox = await prepareSandbox(config, {
    env: {},
    print: (text) => {
      banner += text;
    },
    deployDelayMs: 300,
  });
  const modules = productModules({
    env: sandbox.env,
    promotions: { executor: { baseDelayMs: 200, maxDelayMs: 2000 } },
    slack: sandbox.slackOptions,
    extra: [sandbox.module],
  });
  const app = await createApp(sandbox.config, {
    modules,
    drainMs: 1000,
  });
  const address = await app.listen();
  const baseUrl = `http://127.0.0.1:${address.port}`;
  testContracts(options.contractsDir ?? "contracts", contractsDir, `${baseUrl}/sandbox/deployer/prod`);
  const reload = app.reloadContracts();
  if (!reload.ok) throw new Error(`contract reload failed: ${JSON.stringify(reload)}`);
  return {
    app,
    sandbox,
    baseUrl,
    get banner() {
      return banner;
    },
    dataDir,
    async close() {
      await app.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
