/**
 * Checks that span files: `after` names an environment and the chain has no cycle; `same_as` and
 * `compare_to` are upstream (ancestors through `after`); evidence filters name known environments.
 */
import { type ContractError, errorAt, type KeyPath, type LocatedSource } from "./contract-error.js";
import { ENVIRONMENT_NAME } from "./contract-fields.js";
import { didYouMean } from "./suggest.js";

/** The names one file refers to. Read from the raw data, so a file with other errors is still checked. */
export interface ContractRefs {
  after?: string | undefined;
  sameAs?: string | undefined;
  compareTo?: string | undefined;
  evidenceEnvironments: Array<[index: number, environment: string]>;
}

export interface CheckedFile {
  environment: string;
  source: LocatedSource;
  refs: ContractRefs;
}

export function referencesIn(data: Record<string, unknown>): ContractRefs {
  const name = (value: unknown) =>
    typeof value === "string" && ENVIRONMENT_NAME.test(value) ? value : undefined;
  const field = (value: unknown, key: string) =>
    typeof value === "object" && value !== null ? (value as Record<string, unknown>)[key] : undefined;
  const evidence = Array.isArray(data.evidence) ? data.evidence : [];
  return {
    after: name(data.after),
    sameAs: name(field(data.artifact, "same_as")),
    compareTo: name(field(data.drift, "compare_to")),
    evidenceEnvironments: evidence.flatMap((item, index): Array<[number, string]> => {
      const env = name(field(item, "environment"));
      return env === undefined ? [] : [[index, env]];
    }),
  };
}

export function checkContractSet(
  files: CheckedFile[],
  allEnvironments: ReadonlySet<string>,
): ContractError[] {
  const byEnv = new Map(files.map((f) => [f.environment, f]));
  const errors: ContractError[] = [];
  const unknown = (file: CheckedFile, path: KeyPath, name: string) =>
    errors.push(
      errorAt(
        file.source,
        path,
        `unknown environment "${name}"${didYouMean(name, allEnvironments)}; known: ${[...allEnvironments].sort().join(", ")}`,
      ),
    );

  for (const file of files) {
    const { after } = file.refs;
    if (after !== undefined && !allEnvironments.has(after)) unknown(file, ["after"], after);
  }
  const cycles = findCycles(byEnv);
  for (const cycle of cycles) {
    for (const env of cycle) {
      const at = cycle.indexOf(env);
      const loop = [...cycle.slice(at), ...cycle.slice(0, at), env].join(" → ");
      errors.push(errorAt(byEnv.get(env)!.source, ["after"], `cycle in the after chain: ${loop}`));
    }
  }

  for (const file of files) {
    const upstream = (path: KeyPath, name: string | undefined) => {
      if (name === undefined) return;
      if (!allEnvironments.has(name)) return unknown(file, path, name);
      const chain = ancestors(file.environment, byEnv);
      if (chain === undefined || chain.includes(name)) return;
      const message =
        name === file.environment
          ? `"${name}" is this environment; name an upstream environment`
          : `"${name}" is not upstream of ${file.environment} (upstream: ${chain.join(" → ") || "none; set after"})`;
      errors.push(errorAt(file.source, path, message));
    };
    upstream(["artifact", "same_as"], file.refs.sameAs);
    upstream(["drift", "compare_to"], file.refs.compareTo);
    for (const [index, env] of file.refs.evidenceEnvironments) {
      if (!allEnvironments.has(env)) unknown(file, ["evidence", index, "environment"], env);
    }
  }
  return errors;
}

/**
 * Upstream environments nearest first, or undefined when the chain cannot be followed to its
 * start (a broken file, an unknown name or a cycle): those are reported elsewhere, once.
 */
function ancestors(environment: string, byEnv: ReadonlyMap<string, CheckedFile>): string[] | undefined {
  const chain: string[] = [];
  let current = byEnv.get(environment);
  while (current?.refs.after !== undefined) {
    const next = current.refs.after;
    if (next === environment || chain.includes(next)) return undefined;
    chain.push(next);
    current = byEnv.get(next);
    if (current === undefined) return undefined;
  }
  return chain;
}

function findCycles(byEnv: ReadonlyMap<string, CheckedFile>): string[][] {
  const cycles: string[][] = [];
  const done = new Set<string>();
  for (const start of [...byEnv.keys()].sort()) {
    const path: string[] = [];
    let env: string | undefined = start;
    while (env !== undefined && !done.has(env) && !path.includes(env)) {
      path.push(env);
      env = byEnv.get(env)?.refs.after;
    }
    if (env !== undefined && path.includes(env)) cycles.push(path.slice(path.indexOf(env)));
    for (const seen of path) done.add(seen);
  }
  return cycles;
}

/** A topological order of `after`: parents before children, siblings by name. */
export function promotionOrder(files: CheckedFile[]): string[] {
  const children = new Map<string, string[]>();
  const roots: string[] = [];
  const names = new Set(files.map((f) => f.environment));
  for (const file of files) {
    const parent = file.refs.after;
    if (parent === undefined || !names.has(parent)) roots.push(file.environment);
    else children.set(parent, [...(children.get(parent) ?? []), file.environment]);
  }
  const order: string[] = [];
  const queue = roots.sort();
  while (queue.length > 0) {
    const env = queue.shift()!;
    order.push(env);
    queue.push(...(children.get(env) ?? []).sort());
  }
  return order;
}
