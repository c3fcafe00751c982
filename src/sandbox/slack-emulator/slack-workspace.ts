/**
 * The emulator's state as tests and the sandbox page see it: directory setters, read-only copies of
 * messages, threads and views, trigger_id minting and view closing. The HTTP side is in slack-emulator.ts.
 */
import { EventEmitter } from "node:events";
import { checkView } from "./block-kit-limits.js";
import type { MethodContext } from "./method-context.js";
import { ResponseUrls } from "./response-urls.js";
import type { TriggerRegistry } from "./trigger-registry.js";
import type {
  ChannelInput,
  JsonObject,
  ResponseUrlPost,
  SlackEmulatorEvents,
  StoredEphemeral,
  StoredMessage,
  StoredView,
  TeamIdentity,
  UserInput,
} from "./types.js";
import type { WorkspaceSnapshot } from "./workspace-snapshot.js";
import type { WorkspaceState } from "./workspace-state.js";

export class SlackWorkspace extends EventEmitter<SlackEmulatorEvents> {
  protected readonly context: MethodContext;
  protected readonly responseUrls: ResponseUrls;

  constructor(
    protected readonly state: WorkspaceState,
    private readonly triggers: TriggerRegistry,
    protected readonly now: () => number,
  ) {
    super();
    this.context = { state, triggers, now, emit: (change) => this.emit("change", change) };
    this.responseUrls = new ResponseUrls(this.context);
  }

  get team(): TeamIdentity {
    return this.state.team;
  }

  setChannels(channels: readonly ChannelInput[]): void {
    this.state.setChannels(channels);
  }

  addChannel(channel: ChannelInput): void {
    this.state.channels.set(channel.id, { ...channel });
  }

  setUsers(users: readonly UserInput[]): void {
    this.state.setUsers(users);
  }

  /** usergroups.users.list answers from this map; an unknown id answers `no_such_subteam`. */
  setUserGroups(groups: Record<string, readonly string[]>): void {
    this.state.setUserGroups(groups);
  }

  channels(): ChannelInput[] {
    return [...this.state.channels.values()].map((c) => structuredClone(c));
  }

  users(): UserInput[] {
    return [...this.state.users.values()].map((u) => structuredClone(u));
  }

  message(channel: string, ts: string): StoredMessage | undefined {
    const found = this.state.findMessage(channel, ts);
    return found === undefined ? undefined : structuredClone(found);
  }

  /** Top-level messages of a channel, oldest first. */
  messages(channel: string): StoredMessage[] {
    return structuredClone(this.state.messages(channel));
  }

  /** The first top-level message of a channel that `matches`: only that one is copied. */
  firstMessage(
    channel: string,
    matches: (message: Readonly<StoredMessage>) => boolean,
  ): StoredMessage | undefined {
    const found = this.state.messages(channel).find(matches);
    return found === undefined ? undefined : structuredClone(found);
  }

  /**
   * Someone deletes a message in the client. NOTE: the message is gone (chat.update and
   * conversations.history no longer find it); its replies stay, as chat.delete leaves them.
   */
  deleteMessage(channel: string, ts: string): boolean {
    if (!this.state.deleteMessage(channel, ts)) return false;
    this.emit("change", { kind: "message_deleted", channel, ts });
    return true;
  }

  /** Messages (with threads) and ephemeral replies, to restore after a restart. */
  snapshot(): WorkspaceSnapshot {
    return this.state.snapshot();
  }

  /** Puts a snapshot's messages back (before the bot starts: it announces no changes). */
  restore(snapshot: WorkspaceSnapshot): void {
    this.state.restore(snapshot);
  }

  /** The parent and its replies, oldest first. */
  thread(channel: string, ts: string): StoredMessage[] {
    return structuredClone(this.state.thread(channel, ts));
  }

  ephemerals(filter: { channel?: string; userId?: string } = {}): StoredEphemeral[] {
    const list = this.state.ephemerals.filter(
      (e) =>
        (filter.channel === undefined || e.channel === filter.channel) &&
        (filter.userId === undefined || e.user === filter.userId),
    );
    return structuredClone(list);
  }

