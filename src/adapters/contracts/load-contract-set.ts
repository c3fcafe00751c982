/**
 * `contracts/<env>.yml` (and `.yaml`) → a validated ContractSet, or every problem in every file.
 * Nothing is partial: one bad file refuses the whole set, so a bot never runs half-configured.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import type { Contract, ContractSet } from "../../domain/contract.js";
import { type CheckedFile, checkContractSet, promotionOrder, referencesIn } from "./check-set.js";
import { type ContractError, fileError, type LocatedSource } from "./contract-error.js";
import { ENVIRONMENT_NAME } from "./contract-fields.js";
import type { ContractDocument } from "./contract-schema.js";
import { MAX_CONTRACT_BYTES, readContractYaml } from "./read-yaml.js";
import { toContract } from "./to-contract.js";
import { validateContractDocument } from "./validate-contract.js";

export type LoadContractSetResult =
  | { ok: true; set: ContractSet; files: ContractFile[] }
  | { ok: false; errors: ContractError[] };

export interface ContractFile {
  environment: string;
  /** As shown in messages: relative to the working directory when inside it. */
  file: string;
  revision: string;
}

const EXTENSIONS = [".yml", ".yaml"];

export function revisionOf(bytes: Uint8Array): string {
  return `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
}

export function loadContractSet(dir: string, options: { cwd?: string } = {}): LoadContractSetResult {
  const cwd = options.cwd ?? process.cwd();
  const absDir = path.resolve(cwd, dir);
  const shown = (abs: string) => {
    const rel = path.relative(cwd, abs);
    return rel === "" || rel.startsWith("..") || path.isAbsolute(rel) ? abs : rel;
  };
  const listing = listContractFiles(absDir, shown);
  if (!listing.ok) return listing;

  const errors: ContractError[] = [...listing.errors];
  const checked: CheckedFile[] = [];
  const files: ContractFile[] = [];
  const contracts = new Map<string, Contract>();
  for (const { environment, abs } of listing.entries) {
    const file = shown(abs);
    const read = readContractFile(abs, file);
    // Parsed YAML is checked against the other files (upstream names, cycles) even when invalid.
    if (read.yaml)
      checked.push({ environment, source: read.yaml.source, refs: referencesIn(read.yaml.data) });
    if (!read.ok) {
      errors.push(...read.errors);
      continue;
    }
    const revision = revisionOf(read.bytes);
    files.push({ environment, file, revision });
    contracts.set(environment, toContract(environment, revision, read.value));
  }
  // Every problem in every file, so deleting the wrong one of two spellings reveals nothing new.
  for (const abs of listing.duplicates) {
    const read = readContractFile(abs, shown(abs));
    if (!read.ok) errors.push(...read.errors);
  }
  errors.push(...checkContractSet(checked, new Set(listing.entries.map((e) => e.environment))));
  if (errors.length > 0) return { ok: false, errors: sortErrors(errors) };
  return { ok: true, set: { contracts, order: promotionOrder(checked) }, files };
}

type Listing =
  | {
      ok: true;
      entries: Array<{ environment: string; abs: string }>;
      /** The second spelling of an environment (.yml and .yaml): checked for problems, not loaded. */
      duplicates: string[];
      errors: ContractError[];
    }
  | { ok: false; errors: ContractError[] };

/** `shown` spells a path as problems print it: relative to the working folder when inside it. */
function listContractFiles(absDir: string, shown: (abs: string) => string): Listing {
  const shownDir = shown(absDir);
  let names: string[];
  try {
    names = readdirSync(absDir).sort();
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === "ENOENT" ? "no such folder" : "cannot read folder";
    return {
      ok: false,
      errors: [{ file: shownDir, path: "", message: `${reason} (${(error as Error).message})` }],
    };
  }
  const entries: Array<{ environment: string; abs: string }> = [];
  const duplicates: string[] = [];
  const errors: ContractError[] = [];
  for (const name of names) {
    const ext = path.extname(name);
    // Dotfiles are editor and OS droppings (.prod.yml.swp, .DS_Store); other extensions are not contracts.
    if (name.startsWith(".") || !EXTENSIONS.includes(ext)) continue;
    const abs = path.join(absDir, name);
    if (!isFile(abs)) continue;
    const environment = name.slice(0, -ext.length);
    const file = shown(abs);
    if (!ENVIRONMENT_NAME.test(environment)) {
      const why = "use lower-case letters, digits and - (at most 63), starting with a letter or digit";
      errors.push(fileError(file, `"${environment}" is not a valid environment name: ${why}`));
    } else if (entries.some((e) => e.environment === environment)) {
      errors.push(fileError(file, `environment "${environment}" is defined twice (.yml and .yaml)`));
      duplicates.push(abs);
    } else {
      entries.push({ environment, abs });
    }
  }
  if (entries.length === 0 && errors.length === 0) {
    errors.push({
      file: shownDir,
      path: "",
      message: "no contracts: add <environment>.yml files (see docs/contracts.md)",
    });
  }
  return { ok: true, entries, duplicates, errors };
}

type ParsedYaml = { source: LocatedSource; data: Record<string, unknown> };

/** One file read, parsed and validated; `yaml` is there whenever the YAML itself parsed. */
type ContractFileRead =
  | { ok: true; bytes: Buffer; yaml: ParsedYaml; value: ContractDocument }
  | { ok: false; errors: ContractError[]; yaml?: ParsedYaml };

function readContractFile(abs: string, file: string): ContractFileRead {
  const read = readBytes(abs, file);
  if (!read.ok) return { ok: false, errors: [read.error] };
  const yaml = readContractYaml(file, read.bytes);
  if (!yaml.ok) return { ok: false, errors: yaml.errors };
  const parsed = { source: yaml.source, data: yaml.data };
  const valid = validateContractDocument(yaml.source, yaml.data);
  if (!valid.ok) return { ok: false, errors: valid.errors, yaml: parsed };
  return { ok: true, bytes: read.bytes, yaml: parsed, value: valid.value };
}

function isFile(abs: string): boolean {
  try {
    return statSync(abs).isFile();
  } catch {
    return false;
  }
}

function readBytes(
  abs: string,
  file: string,
): { ok: true; bytes: Buffer } | { ok: false; error: ContractError } {
  try {
    // Refuse by size before reading, so a 10 GB file costs a stat, not the heap.
    const size = statSync(abs).size;
    if (size > MAX_CONTRACT_BYTES) {
      return { ok: false, error: fileError(file, `file is ${size} bytes; contracts are limited to 1 MiB`) };
    }
    return { ok: true, bytes: readFileSync(abs) };
  } catch (error) {
    return { ok: false, error: fileError(file, `cannot read file (${(error as Error).message})`) };
  }
}

/** By file, then position: the order an editor's problem list shows them. */
function sortErrors(errors: ContractError[]): ContractError[] {
  return [...errors].sort(
    (a, b) =>
      (a.file === b.file ? 0 : a.file < b.file ? -1 : 1) ||
      (a.line ?? 0) - (b.line ?? 0) ||
      (a.col ?? 0) - (b.col ?? 0),
  );
}
