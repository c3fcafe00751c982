/** What every importer shares: input checks, environment choice and a stable rule encoding. */
import type { ConfigValue } from "../../domain/evidence.js";
import { CodedError } from "../../errors.js";

export type SnapshotConfig = Record<string, Record<string, ConfigValue>>;
export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function invalid(format: string, message: string, hint?: string): CodedError {
  return new CodedError("invalid_payload", `${format}: ${message}`, hint === undefined ? {} : { hint });
}

/** Any JSON value as a ConfigValue (JSON input already is one; this narrows `unknown`). */
export function toConfigValue(value: unknown): ConfigValue {
  if (value === null || typeof value === "boolean" || typeof value === "string") return value;
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (Array.isArray(value)) return value.map(toConfigValue);
  if (isObject(value)) {
    const out: Record<string, ConfigValue> = {};
    for (const [key, item] of Object.entries(value)) if (item !== undefined) out[key] = toConfigValue(item);
    return out;
  }
  return null;
}

/**
 * Targeting rules as ONE string with sorted keys. NOTE: drift compares nested objects key by key
 * and counts every differing key against the budget; a rule tree flattened that way would make
 * one changed rule cost a dozen differences, so a flag's rules are one comparable value.
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (isObject(value)) {
    const keys = Object.keys(value)
      .filter((key) => value[key] !== undefined)
      .sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`).join(",")}}`;
  }
  return JSON.stringify(value ?? null);
}

/**
 * Which environment of a multi-environment export to read: the one asked for explicitly, else
 * the snapshot's environment if the export has it, else the only one there is.
 */
export function pickEnvironment(
  format: string,
  available: readonly string[],
  options: { flagEnvironment?: string | undefined; environment?: string | undefined },
): string {
  const listed = available.length === 0 ? "none" : available.join(", ");
  if (options.flagEnvironment !== undefined) {
    if (available.includes(options.flagEnvironment)) return options.flagEnvironment;
    throw invalid(format, `environment "${options.flagEnvironment}" is not in the export (found: ${listed})`);
  }
  if (options.environment !== undefined && available.includes(options.environment))
    return options.environment;
  if (available.length === 1 && available[0] !== undefined) return available[0];
  throw invalid(
    format,
    `choose one of the export's environments (found: ${listed})`,
    "use --flag-environment KEY",
  );
}
