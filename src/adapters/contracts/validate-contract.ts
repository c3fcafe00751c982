/**
 * Runs the zod schema over one file's data and turns every issue into a positioned ContractError.
 * Unknown keys become one error each, at the key, with the closest known key as a suggestion.
 */
import type { z } from "zod";
import { type ContractError, errorAt, type KeyPath, type LocatedSource } from "./contract-error.js";
import { type ContractDocument, contractSchema } from "./contract-schema.js";
import { didYouMean } from "./suggest.js";

export type ValidateResult = { ok: true; value: ContractDocument } | { ok: false; errors: ContractError[] };

type IssueInput = { code?: string; input?: unknown; values?: readonly unknown[]; expected?: string };

const TYPE_NAMES: Record<string, string> = {
  object: "a mapping of keys",
  array: "a list",
  record: "a mapping of keys",
  string: "text",
  number: "a number",
  boolean: "true or false",
};

/** Fallback messages; fields with their own `error` option keep theirs. */
function message(issue: IssueInput): string | undefined {
  if (issue.input === undefined && (issue.code === "invalid_type" || issue.code === "invalid_value")) {
    return "is required";
  }
  if (issue.code === "invalid_value" && issue.values) {
    const options = issue.values.map(String);
    const got = typeof issue.input === "string" ? `, got "${issue.input}"` : "";
    const hint = typeof issue.input === "string" ? didYouMean(issue.input, options) : "";
    return `expected one of ${options.join(", ")}${got}${hint}`;
  }
  if (issue.code === "invalid_type" && issue.expected) {
    return `expected ${TYPE_NAMES[issue.expected] ?? issue.expected}`;
  }
  return undefined;
}

export function validateContractDocument(source: LocatedSource, data: unknown): ValidateResult {
  const result = contractSchema.safeParse(data, { error: (issue) => message(issue as IssueInput) });
  const errors = duplicateRequirements(source, data);
  if (result.success && errors.length === 0) return { ok: true, value: result.data };
  const issues = result.success ? [] : result.error.issues;
  for (const issue of issues) {
    const path = issue.path.filter((p): p is string | number => typeof p !== "symbol");
    if (issue.code === "unrecognized_keys") {
      const known = knownKeysAt(contractSchema, path);
      for (const key of issue.keys) {
        const text = `unknown key "${key}"${didYouMean(key, known)}`;
        errors.push(errorAt(source, [...path, key], text, { atKey: true }));
      }
    } else if (issue.code === "invalid_key") {
      // A mapping's key is refused (an empty `normalize` key): say why, at the key itself.
      const why = issue.issues[0]?.message ?? "invalid key";
      errors.push(errorAt(source, path, why, { atKey: true }));
    } else {
      errors.push(errorAt(source, path, issue.message));
    }
  }
  return { ok: false, errors };
}

/**
 * Check ids are `evidence:<name|kind>` (SPEC §3.6), so two requirements may not share one. Run on
 * the raw data so it is reported together with every other problem in the file.
 */
function duplicateRequirements(source: LocatedSource, data: unknown): ContractError[] {
  const evidence = (data as { evidence?: unknown }).evidence;
  if (!Array.isArray(evidence)) return [];
  const seen = new Map<string, number>();
  const errors: ContractError[] = [];
  for (const [index, item] of evidence.entries()) {
    const { kind, name } = (item ?? {}) as { kind?: unknown; name?: unknown };
    const id = typeof name === "string" ? name : typeof kind === "string" ? kind : undefined;
    if (id === undefined) continue;
    const first = seen.get(id);
    if (first === undefined) seen.set(id, index);
    else {
      const text = `duplicate requirement "evidence:${id}" (also evidence[${first}]); give one a distinct name`;
      errors.push(errorAt(source, ["evidence", index], text));
    }
  }
  return errors;
}

type Walkable = { def: Record<string, unknown> & { type: string } };

/** The keys the strict object at `path` accepts, found by walking the schema alongside the path. */
export function knownKeysAt(schema: z.ZodType, path: KeyPath): string[] {
  let node = unwrap(schema as unknown as Walkable);
  for (const segment of path) {
    const def = node.def;
    if (def.type === "object") node = unwrap((def.shape as Record<string, Walkable>)[String(segment)]);
    else if (def.type === "array") node = unwrap(def.element as Walkable);
    else if (def.type === "record") node = unwrap(def.valueType as Walkable);
    else return [];
    if (node === undefined) return [];
  }
  return node?.def.type === "object" ? Object.keys(node.def.shape as object) : [];
}

function unwrap(schema: Walkable | undefined): Walkable {
  let node = schema;
  while (node && ["optional", "default", "nullable", "pipe"].includes(node.def.type)) {
    node = (node.def.type === "pipe" ? node.def.in : node.def.innerType) as Walkable;
  }
  return node as Walkable;
}
