/**
 * Unleash toggles → snapshot config. Reads the client API (`GET /api/client/features`, scoped to
 * one environment by its token: `{version, features: […]}`, also wrapped as the client
 * specification's `{"state": …}`) and the environment export (`POST
 * /api/admin/features-batch/export`: `features`, `featureEnvironments`, `featureStrategies`).
 *
 * `feature_flags.<name>` is whether the toggle is enabled. `flag_rules.<name>`, for enabled
 * toggles, holds the activation strategies (name, parameters, constraints, segments) and the
 * variants. Strategy ids, titles and sort order are bookkeeping and dropped.
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
} from "./import-helpers.js";

const STRATEGY_FIELDS = ["name", "parameters", "constraints", "segments", "variants"] as const;
const VARIANT_FIELDS = ["name", "weight", "weightType", "stickiness", "payload", "overrides"] as const;

export function importUnleash(doc: unknown, options: FlagImportOptions = {}): SnapshotConfig {
  if (!isObject(doc)) throw invalid("unleash", "expected a JSON object");
  const flags: Record<string, ConfigValue> = {};
  const rules: Record<string, ConfigValue> = {};
  const add = (name: string, enabled: boolean, strategies: unknown[], variants: unknown[]): void => {
    flags[name] = enabled;
    if (!enabled || (strategies.length === 0 && variants.length === 0)) return;
    rules[name] = canonicalJson({
      strategies: strategies.filter(isObject).map((s) => pick(s, STRATEGY_FIELDS)),
      variants: variants.filter(isObject).map((v) => pick(v, VARIANT_FIELDS)),
    });
  };
  const state = isObject(doc.state) ? doc.state : doc;
  if (Array.isArray(doc.featureEnvironments)) importExport(doc, options, add);
  else if (Array.isArray(state.features)) {
    for (const feature of state.features.filter(isObject)) {
      if (typeof feature.name !== "string") continue;
      add(feature.name, feature.enabled === true, asArray(feature.strategies), asArray(feature.variants));
    }
  } else
    throw invalid(
      "unleash",
      'expected a client API response ("features") or an export ("featureEnvironments")',
    );
  const config: SnapshotConfig = { feature_flags: flags };
  if (options.rules !== false && Object.keys(rules).length > 0) config.flag_rules = rules;
  return config;
}

type Add = (name: string, enabled: boolean, strategies: unknown[], variants: unknown[]) => void;

function importExport(doc: JsonObject, options: FlagImportOptions, add: Add): void {
  const environments = asArray(doc.featureEnvironments).filter(isObject);
  const available = [...new Set(environments.map((e) => e.environment).filter((e) => typeof e === "string"))];
  const environment = pickEnvironment("unleash", available, options);
  const strategies = asArray(doc.featureStrategies).filter(isObject);
  const names = asArray(doc.features)
    .filter(isObject)
    .map((f) => f.name)
    .filter((name): name is string => typeof name === "string");
  for (const name of names) {
    const settings = environments.find((e) => e.featureName === name && e.environment === environment);
    // An export lists strategies for the exported environment only; a strategy may carry its own.
    const own = strategies.filter(
      (s) => s.featureName === name && s.disabled !== true && (s.environment ?? environment) === environment,
    );
    // A toggle with no entry for this environment is not enabled there.
    add(name, settings?.enabled === true, own, asArray(settings?.variants));
  }
}

function pick(source: JsonObject, fields: readonly string[]): JsonObject {
  const out: JsonObject = {};
  for (const field of fields) {
    const value = source[field];
    if (value !== undefined && !(Array.isArray(value) && value.length === 0)) out[field] = value;
  }
  return out;
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
