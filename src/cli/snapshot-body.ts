/**
 * Snapshot parts (a snapshot/config file, importer outputs) + flags → the body of SPEC §3.3.
 * Every problem is collected so one run reports them all.
 */
import type { ConfigValue } from "../domain/evidence.js";
import { InputProblems } from "./write-command.js";

export interface SnapshotFlags {
  environment?: string;
  takenAt?: string;
  source?: string;
  flagEnvironment?: string;
}

export interface SnapshotPart {
  /** The file it came from, for messages. */
  label: string;
  format: string;
  doc: unknown;
  /** Set for importer output; absent for a snapshot/config file. */
  config?: Record<string, Record<string, ConfigValue>>;
}

export interface SnapshotBody {
  environment: string;
  taken_at: string;
  source: string;
  config: Record<string, ConfigValue>;
}

/** SPEC §3.3: snapshots up to 5 MiB. Checked here to say so before uploading. */
export const MAX_SNAPSHOT_BYTES = 5 * 1024 * 1024;

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);

export function buildSnapshot(parts: SnapshotPart[], flags: SnapshotFlags, now: Date): SnapshotBody {
  const problems: string[] = [];
  const fromFile: { environment?: unknown; taken_at?: unknown; source?: unknown } = {};
  const config: Record<string, ConfigValue> = {};
  const owner = new Map<string, string>();
  for (const part of parts) {
    const partConfig = part.config ?? fileConfig(part, fromFile, problems);
    for (const [category, values] of Object.entries(partConfig)) {
      mergeCategory(config, owner, category, values, part.label, problems);
    }
  }
  // NOTE: the newest snapshot replaces an environment's configuration for drift checks, so an
  // empty one (a file that lost its content) would silently wipe it.
  if (problems.length === 0 && Object.keys(config).length === 0)
    problems.push(
      "config is empty: a snapshot replaces the environment's previous one, so send at least one category",
    );
  const environment = pick("environment", flags.environment, fromFile.environment, problems);
  if (environment === undefined) problems.push("--environment: required (or an `environment` in FILE)");
  const takenAtText = pick("taken-at", flags.takenAt, fromFile.taken_at, problems);
  const takenAt = takenAtText === undefined ? now : new Date(takenAtText);
  if (Number.isNaN(takenAt.getTime())) problems.push(`--taken-at: "${takenAtText}" is not an ISO 8601 time`);
  const imported = [...new Set(parts.filter((p) => p.config !== undefined).map((p) => p.format))];
  const fileSource = typeof fromFile.source === "string" ? fromFile.source : undefined;
  const source = flags.source ?? fileSource ?? (imported.length > 0 ? imported.join("+") : "file");
  if (problems.length > 0 || environment === undefined) throw new InputProblems(problems);
  const body: SnapshotBody = { environment, taken_at: takenAt.toISOString(), source, config };
  const size = Buffer.byteLength(jsonOf(body));
  if (size > MAX_SNAPSHOT_BYTES)
    throw new InputProblems([`snapshot is ${size} bytes; the limit is ${MAX_SNAPSHOT_BYTES}`]);
  return body;
}

/** A full body (`{environment, taken_at, source, config}`) or a bare config object. */
function fileConfig(part: SnapshotPart, fromFile: Json, problems: string[]): Record<string, ConfigValue> {
  if (!isObject(part.doc)) {
    problems.push(`${part.label}: must hold an object (a snapshot or its config)`);
    return {};
  }
  if (!("config" in part.doc)) return part.doc as Record<string, ConfigValue>;
  // A full body: its keys are SPEC §3.3's, and anything else is a typo that would be dropped.
  for (const key of Object.keys(part.doc)) {
    if (!(BODY_KEYS as readonly string[]).includes(key))
      problems.push(
        `${part.label}: unknown key "${key}" beside config (a snapshot has ${BODY_KEYS.join(", ")})`,
      );
  }
  for (const key of ["environment", "taken_at", "source"] as const) {
    if (part.doc[key] !== undefined) fromFile[key] = part.doc[key];
  }
  if (!isObject(part.doc.config)) {
    problems.push(`${part.label}: config must be an object of categories`);
    return {};
  }
  return part.doc.config as Record<string, ConfigValue>;
}

const BODY_KEYS = ["environment", "taken_at", "source", "config"] as const;

function mergeCategory(
  config: Record<string, ConfigValue>,
  owner: Map<string, string>,
  category: string,
  values: ConfigValue,
  label: string,
  problems: string[],
): void {
  const existing = config[category];
  if (existing === undefined) {
    config[category] = isObject(values) ? { ...values } : values;
    for (const key of isObject(values) ? Object.keys(values) : [""]) owner.set(`${category}.${key}`, label);
    return;
  }
  if (!isObject(existing) || !isObject(values)) {
    problems.push(`${category}: set by both ${owner.get(`${category}.`) ?? "another file"} and ${label}`);
    return;
  }
  for (const [key, value] of Object.entries(values)) {
    const path = `${category}.${key}`;
    if (owner.has(path)) problems.push(`${path}: set by both ${owner.get(path)} and ${label}`);
    else {
      existing[key] = value as ConfigValue;
      owner.set(path, label);
    }
  }
}

/** A flag wins over the file only when they agree; a silent override could mislabel prod data. */
function pick(name: string, flag: string | undefined, file: unknown, problems: string[]): string | undefined {
  const fileValue = typeof file === "string" ? file : undefined;
  if (file !== undefined && fileValue === undefined)
    problems.push(`${name}: the file's value must be a string`);
  if (flag !== undefined && fileValue !== undefined && flag !== fileValue) {
    problems.push(`--${name}: "${flag}" contradicts the file's "${fileValue}"`);
  }
  return flag ?? fileValue;
}

/** A YAML anchor used inside itself (`a: &a [*a]`) parses to a cycle, which JSON cannot hold. */
function jsonOf(body: SnapshotBody): string {
  try {
    return JSON.stringify(body);
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    throw new InputProblems([
      "FILE: a YAML alias refers to its own anchor (a cycle); a snapshot must be a tree",
    ]);
  }
}