  view(viewId: string): StoredView | undefined {
    const record = this.state.views.get(viewId);
    return record === undefined ? undefined : structuredClone(record.view);
  }

  /** The Home tab last published for a user. */
  homeView(userId: string): StoredView | undefined {
    const id = this.state.homeViewByUser.get(userId);
    return id === undefined ? undefined : this.view(id);
  }

  /** Open modals, oldest first (a stack shows as root, then pushed views). */
  openModals(userId?: string): StoredView[] {
    const open = [...this.state.views.values()].filter(
      (r) => r.open && r.view.type === "modal" && (userId === undefined || r.userId === userId),
    );
    return structuredClone(open.map((r) => r.view));
  }

  get responseUrlPosts(): readonly ResponseUrlPost[] {
    return this.responseUrls.posts;
  }

  /** A trigger_id as Slack sends with an interaction by `userId` (inside modal `viewId`, if any). */
  mintTriggerId(userId: string, options: { viewId?: string } = {}): string {
    return this.triggers.mint({
      userId,
      ...(options.viewId === undefined ? {} : { viewId: options.viewId }),
    });
  }

  /** The user closed a modal: the view and everything pushed on top of it (the whole stack with `all`). */
  closeView(viewId: string, options: { all?: boolean } = {}): boolean {
    const record = this.state.views.get(viewId);
    if (record === undefined || !record.open) return false;
    const all = options.all === true || record.view.clear_on_close;
    for (const other of this.state.views.values()) {
      const sameStack = other.view.root_view_id === record.view.root_view_id;
      if (other === record || (sameStack && (all || this.isAbove(other.view, viewId)))) other.open = false;
    }
    this.emit("change", { kind: "view_closed", viewId, userId: record.userId });
    return true;
  }

  /**
   * What Slack does with the HTTP body a Bolt app acks a view_submission with (docs surfaces/modals
   * "response_action"): update / push a view, show field errors, clear the stack, or (no body) close it.
   */
  applyViewSubmissionAck(viewId: string, ack: unknown): ViewAckOutcome {
    const record = this.state.views.get(viewId);
    if (record === undefined || !record.open) return { outcome: "not_open" };
    const body = isObject(ack) ? ack : {};
    const action = body.response_action;
    if (action === "errors") return { outcome: "errors", errors: (body.errors ?? {}) as JsonObject };
    if (action === "clear") {
      this.closeView(viewId, { all: true });
      return { outcome: "cleared" };
    }
    if (action === "update" || action === "push") {
      const check = checkView(body.view);
      if (check.error !== undefined) return { outcome: "invalid", messages: check.messages };
      const input = body.view as JsonObject;
      const { view: current } = record;
      if (action === "update") {
        const built = this.state.buildView(input, {
          rootViewId: current.root_view_id,
          previousViewId: current.previous_view_id,
        });
        record.view = { ...built, id: current.id };
        this.emit("change", { kind: "view_updated", viewId, userId: record.userId });
        return { outcome: "updated", viewId };
      }
      const pushed = this.state.buildView(input, {
        rootViewId: current.root_view_id,
        previousViewId: current.id,
      });
      this.state.views.set(pushed.id, { view: pushed, userId: record.userId, open: true });
      this.emit("change", { kind: "view_pushed", viewId: pushed.id, userId: record.userId });
      return { outcome: "pushed", viewId: pushed.id };
    }
    this.closeView(viewId);
    return { outcome: "closed" };
  }

  private isAbove(view: StoredView, baseId: string): boolean {
    let previous = view.previous_view_id;
    while (previous !== null) {
      if (previous === baseId) return true;
      previous = this.state.views.get(previous)?.view.previous_view_id ?? null;
    }
    return false;
  }
}

export type ViewAckOutcome =
  | { outcome: "closed" | "cleared" | "not_open" }
  | { outcome: "updated" | "pushed"; viewId: string }
  | { outcome: "errors"; errors: JsonObject }
  | { outcome: "invalid"; messages: string[] };

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
