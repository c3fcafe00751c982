/** `tollgate start` (= `npm start`): runs the bot until SIGTERM/SIGINT; 78 on bad configuration. */
import { startTollgate } from "../main.js";
import type { CliIo } from "./io.js";

export async function runStart(_argv: string[], io: CliIo): Promise<number> {
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
