/**
 * Start and stop (SPEC §1). The only module that reads process.env, and only when run directly;
 * `tollgate start` passes its environment in. SIGTERM/SIGINT drain and exit 0, SIGHUP reloads
 * contracts, and configuration or contract problems exit 78 (EX_CONFIG) with every problem listed.
 */
import { pathToFileURL } from "node:url";
import { type App, type AppModule, createApp } from "./app.js";
import { type Config, loadConfig } from "./config.js";
import { isCodedError } from "./errors.js";
import { composeTollgate } from "./modules/index.js";
import type { Sandbox } from "./sandbox/sandbox-mode.js";

export const EX_CONFIG = 78;

export interface StartIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

export interface StartOptions {
  /** Replaces the product's modules (tests of the core alone). */
  modules?: (config: Config) => AppModule[];
  /** Called once the listener is up (tests use it to learn the port). */
  onListening?: (app: App, port: number) => void;
}

export async function startTollgate(
  env: Record<string, string | undefined>,
  io: StartIo,
  options: StartOptions = {},
): Promise<number> {
  let app: App;
  let sandbox: Sandbox | undefined;
  const early = earlySignals();
  try {
    const composition = await composeTollgate(loadConfig(env), env, io.stdout);
    sandbox = composition.sandbox;
    const modules = options.modules?.(composition.config) ?? composition.modules;
    app = await createApp(composition.config, { modules });
    const address = await app.listen();
    options.onListening?.(app, address.port);
  } catch (error) {
    early.release();
    await sandbox?.emulator.close();
    return startFailure(error, io);
  }
  return runUntilSignalled(app, early);
}

interface EarlySignals {
  received(): NodeJS.Signals | undefined;
  /** A SIGHUP arrived while starting: the contracts loaded may predate the operator's edit. */
  reloadWanted(): boolean;
  release(): void;
}

/**
 * Listens for SIGTERM/SIGINT from the very start. NOTE: with no listener installed, Node leaves
 * the signal's default action (die at once), so a stop sent just after the "listening" line —
 * before runUntilSignalled installs its handlers — would skip the drain. It is remembered instead.
 */
function earlySignals(): EarlySignals {
  let received: NodeJS.Signals | undefined;
  let hup = false;
  const remember = (signal: NodeJS.Signals) => {
    received ??= signal;
  };
  const rememberHup = () => {
    hup = true;
  };
  process.on("SIGTERM", remember).on("SIGINT", remember).on("SIGHUP", rememberHup);
  return {
    received: () => received,
    reloadWanted: () => hup,
    release: () => {
      process.off("SIGTERM", remember).off("SIGINT", remember).off("SIGHUP", rememberHup);
    },
  };
}

function startFailure(error: unknown, io: StartIo): number {
  if (isCodedError(error, "config_invalid") || isCodedError(error, "contract_invalid")) {
    io.stderr(`tollgate: ${error.message}\n${error.hint ? `hint: ${error.hint}\n` : ""}`);
    return EX_CONFIG;
  }
  const code = isCodedError(error) ? `${error.code}: ` : "";
  io.stderr(`tollgate: could not start: ${code}${(error as Error).message}\n`);
  return 1;
}

function runUntilSignalled(app: App, early: EarlySignals): Promise<number> {
  const { logger } = app.context;
  return new Promise((resolve) => {
    const reload = () => app.reloadContracts();
    const stop = (signal: NodeJS.Signals) => {
      logger.info({ signal }, "signal received");
      process.off("SIGTERM", stop).off("SIGINT", stop).off("SIGHUP", reload);
      app.stop().then(
        () => resolve(0),
        (error: unknown) => {
          logger.error({ err: error }, "shutdown failed");
          resolve(1);
        },
      );
    };
    process.on("SIGTERM", stop).on("SIGINT", stop).on("SIGHUP", reload);
    early.release();
    const pending = early.received();
    if (pending !== undefined) stop(pending);
    else if (early.reloadWanted()) reload();
  });
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const code = await startTollgate(process.env, {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
  });
  process.exit(code);
}
