/**
 * LaunchDarkly flags → snapshot config. Reads three shapes:
 * - the SDK file data source (`{"flags": {…}, "flagValues": {…}}`), one environment;
 * - a REST API v2 flag (`GET /api/v2/flags/{project}/{key}`) with `environments.<envKey>`;
 * - a REST API flag list (`{"items": [flag, …]}`).
 *
 * `feature_flags.<key>` is what a context matching no target or rule gets: the fallthrough
 * variation's value when the flag is on (a percentage rollout becomes `{rollout: [{value, weight}]}`),
 * the off variation's value when it is off (`null` when there is none: the SDK's coded default).
 * `flag_rules.<key>` holds, for flags that are on, the targets, rules and prerequisites.
 * Volatile bookkeeping — `salt`, `sel`, `version`, `lastModified`, `_links`, `_summary`, `_id`s,
 * event tracking — changes on every save without changing behaviour, so it is dropped.
 */
import type { ConfigValue } from "../../domain/evidence.js";
import type { FlagImportOptions } from "./flagd.js";
import {
  canonicalJson,
  invalid,
  isObject,
  type JsonObject,
  pickEnvironment,
  type SnapshotConfig,
  toConfigValue,
} from "./import-helpers.js";

const VOLATILE_KEYS = new Set([
  "salt",
  "sel",
  "version",
  "lastModified",
  "trackEvents",
  "trackEventsFallthrough",
  "debugEventsUntilDate",
]);
const RULE_PARTS = ["prerequisites", "targets", "contextTargets", "rules"] as const;

interface Collected {
  flags: Record<string, ConfigValue>;
  rules: Record<string, ConfigValue>;
}

export function importLaunchDarkly(doc: unknown, options: FlagImportOptions = {}): SnapshotConfig {
  if (!isObject(doc)) throw invalid("launchdarkly", "expected a JSON object");
  const out: Collected = { flags: {}, rules: {} };
  if (Array.isArray(doc.items)) importRestFlags(doc.items, options, out);
  else if (isObject(doc.environments) && typeof doc.key === "string") importRestFlags([doc], options, out);
  else if (isObject(doc.flags) || isObject(doc.flagValues)) importFileSource(doc, out);
  else throw invalid("launchdarkly", 'expected a file data source ("flags"/"flagValues") or a REST API flag');
  const config: SnapshotConfig = { feature_flags: out.flags };
  if (options.rules !== false && Object.keys(out.rules).length > 0) config.flag_rules = out.rules;
  return config;
}

function importFileSource(doc: JsonObject, out: Collected): void {
  for (const [key, flag] of Object.entries(isObject(doc.flags) ? doc.flags : {})) {
    if (!isObject(flag)) throw invalid("launchdarkly", `flags.${key} must be an object`);
    const variations = Array.isArray(flag.variations) ? flag.variations : [];
    addFlag(key, flag, variations, out);
  }
  for (const [key, value] of Object.entries(isObject(doc.flagValues) ? doc.flagValues : {})) {
    out.flags[key] = toConfigValue(value);
  }
}

function importRestFlags(items: unknown[], options: FlagImportOptions, out: Collected): void {
  const flags = items.filter(isObject);
  const available = [
    ...new Set(flags.flatMap((flag) => Object.keys(isObject(flag.environments) ? flag.environments : {}))),
  ];
  const environment = pickEnvironment("launchdarkly", available, options);
  for (const flag of flags) {
    const key = typeof flag.key === "string" ? flag.key : undefined;
    const settings = isObject(flag.environments) ? flag.environments[environment] : undefined;
    if (key === undefined || !isObject(settings)) continue;
    // REST variations are objects ({_id, value, name}); the file format has bare values.
    const variations = (Array.isArray(flag.variations) ? flag.variations : []).map((v) =>
      isObject(v) ? v.value : v,
    );
    addFlag(key, settings, variations, out);
  }
}

function addFlag(key: string, settings: JsonObject, variations: unknown[], out: Collected): void {
  const valueAt = (index: unknown): ConfigValue =>
    typeof index === "number" && index >= 0 && index < variations.length
      ? toConfigValue(variations[index])
      : null;
  if (settings.on !== true) {
    out.flags[key] = valueAt(settings.offVariation);
    return;
  }
  const fallthrough = isObject(settings.fallthrough) ? settings.fallthrough : {};
  const rollout =
    isObject(fallthrough.rollout) && Array.isArray(fallthrough.rollout.variations)
      ? fallthrough.rollout.variations
      : undefined;
  out.flags[key] =
    rollout === undefined
      ? valueAt(fallthrough.variation)
      : {
          rollout: rollout
            .filter(isObject)
            .map((part) => ({ value: valueAt(part.variation), weight: toConfigValue(part.weight) })),
        };
  const parts: JsonObject = {};
  for (const part of RULE_PARTS) {
    const value = settings[part];
    if (Array.isArray(value) && value.length > 0) parts[part] = stripVolatile(value);
  }
  if (Object.keys(parts).length > 0) out.rules[key] = canonicalJson(parts);
}

function stripVolatile(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripVolatile);
  if (!isObject(value)) return value;
  const out: JsonObject = {};
  for (const [key, item] of Object.entries(value)) {
    if (!key.startsWith("_") && !VOLATILE_KEYS.has(key)) out[key] = stripVolatile(item);
  }
  return out;
}
