/** `tollgate start` (= `npm start`): runs the bot until SIGTERM/SIGINT; 78 on bad configuration. */
import { startTollgate } from "../main.js";
import type { CliIo } from "./io.js";
import { refuseArguments } from "./no-options.js";

const USAGE = `Usage: tollgate start

Runs the bot: the HTTP API, Slack's /slack/events and the schedules, configured by environment
variables (README.md → Configuration). Without SLACK_BOT_TOKEN it runs in sandbox mode.
Stops on SIGTERM or SIGINT after finishing requests in flight; SIGHUP reloads the contracts.
Exit status: 0 stopped by a signal, 78 bad configuration or contracts, 1 could not start.
`;

export async function runStart(argv: string[], io: CliIo): Promise<number> {
  const refused = refuseArguments("start", argv, USAGE, io);
  if (refused !== undefined) return refused;
  let started = false;
  const code = await startTollgate(io.env, io, {
    onListening: () => {
      started = true;
    },
  });
  // NOTE: once the app has stopped, a library handle left open (a socket, a timer) must not keep
  // the process alive; the timer is unref'd, so a clean exit happens sooner on its own.
  if (started) setTimeout(() => process.exit(code), 3000).unref();
  return code;
}
