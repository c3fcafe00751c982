/**
 * Drift between two environment snapshots (SPEC §3.3, §4 `drift`, §6). `computeDrift` lives in
 * compute-drift.ts; these are the shapes every view and the evaluation share.
 */
import type { ConfigValue } from "./evidence.js";

export type DriftDifferenceKind = "changed" | "only_here" | "only_there";

export interface DriftDifference {
  category: string;
  /** Dotted path inside the category, e.g. `payments` or `orders.rows`. */
  key: string;
  kind: DriftDifferenceKind;
  /** Values as reported (before `normalize`); undefined on the side where the key is missing. */
  here?: ConfigValue | undefined;
  there?: ConfigValue | undefined;
}

export interface DriftCategoryResult {
  category: string;
  differences: DriftDifference[];
  /** Allowance from the contract (0 when the category is not listed). */
  allowed: number;
  overBudget: boolean;
}

export interface DriftResult {
  categories: DriftCategoryResult[];
  totalDifferences: number;
  overBudget: boolean;
}

export interface DriftRules {
  allow: Record<string, number>;
  ignore: string[];
  normalize: Record<string, string>;
}
