/** The Slack emulator and signed Slack request client (product code in src/sandbox), plus test conveniences. */
import { webApi } from "@slack/bolt";
import type { SlackEmulator } from "../../src/sandbox/slack-emulator/index.js";

export * from "../../src/sandbox/slack-emulator/index.js";

const quiet = () => undefined;

/** A logger for WebClient / Bolt that keeps test output clean. */
export const silentLogger = {
  debug: quiet,
  info: quiet,
  warn: quiet,
  error: quiet,
  setLevel: quiet,
  getLevel: () => webApi.LogLevel.ERROR,
  setName: quiet,
};

/** The real @slack/web-api client pointed at the emulator; retries off unless asked for. */
export function webClientFor(
  emulator: SlackEmulator,
  options: {
    token?: string | undefined;
    retryConfig?: webApi.RetryOptions;
    rejectRateLimitedCalls?: boolean;
  } = {},
): webApi.WebClient {
  const token = "token" in options ? options.token : emulator.tokens[0];
  return new webApi.WebClient(token, {
    slackApiUrl: emulator.apiUrl,
    logger: silentLogger,
    retryConfig: options.retryConfig ?? { retries: 0 },
    rejectRateLimitedCalls: options.rejectRateLimitedCalls ?? false,
  });
}
