/**
 * The sandbox as an AppModule: seeds the emulator's channels from the contracts (again after
 * each reload), registers the page, its live event stream, acting as users, sample traffic and
 * the fake deployer, and prints the banner once listening. sandboxEmulatorModule closes the
 * emulator, last.
 */
import type { AppModule } from "../app.js";
import { registerActRoutes } from "./act-routes.js";
import { registerPageRoutes } from "./page-routes.js";
import { registerSampleRoutes } from "./sample-routes.js";
import { sandboxBanner } from "./sandbox-banner.js";
import { createSandboxContext, type SandboxContext } from "./sandbox-context.js";
import { registerDeployer } from "./sandbox-deployer.js";
import { isSandboxSurface, sandboxHostPolicy } from "./sandbox-hosts.js";
import { channelsFor } from "./sandbox-people.js";
import { type SandboxSecrets, sandboxFile } from "./sandbox-secrets.js";
import type { SlackEmulator } from "./slack-emulator/index.js";
import { createSlackStateSaver, loadSlackState } from "./slack-state-file.js";
import { registerStateRoutes } from "./state-routes.js";

export interface SandboxModuleOptions {
  emulator: SlackEmulator;
  secrets: SandboxSecrets;
  /** False when the webhook secret is the operator's own (TOLLGATE_WEBHOOK_SECRETS): never printed. */
  secretShown: boolean;
  print(text: string): void;
  deployDelayMs: number;
  /** Hands out the sandbox's context (its own address, for the deploy-hook URL mapping). */
  onContext?(sandbox: SandboxContext): void;
}

export function sandboxModule(options: SandboxModuleOptions): AppModule {
  const { emulator } = options;
  return {
    name: "sandbox",
    register(app) {
      const sandbox = createSandboxContext({
        app,
        emulator,
        secrets: options.secrets,
        deployDelayMs: options.deployDelayMs,
      });
      options.onContext?.(sandbox);
      app.http.restrictHosts(sandboxHostPolicy(app.config.host), isSandboxSurface);
      const seedChannels = () => emulator.setChannels(channelsFor(app.contracts.current()));
      seedChannels();
      const unsubscribe = app.bus.subscribe((event) => {
        if (event.type === "contracts_reloaded") seedChannels();
      });
      registerStateRoutes(sandbox);
      registerActRoutes(sandbox);
      registerSampleRoutes(sandbox);
      registerDeployer(sandbox);
      registerPageRoutes(sandbox);
      app.onStart(() =>
        options.print(
          sandboxBanner(
            sandbox.selfUrl(),
            app.config.port,
            options.secretShown ? options.secrets.webhookSecret : undefined,
            sandboxFile(app.config.databasePath),
          ),
        ),
      );
      app.onStop(() => unsubscribe());
    },
  };
}

/**
 * Restores the emulator's messages before the bot starts, saves them as they change, and at stop
 * saves them once more and closes the emulator (slack-state-file.ts). NOTE: a module of its own,
 * registered before every other one, so its stop hook runs last (hooks run in reverse): closed
 * earlier, the Slack outbox's final drain met a closed port and logged a retry warning for every
 * pending card update, and the saved state missed those updates.
 */
export function sandboxEmulatorModule(
  emulator: SlackEmulator,
  options: { stateFile: string; previousRun: boolean },
): AppModule {
  return {
    name: "sandbox-emulator",
    register(app) {
      const { logger } = app;
      loadSlackState(options.stateFile, emulator, { logger, previousRun: options.previousRun });
      const saver = createSlackStateSaver(options.stateFile, emulator, { logger });
      saver.start();
      app.onStop(async () => {
        await saver.stop();
        await emulator.close();
      });
    },
  };
}
