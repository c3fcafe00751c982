/** The command lines of `tollgate audit verify` and `tollgate audit export`; a string is a usage error. */

import { didYouMean } from "../adapters/contracts/suggest.js";
import type { ExportFormat } from "../adapters/sqlite/audit-store.js";
import { type ExpectedHead, parseExpectedHead } from "./audit-head.js";

export interface VerifyOptions {
  expectHead?: ExpectedHead;
}

export interface ExportOptions {
  since?: Date;
  format: ExportFormat;
}

export function parseVerifyOptions(argv: string[]): VerifyOptions | string {
  const pairs = flagsOf(argv, ["--expect-head"]);
  if (typeof pairs === "string") return pairs;
  const options: VerifyOptions = {};
  for (const [, value] of pairs) {
    const head = parseExpectedHead(value ?? "");
    if (typeof head === "string") return head;
    options.expectHead = head;
  }
  return options;
}

export function parseExportOptions(argv: string[]): ExportOptions | string {
  const pairs = flagsOf(argv, ["--since", "--format"]);
  if (typeof pairs === "string") return pairs;
  const options: ExportOptions = { format: "jsonl" };
  for (const [flag, value] of pairs) {
    if (flag === "--since") {
      const parsed = value === undefined ? Number.NaN : Date.parse(value);
      if (Number.isNaN(parsed))
        return `--since needs a time like 2026-11-27T10:00:00Z (got ${value ?? "nothing"})`;
      options.since = new Date(parsed);
    } else {
      if (value !== "jsonl" && value !== "csv") return `--format is jsonl or csv (got ${value ?? "nothing"})`;
      options.format = value;
    }
  }
  return options;
}

/** `--flag value` and `--flag=value` pairs, or the usage error for the first word that is neither. */
function flagsOf(argv: string[], known: string[]): Array<[string, string | undefined]> | string {
  const pairs: Array<[string, string | undefined]> = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    const eq = arg.indexOf("=");
    const flag = eq === -1 ? arg : arg.slice(0, eq);
    // NOTE: "unexpected argument" is what `audit verify --bogus` has always said; scripts may match it.
    if (!known.includes(flag)) return `unexpected argument ${JSON.stringify(arg)}${didYouMean(flag, known)}`;
    pairs.push([flag, eq === -1 ? argv[++i] : arg.slice(eq + 1)]);
  }
  return pairs;
}
