/**
 * The emulated workspace: directory (channels, users, groups), messages with threads, views. In
 * memory; `snapshot()`/`restore()` carry the messages across a restart (workspace-snapshot.ts).
 */
import { randomBytes } from "node:crypto";
import type {
  ChannelInput,
  Json,
  JsonObject,
  StoredEphemeral,
  StoredMessage,
  StoredView,
  TeamIdentity,
  UserInput,
  ViewRecord,
  ViewType,
} from "./types.js";
import { latestMicros, type WorkspaceSnapshot } from "./workspace-snapshot.js";

const ALPHANUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

export function randomSlackId(prefix: string, length = 10): string {
  const bytes = randomBytes(length);
  let id = prefix;
  for (const byte of bytes) id += ALPHANUM[byte % ALPHANUM.length];
  return id;
}

export class WorkspaceState {
  readonly channels = new Map<string, ChannelInput>();
  readonly users = new Map<string, UserInput>();
  readonly userGroups = new Map<string, string[]>();
  readonly ephemerals: StoredEphemeral[] = [];
  readonly views = new Map<string, ViewRecord>();
  readonly homeViewByUser = new Map<string, string>();
  private readonly messagesByChannel = new Map<string, StoredMessage[]>();
  private lastMicros = 0;

  constructor(
    readonly team: TeamIdentity,
    private readonly now: () => number,
  ) {}

  setChannels(channels: readonly ChannelInput[]): void {
    this.channels.clear();
    for (const channel of channels) this.channels.set(channel.id, { ...channel });
  }

  setUsers(users: readonly UserInput[]): void {
    this.users.clear();
    for (const user of users) this.users.set(user.id, { ...user });
  }

  setUserGroups(groups: Record<string, readonly string[]>): void {
    this.userGroups.clear();
    for (const [id, members] of Object.entries(groups)) this.userGroups.set(id, [...members]);
  }

  /** chat.postMessage takes an ID, a name ("deploys" / "#deploys") or a user ID (opens the DM). */
  resolveChannel(ref: string, options: { byName: boolean }): ChannelInput | undefined {
    const byId = this.channels.get(ref);
    if (byId !== undefined) return byId;
    if (options.byName) {
      const name = ref.startsWith("#") ? ref.slice(1) : ref;
      for (const channel of this.channels.values()) if (channel.name === name) return channel;
    }
    const user = this.users.get(ref);
    if (user === undefined) return undefined;
    return this.directMessage(user.id);
  }

  directMessage(userId: string): ChannelInput {
    const id = `D${userId.slice(1)}`;
    const existing = this.channels.get(id);
    if (existing !== undefined) return existing;
    const dm: ChannelInput = { id, name: userId, isPrivate: true, botIsMember: true, members: [userId] };
    this.channels.set(id, dm);
    return dm;
  }

  isMember(channel: ChannelInput, userId: string): boolean {
    return channel.members === undefined ? this.users.has(userId) : channel.members.includes(userId);
  }

  /** Slack `ts`: epoch seconds "." microseconds, strictly increasing across the workspace. */
  nextTs(): string {
    const micros = Math.max(Math.floor(this.now()) * 1000, this.lastMicros + 1);
    this.lastMicros = micros;
    return `${Math.floor(micros / 1e6)}.${String(micros % 1e6).padStart(6, "0")}`;
  }

  addMessage(message: StoredMessage): void {
    const list = this.messagesByChannel.get(message.channel) ?? [];
    list.push(message);
    this.messagesByChannel.set(message.channel, list);
    if (message.thread_ts === undefined || message.thread_ts === message.ts) return;
    const parent = this.findMessage(message.channel, message.thread_ts);
    if (parent === undefined) return;
    parent.thread_ts = parent.ts;
    parent.reply_count = (parent.reply_count ?? 0) + 1;
    parent.latest_reply = message.ts;
  }

