/**
 * For commands that take no options (`start`, `migrate`, `audit verify`): `--help` prints the usage
 * and exits 0, anything else on the line is a usage error (64). A misspelt flag used to be ignored,
 * so `tollgate start --help` started the bot.
 */
import type { CliIo } from "./io.js";

export const EX_USAGE = 64;
/** sysexits.h EX_CONFIG, as `start` uses for bad configuration (SPEC §1). */
export const EX_CONFIG = 78;

/** The exit status when the command must not run, or undefined when it should. */
export function refuseArguments(
  command: string,
  argv: string[],
  usage: string,
  io: CliIo,
): number | undefined {
  if (argv.includes("--help") || argv.includes("-h")) {
    io.stdout(usage);
    return 0;
  }
  if (argv.length === 0) return undefined;
  io.stderr(`tollgate ${command}: unexpected argument ${JSON.stringify(argv[0])}\n${usage}`);
  return EX_USAGE;
}
