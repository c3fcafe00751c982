/**
 * The sandbox's Slack channels across restarts. Tollgate remembers each card's channel and ts in
 * SQLite, so the emulator standing in for Slack must remember the messages too: they are saved in
 * `<data dir>/sandbox-slack.json` a few seconds after they change and at every clean stop, and
 * loaded before the bot starts. A missing or unreadable file starts the channels empty, with a
 * warning: each card is then posted again when it next changes (the outbox re-posts a card whose
 * message Slack no longer has). A kill loses at most the last few seconds the same way.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { rename, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { Logger } from "../adapters/log.js";
import { parseWorkspaceSnapshot, type SlackEmulator } from "./slack-emulator/index.js";

const EMPTY_HINT = "each card is posted again when it next changes";

export function slackStateFile(databasePath: string): string {
  return join(dirname(databasePath), "sandbox-slack.json");
}

/**
 * Restores the saved messages into `emulator`. `previousRun`: this data folder was used before, so
 * a missing file means the last stop was not clean (worth a warning, unlike a first start).
 */
export function loadSlackState(
  file: string,
  emulator: SlackEmulator,
  options: { logger: Logger; previousRun: boolean },
): "restored" | "missing" | "unreadable" {
  const { logger } = options;
  if (!existsSync(file)) {
    if (options.previousRun)
      logger.warn(
        { file },
        `no saved Slack messages for this sandbox (killed before its first save, or deleted): its channels start empty; ${EMPTY_HINT}`,
      );
    return "missing";
  }
  let reason: string;
  try {
    const parsed = parseWorkspaceSnapshot(JSON.parse(readFileSync(file, "utf8")));
    if (!("error" in parsed)) {
      emulator.restore(parsed);
      logger.info({ file, messages: parsed.messages.length }, "sandbox Slack messages restored");
      return "restored";
    }
    reason = parsed.error;
  } catch (error) {
    reason = error instanceof Error ? error.message : String(error);
  }
  // Kept aside for a look, rather than overwritten by the next save.
  const aside = `${file}.unreadable`;
  try {
    renameSync(file, aside);
  } catch {
    // Best effort: the warning below still says what happened.
  }
  logger.warn(
    { file, keptAs: aside, reason },
    `the sandbox's saved Slack messages could not be read: its channels start empty; ${EMPTY_HINT}`,
  );
  return "unreadable";
}

/**
 * Saves the emulator's messages `delayMs` after a change (at most one write in flight, off the
 * event loop's disk path) and once more, synchronously, at stop.
 */
export function createSlackStateSaver(
  file: string,
  emulator: SlackEmulator,
  options: { logger: Logger; delayMs?: number },
) {
  const delayMs = options.delayMs ?? 5000;
  let timer: NodeJS.Timeout | undefined;
  let writing: Promise<void> | undefined;
  let stopped = false;
  // NOTE: written whole, then renamed over the file: a kill mid-write leaves the last complete save.
  const temp = `${file}.tmp`;

  const content = () => `${JSON.stringify(emulator.snapshot())}\n`;

  function schedule(): void {
    if (stopped || timer !== undefined) return;
    timer = setTimeout(() => {
      timer = undefined;
      if (writing !== undefined) return schedule();
      writing = writeFile(temp, content())
        .then(() => rename(temp, file))
        .catch((error: unknown) =>
          options.logger.warn({ err: error, file }, "sandbox Slack messages not saved"),
        )
        .finally(() => {
          writing = undefined;
        });
    }, delayMs);
    timer.unref();
  }

  return {
    start(): void {
      emulator.on("change", schedule);
    },
    /** Stops saving after changes and writes the final state (call before the emulator closes). */
    async stop(): Promise<void> {
      stopped = true;
      emulator.off("change", schedule);
      clearTimeout(timer);
      timer = undefined;
      await writing;
      try {
        writeFileSync(temp, content());
        renameSync(temp, file);
      } catch (error) {
        options.logger.error({ err: error, file }, "sandbox Slack messages not saved at stop");
      }
    },
  };
}
