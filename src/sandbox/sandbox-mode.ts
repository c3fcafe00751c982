/**
 * Sandbox mode (SPEC §9): what `npm start` does without SLACK_BOT_TOKEN. Starts the embedded
 * Slack emulator seeded with the sample people and groups, loads (or generates and saves) this
 * sandbox's secrets, and returns the configuration the composition root builds the real bot
 * from — Slack pointed at the emulator — plus the module that serves the page, the sample
 * traffic, the fake deployer, and the banner.
 *
 * Wiring (main.ts): `const sandbox = await prepareSandbox(config, { env })`, then build the app
 * from `sandbox.config`, pass `sandbox.env` to promotionAppModule({ env }), `sandbox.slackOptions`
 * to slackAppModule, and add `sandbox.emulatorModule` first and `sandbox.module` to the modules.
 */
import type { AppModule } from "../app.js";
import type { Config } from "../config.js";
import { sandboxDeployUrl } from "./sandbox-deploy-url.js";
import { sandboxEmulatorModule, sandboxModule } from "./sandbox-module.js";
import { SANDBOX_GROUPS, SANDBOX_PEOPLE } from "./sandbox-people.js";
import { loadSandboxSecrets, type SandboxSecrets, sandboxFile } from "./sandbox-secrets.js";
import { type SlackEmulator, startSlackEmulator } from "./slack-emulator/index.js";
import { slackStateFile } from "./slack-state-file.js";

/** The env var the example prod contract's `deploy.webhook.secret_env` names. */
export const SANDBOX_DEPLOY_SECRET_ENV = "TOLLGATE_SANDBOX_DEPLOY_SECRET";

export interface SandboxOptions {
  /** The process environment, for deploy-hook secrets; the sandbox's own deployer secret is added. */
  env?: Record<string, string | undefined>;
  /** Where the start-up banner goes (default stdout). */
  print?: (text: string) => void;
  /** How long the fake deployer takes before it reports `succeeded` (default 1500 ms). */
  deployDelayMs?: number;
}

export interface Sandbox {
  /** `config` with Slack pointed at the emulator and the sandbox webhook secret accepted. */
  config: Config;
  /** For promotionAppModule({ env }): the caller's env plus the sandbox deploy secret. */
  env: Record<string, string | undefined>;
  /**
   * For promotionAppModule: deploy hooks aimed at `http://localhost:<any>/sandbox/deployer/…` go to
   * the port this process really listens on (the example contract says 3000; PORT may differ).
   */
  promotionOptions: { deployHookUrl(url: string): string };
  /** For slackAppModule: short coalescing so the page shows an update within a second. */
  slackOptions: { coalesce: { quietMs: number; maxWaitMs: number } };
  secrets: SandboxSecrets;
  emulator: SlackEmulator;
  /** Page, live events, acting as users, sample traffic, deployer, banner. */
  module: AppModule;
  /**
   * Restores the emulator's messages from `<data dir>/sandbox-slack.json`, saves them, and closes
   * the emulator at stop; goes first in the module list, so it stops last.
   */
  emulatorModule: AppModule;
}

export async function prepareSandbox(config: Config, options: SandboxOptions = {}): Promise<Sandbox> {
  const { secrets: saved, created } = loadSandboxSecrets(sandboxFile(config.databasePath));
  // NOTE: SPEC §3 accepts exactly TOLLGATE_WEBHOOK_SECRETS. When the operator sets them, the page
  // signs its samples with the first, and the generated secret is neither accepted nor printed.
  const operatorSecret = config.webhookSecrets[0];
  const secrets: SandboxSecrets = { ...saved, webhookSecret: operatorSecret ?? saved.webhookSecret };
  const emulator = await startSlackEmulator({
    tokens: [secrets.botToken],
    users: SANDBOX_PEOPLE.map(({ role: _role, ...user }) => user),
    userGroups: SANDBOX_GROUPS,
  });
  const sandboxConfig: Config = {
    ...config,
    slack: {
      ...config.slack,
      botToken: secrets.botToken,
      signingSecret: secrets.signingSecret,
      apiUrl: emulator.apiUrl,
    },
    webhookSecrets: operatorSecret === undefined ? [saved.webhookSecret] : config.webhookSecrets,
  };
  // Known once the sandbox module is registered and the listener is up.
  let selfUrl: (() => string) | undefined;
  const listening = (): string | undefined => {
    try {
      return selfUrl?.();
    } catch {
      return undefined;
    }
  };
  return {
    config: sandboxConfig,
    env: { ...options.env, [SANDBOX_DEPLOY_SECRET_ENV]: secrets.deploySecret },
    promotionOptions: { deployHookUrl: (url) => sandboxDeployUrl(url, listening()) },
    slackOptions: { coalesce: { quietMs: 150, maxWaitMs: 800 } },
    secrets,
    emulator,
    emulatorModule: sandboxEmulatorModule(emulator, {
      stateFile: slackStateFile(config.databasePath),
      // sandbox.json existed: this data folder ran a sandbox before, so its cards are in SQLite.
      previousRun: !created,
    }),
    module: sandboxModule({
      emulator,
      secrets,
      secretShown: operatorSecret === undefined,
      print: options.print ?? ((text) => process.stdout.write(text)),
      deployDelayMs: options.deployDelayMs ?? 1500,
      onContext: (context) => {
        selfUrl = context.selfUrl;
      },
    }),
  };
}
