/**
 * The running contract set. `reload()` (SIGHUP) swaps it only when the whole new set is valid;
 * otherwise the old set keeps serving and the errors are logged (SPEC §4).
 */
import type { ContractSet } from "../../domain/contract.js";
import { CodedError } from "../../errors.js";
import type { ContractSource } from "../../flows/ports.js";
import type { Logger } from "../log.js";
import { formatContractError } from "./contract-error.js";
import { loadContractSet } from "./load-contract-set.js";

export interface ReloadResult {
  ok: boolean;
  /** Formatted `file:line:col message` lines; empty when ok. */
  errors: string[];
  /** True when some contract revision, or the set of environments, differs from before. */
  changed: boolean;
}

export interface ContractRegistry extends ContractSource {
  reload(): ReloadResult;
  /** Called after a reload that changed something; returns an unsubscribe function. */
  onReload(listener: (set: ContractSet) => void): () => void;
}

/** The set in `dir` as a CodedError `contract_invalid` (details: the formatted errors), or undefined when valid. */
export function contractSetProblem(dir: string, options: { cwd?: string } = {}): CodedError | undefined {
  const loaded = loadContractSet(dir, options);
  return loaded.ok ? undefined : invalidSet(dir, loaded.errors.map(formatContractError));
}

function invalidSet(dir: string, lines: string[]): CodedError {
  return new CodedError(
    "contract_invalid",
    `Invalid contracts (${lines.length} problem(s)):\n${lines.join("\n")}`,
    {
      hint: `Run \`tollgate contracts check ${dir}\` and see docs/contracts.md.`,
      details: lines,
    },
  );
}

/** Throws CodedError `contract_invalid` (details: the formatted errors) when the initial set is invalid. */
export function createContractRegistry(
  dir: string,
  logger: Logger,
  options: { cwd?: string } = {},
): ContractRegistry {
  const initial = loadContractSet(dir, options);
  if (!initial.ok) throw invalidSet(dir, initial.errors.map(formatContractError));
  let current = initial.set;
  const listeners = new Set<(set: ContractSet) => void>();

  return {
    current: () => current,
    onReload(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    reload() {
      const next = loadContractSet(dir, options);
      if (!next.ok) {
        const errors = next.errors.map(formatContractError);
        logger.error(
          { code: "contract_invalid", errors },
          "contract reload refused; the running contracts stay",
        );
        return { ok: false, errors, changed: false };
      }
      const changed = fingerprint(next.set) !== fingerprint(current);
      current = next.set;
      const revisions = Object.fromEntries(next.files.map((f) => [f.environment, f.revision]));
      logger.info({ changed, revisions }, "contracts reloaded");
      if (changed) notify(listeners, current, logger);
      return { ok: true, errors: [], changed };
    },
  };
}

function fingerprint(set: ContractSet): string {
  return [...set.contracts.values()]
    .map((c) => `${c.environment}=${c.revision}`)
    .sort()
    .join(",");
}

function notify(listeners: Set<(set: ContractSet) => void>, set: ContractSet, logger: Logger): void {
  for (const listener of listeners) {
    try {
      listener(set);
    } catch (error) {
      // One failing view must not stop the others from learning about the new contracts.
      logger.error({ err: error }, "contract reload listener failed");
    }
  }
}
