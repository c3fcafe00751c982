/** `tollgate <command>`: each command lives in its own module and is loaded only when used. */
import { readFileSync } from "node:fs";
import { didYouMean } from "../adapters/contracts/suggest.js";
import type { CliCommand, CliIo } from "./io.js";

const COMMANDS: Record<string, { summary: string; load: () => Promise<CliCommand> }> = {
  start: { summary: "run the bot", load: async () => (await import("./start.js")).runStart },
  migrate: {
    summary: "apply pending database migrations",
    load: async () => (await import("./migrate.js")).runMigrate,
  },
  contracts: {
    summary: "contracts check [DIR]: validate contract files",
    load: async () => (await import("./contracts.js")).runContracts,
  },
  report: {
    summary: "sign and send evidence (e.g. --junit results.xml)",
    load: async () => (await import("./report.js")).runReport,
  },
  snapshot: {
    summary: "send an environment snapshot",
    load: async () => (await import("./snapshot.js")).runSnapshot,
  },
  assert: {
    summary: "pipeline gate: <artifact> --to <env>",
    load: async () => (await import("./assert.js")).runAssert,
  },
  audit: { summary: "audit verify | audit export", load: async () => (await import("./audit.js")).runAudit },
};

export function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`);
  return `Usage: tollgate <command> [options]\n\nCommands:\n${lines.join("\n")}\n`;
}

export async function runCli(
  argv: string[],
  env: Record<string, string | undefined>,
  io?: Partial<CliIo>,
): Promise<number> {
  const fullIo: CliIo = {
    env,
    stdout: io?.stdout ?? processStdout(),
    stderr: io?.stderr ?? ((text) => process.stderr.write(text)),
    cwd: io?.cwd ?? process.cwd(),
  };
  const [name, ...rest] = argv;
  if (name === undefined || HELP.has(name)) {
    // `tollgate help report` is `tollgate report --help`.
    const topic = name === "help" ? rest[0] : undefined;
    if (topic !== undefined && !HELP.has(topic)) return runCommand(topic, ["--help"], fullIo);
    fullIo.stdout(usage());
    return name === undefined ? 64 : 0;
  }
  if (VERSION.has(name)) {
    fullIo.stdout(`tollgate ${packageVersion()}\n`);
    return 0;
  }
  return runCommand(name, rest, fullIo);
}

const HELP = new Set(["help", "--help", "-h"]);
// NOTE: -v as well as -V: many CLIs take either, and -v means nothing else here.
const VERSION = new Set(["--version", "-V", "-v", "version"]);

async function runCommand(name: string, argv: string[], io: CliIo): Promise<number> {
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (command === undefined) {
    io.stderr(`tollgate: unknown command "${name}"${didYouMean(name, Object.keys(COMMANDS))}\n\n${usage()}`);
    return 64;
  }
  return (await command.load())(argv, io);
}

/**
 * The process's stdout, for a reader that may stop early (`tollgate audit export | head -1`) and
 * close the pipe. Unix tools end quietly on SIGPIPE; Node ignores that signal and emits EPIPE,
 * which crashed the CLI with a stack trace. Once the reader has gone, output is dropped and the
 * command still ends with its own status: `contracts check | head` stays 1 under pipefail.
 */
function processStdout(): (text: string) => void {
  let readerGone = false;
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE") throw error;
    readerGone = true;
  });
  return (text) => {
    if (!readerGone) process.stdout.write(text);
  };
}

/** From package.json: two folders up from src/cli/, three from dist/src/cli/. */
function packageVersion(): string {
  for (const up of ["../../package.json", "../../../package.json"]) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(up, import.meta.url), "utf8")) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === "tollgate" && pkg.version !== undefined) return pkg.version;
    } catch {
      // not this folder
    }
  }
  return "unknown";
}
