/**
 * OpenFeature flagd flag definitions (https://flagd.dev/schema/v0/flags.json) → snapshot config.
 *
 * - `feature_flags.<key>`: the value of the flag's `defaultVariant` — what every caller gets
 *   when no targeting rule matches.
 * - `flag_rules.<key>`: the flag's `targeting` with every `{"$ref": name}` replaced by the shared
 *   `$evaluators[name]`, so two environments that share an evaluator under different layouts
 *   compare equal. A `$ref` to an evaluator that does not exist is kept as written (flagd itself
 *   errors at evaluation time), so the difference stays visible.
 * - A flag with `state: DISABLED` is recorded as `null`: flagd serves no value for it and the
 *   application's coded default applies, whatever `defaultVariant` says. It has no rules.
 */

import type { ConfigValue } from "../../domain/evidence.js";
import {
  canonicalJson,
  invalid,
  isObject,
  type JsonObject,
  type SnapshotConfig,
  toConfigValue,
} from "./import-helpers.js";

export interface FlagImportOptions {
  /** The snapshot's environment; picks the matching environment of multi-environment exports. */
  environment?: string | undefined;
  /** The environment key inside the export, when it differs from the snapshot's name. */
  flagEnvironment?: string | undefined;
  /** Include `flag_rules` (targeting / strategies). Default true. */
  rules?: boolean | undefined;
}

const MAX_REF_DEPTH = 32;

export function importFlagd(doc: unknown, options: FlagImportOptions = {}): SnapshotConfig {
  if (!isObject(doc) || !isObject(doc.flags)) {
    throw invalid("flagd", 'expected an object with "flags" (a flagd flag definition file)');
  }
  const evaluators = isObject(doc.$evaluators) ? doc.$evaluators : {};
  const flags: Record<string, ConfigValue> = {};
  const rules: Record<string, ConfigValue> = {};
  for (const [key, flag] of Object.entries(doc.flags)) {
    if (!isObject(flag)) throw invalid("flagd", `flags.${key} must be an object`);
    if (flag.state === "DISABLED") {
      flags[key] = null;
      continue;
    }
    flags[key] = defaultValue(key, flag);
    if (isObject(flag.targeting) && Object.keys(flag.targeting).length > 0) {
      rules[key] = canonicalJson(resolveRefs(flag.targeting, evaluators, 0));
    }
  }
  const config: SnapshotConfig = { feature_flags: flags };
  if (options.rules !== false && Object.keys(rules).length > 0) config.flag_rules = rules;
  return config;
}

function defaultValue(key: string, flag: JsonObject): ConfigValue {
  const variant = flag.defaultVariant;
  // flagd allows a null/absent default: the application's coded default is used.
  if (variant === undefined || variant === null) return null;
  if (typeof variant !== "string" || !isObject(flag.variants) || !(variant in flag.variants)) {
    throw invalid("flagd", `flags.${key}.defaultVariant "${String(variant)}" is not one of its variants`);
  }
  return toConfigValue(flag.variants[variant]);
}

function resolveRefs(value: unknown, evaluators: JsonObject, depth: number): unknown {
  if (depth > MAX_REF_DEPTH) throw invalid("flagd", "$ref chain too deep (a cycle in $evaluators?)");
  if (Array.isArray(value)) return value.map((item) => resolveRefs(item, evaluators, depth));
  if (!isObject(value)) return value;
  const keys = Object.keys(value);
  const ref = value.$ref;
  if (keys.length === 1 && typeof ref === "string" && ref in evaluators) {
    return resolveRefs(evaluators[ref], evaluators, depth + 1);
  }
  const out: JsonObject = {};
  for (const key of keys) out[key] = resolveRefs(value[key], evaluators, depth);
  return out;
}
