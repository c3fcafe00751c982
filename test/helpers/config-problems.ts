import { loadConfig } from "../../src/config.js";
import { isCodedError } from "../../src/errors.js";

/** The problems `loadConfig` lists for `env`, or none when it accepts it. */
export function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
    return [];
  } catch (error) {
    if (!isCodedError(error, "config_invalid")) throw error;
    return error.details as string[];
  }
}
