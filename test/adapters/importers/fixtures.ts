/** Reads the shared third-party fixtures (read-only) as parsed JSON, fresh on every call. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { SHARED_FIXTURES } from "../../helpers/shared-fixtures.js";

export const FLAGS_DIR = `${SHARED_FIXTURES}/feature-flags`;
export const ENV_STATE_DIR = `${SHARED_FIXTURES}/env-state`;

export function flagFixture(file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(FLAGS_DIR, file), "utf8")) as Record<string, unknown>;
}

export function envFixture(file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(ENV_STATE_DIR, file), "utf8")) as Record<string, unknown>;
}

export function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    const coded = error as { code?: unknown; message?: unknown };
    return `${String(coded.code)}: ${String(coded.message)}`;
  }
  return undefined;
}