  findMessage(channel: string, ts: string): StoredMessage | undefined {
    return this.messagesByChannel.get(channel)?.find((m) => m.ts === ts);
  }

  deleteMessage(channel: string, ts: string): boolean {
    const list = this.messagesByChannel.get(channel);
    const index = list?.findIndex((m) => m.ts === ts) ?? -1;
    if (list === undefined || index < 0) return false;
    list.splice(index, 1);
    return true;
  }

  /** Top-level messages (and broadcast replies) of a channel, oldest first. */
  messages(channel: string): StoredMessage[] {
    const list = this.messagesByChannel.get(channel) ?? [];
    return list.filter(
      (m) => m.thread_ts === undefined || m.thread_ts === m.ts || m.reply_broadcast === true,
    );
  }

  /** The parent followed by its replies, oldest first, like conversations.replies. */
  thread(channel: string, ts: string): StoredMessage[] {
    const list = this.messagesByChannel.get(channel) ?? [];
    return list.filter((m) => m.ts === ts || m.thread_ts === ts);
  }

  /** A deep copy of what outlives a restart: messages in the order they were posted, ephemerals. */
  snapshot(): WorkspaceSnapshot {
    const messages = [...this.messagesByChannel.values()].flat().sort((a, b) => compareTs(a.ts, b.ts));
    return structuredClone({ version: 1, messages, ephemerals: this.ephemerals });
  }

  /** Replaces the messages and ephemerals with a snapshot's; new ts values come after its last one. */
  restore(snapshot: WorkspaceSnapshot): void {
    const copy = structuredClone(snapshot);
    this.messagesByChannel.clear();
    for (const message of copy.messages) {
      const list = this.messagesByChannel.get(message.channel) ?? [];
      list.push(message);
      this.messagesByChannel.set(message.channel, list);
    }
    this.ephemerals.length = 0;
    for (const ephemeral of copy.ephemerals) this.ephemerals.push(ephemeral);
    this.lastMicros = Math.max(this.lastMicros, latestMicros(copy));
  }

  newHash(): string {
    return `${Math.floor(this.now() / 1000)}.${randomSlackId("", 8)}`;
  }

  buildView(input: JsonObject, links: { rootViewId?: string; previousViewId?: string | null }): StoredView {
    const id = randomSlackId("V");
    const view: StoredView = {
      id,
      team_id: this.team.teamId,
      type: input.type as ViewType,
      blocks: withBlockIds((input.blocks as Json[] | undefined) ?? []),
      private_metadata: stringOr(input.private_metadata),
      callback_id: stringOr(input.callback_id),
      external_id: stringOr(input.external_id),
      state: { values: {} },
      hash: this.newHash(),
      clear_on_close: input.clear_on_close === true,
      notify_on_close: input.notify_on_close === true,
      root_view_id: links.rootViewId ?? id,
      previous_view_id: links.previousViewId ?? null,
      app_id: this.team.appId,
      bot_id: this.team.botId,
      app_installed_team_id: this.team.teamId,
    };
    if (view.type === "modal") {
      view.title = input.title ?? null;
      view.submit = input.submit ?? null;
      view.close = input.close ?? null;
    } else {
      view.close = null;
      view.submit = null;
    }
    return view;
  }
}

function compareTs(a: string, b: string): number {
  const [as = "", am = ""] = a.split(".");
  const [bs = "", bm = ""] = b.split(".");
  return Number(as) - Number(bs) || Number(am) - Number(bm);
}

function stringOr(value: Json | undefined): string {
  return typeof value === "string" ? value : "";
}

/** Slack fills in a block_id for every block that has none (e.g. "2WGp9" in the views.publish example). */
export function withBlockIds(blocks: readonly Json[]): Json[] {
  return blocks.map((block) => {
    if (typeof block !== "object" || block === null || Array.isArray(block)) return block;
    if (typeof block.block_id === "string") return block;
    return { ...block, block_id: randomSlackId("", 5) };
  });
}
