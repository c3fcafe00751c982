/**
 * What of the emulated workspace outlives a restart (sandbox mode keeps it next to sandbox.json):
 * every message with its thread fields, and the ephemeral replies the page shows in a channel.
 * Not kept: the directory (seeded again from the contracts and sample people), views (modals are
 * gone after a restart, and the bot publishes the Home tab again when it is opened), trigger_ids
 * and response_urls (both expire within minutes).
 */
import type { Json, StoredEphemeral, StoredMessage } from "./types.js";

export interface WorkspaceSnapshot {
  version: 1;
  messages: StoredMessage[];
  ephemerals: StoredEphemeral[];
}

type Check = (value: unknown) => boolean;

const isString: Check = (v) => typeof v === "string";
const isTs: Check = (v) => typeof v === "string" && /^\d+\.\d{6}$/.test(v);
const isArray: Check = (v) => Array.isArray(v);
const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);
const optional =
  (check: Check): Check =>
  (v) =>
    v === undefined || check(v);

const MESSAGE_FIELDS: Record<string, Check> = {
  type: (v) => v === "message",
  channel: isString,
  ts: isTs,
  user: isString,
  bot_id: isString,
  app_id: isString,
  team: isString,
  text: isString,
  blocks: optional(isArray),
  attachments: optional(isArray),
  thread_ts: optional(isTs),
  reply_count: optional((v) => Number.isInteger(v)),
  latest_reply: optional(isTs),
  reply_broadcast: optional((v) => typeof v === "boolean"),
  edited: optional((v) => isObject(v) && isString(v.user) && isTs(v.ts)),
};

const EPHEMERAL_FIELDS: Record<string, Check> = {
  channel: isString,
  user: isString,
  message_ts: isTs,
  text: isString,
  blocks: optional(isArray),
  thread_ts: optional(isTs),
  source: (v) => v === "chat.postEphemeral" || v === "response_url",
};

/** The snapshot in `value`, or why it is not one (the first field that is wrong). */
export function parseWorkspaceSnapshot(value: unknown): WorkspaceSnapshot | { error: string } {
  if (!isObject(value) || value.version !== 1) return { error: "not a version 1 snapshot" };
  const { messages, ephemerals } = value;
  if (!Array.isArray(messages) || !Array.isArray(ephemerals))
    return { error: "messages and ephemerals must be lists" };
  const badMessage = firstBad(messages, MESSAGE_FIELDS, "messages");
  if (badMessage !== undefined) return { error: badMessage };
  const badEphemeral = firstBad(ephemerals, EPHEMERAL_FIELDS, "ephemerals");
  if (badEphemeral !== undefined) return { error: badEphemeral };
  return { version: 1, messages: messages as StoredMessage[], ephemerals: ephemerals as StoredEphemeral[] };
}

function firstBad(list: unknown[], fields: Record<string, Check>, name: string): string | undefined {
  for (const [index, item] of list.entries()) {
    if (!isObject(item)) return `${name}[${index}] is not an object`;
    for (const [field, check] of Object.entries(fields)) {
      if (!check(item[field])) return `${name}[${index}].${field} is missing or wrong`;
    }
  }
  return undefined;
}

/** The highest ts in a snapshot, in microseconds: new ts values must come after it. */
export function latestMicros(snapshot: WorkspaceSnapshot): number {
  let latest = 0;
  const see = (ts: Json | undefined) => {
    if (typeof ts !== "string") return;
    const [seconds, micros] = ts.split(".");
    latest = Math.max(latest, Number(seconds) * 1e6 + Number(micros));
  };
  for (const m of snapshot.messages) {
    see(m.ts);
    see(m.edited?.ts);
  }
  for (const e of snapshot.ephemerals) see(e.message_ts);
  return latest;
}
