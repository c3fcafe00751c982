/**
 * Start and stop (SPEC §1). The only module that reads process.env, and only when run directly;
 * `tollgate start` passes its environment in. SIGTERM/SIGINT drain and exit 0, SIGHUP reloads
 * contracts, and configuration or contract problems exit 78 (EX_CONFIG) with every problem listed.
 */
import { pathToFileURL } from "node:url";
import { contractSetProblem } from "./adapters/contracts/index.js";
import { type App, type AppModule, createApp } from "./app.js";
import { type Config, DEFAULT_CONTRACTS_DIR, loadConfig } from "./config.js";
import { type CodedError, isCodedError } from "./errors.js";
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
  let app: App | undefined;
  let sandbox: Sandbox | undefined;
  const early = earlySignals();
  try {
    const composition = await composeTollgate(checkedConfig(env), env, io.stdout);
    sandbox = composition.sandbox;
    const modules = options.modules?.(composition.config) ?? composition.modules;
    app = await createApp(composition.config, { modules });
    const address = await app.listen();
    options.onListening?.(app, address.port);
    return runUntilSignalled(app, early);
  } catch (error) {
    early.release();
    // NOTE: a listener that fails (port taken, address not on this host) does so after the app has
    // opened its database, writer thread and timers; left open they kept the process running with
    // nothing listening, which a supervisor takes for a healthy bot.
    await app?.stop().catch(() => undefined);
    await sandbox?.emulator.close();
    return startFailure(error, io);
  }
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

/** Configuration or contract problems, all of them, found before anything was opened. */
class StartRefused extends Error {
  constructor(readonly problems: CodedError[]) {
    super(problems.map((p) => p.message).join("\n"));
  }
}

/**
 * The configuration, once it and the contract set it names are both valid. Both are checked before
 * the database, the sandbox's files or a listener are touched, and their problems are reported in
 * one go (SPEC §1): fixing the environment must not reveal a second round of contract errors.
 */
function checkedConfig(env: Record<string, string | undefined>): Config {
  const problems: CodedError[] = [];
  let config: Config | undefined;
  try {
    config = loadConfig(env);
  } catch (error) {
    if (!isCodedError(error, "config_invalid")) throw error;
    problems.push(error);
  }
  const dir = config?.contractsDir ?? (env.CONTRACTS_DIR?.trim() || DEFAULT_CONTRACTS_DIR);
  const contracts = contractSetProblem(dir);
  if (contracts !== undefined) problems.push(contracts);
  if (config === undefined || problems.length > 0) throw new StartRefused(problems);
  return config;
}

function startFailure(error: unknown, io: StartIo): number {
  const refused = error instanceof StartRefused ? error.problems : [];
  if (isCodedError(error, "config_invalid") || isCodedError(error, "contract_invalid")) refused.push(error);
  if (refused.length > 0) {
    for (const problem of refused)
      io.stderr(`tollgate: ${problem.message}\n${problem.hint ? `hint: ${problem.hint}\n` : ""}`);
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
