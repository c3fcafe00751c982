/**
 * Slack's side of a benchmark, run as a process of its own (slack-side-process.ts): the Web API
 * emulator Tollgate posts cards to, and the people who type commands and click buttons, sent to
 * Tollgate signed as Slack sends them. Slack's own CPU work (Block Kit validation, storing
 * messages, signing requests) then runs on its own event loop instead of being charged to
 * Tollgate's latency. The bench drives it over the IPC channel; every latency is measured inside
 * the process, so IPC is never on the measured path.
 */
import { type ChildProcess, fork } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ChannelInput, ChannelRef, SlackActor, UserInput } from "../src/sandbox/slack-emulator/index.js";
import { profileFlags } from "./bench-processes.js";

const here = dirname(fileURLToPath(import.meta.url));

/** The workspace the emulator starts with, and the bot token it accepts. */
export interface SlackWorkspaceSeed {
  token: string;
  channels: ChannelInput[];
  users: UserInput[];
  userGroups: Record<string, string[]>;
}

export type SlackSideCommand =
  | ({ kind: "start" } & SlackWorkspaceSeed)
  /** Where the signed requests go (Tollgate's `/slack/events`), signed with Tollgate's SLACK_SIGNING_SECRET. */
  | { kind: "target"; eventsUrl: string; signingSecret: string }
  /** A slash command; answers the response_url reply's text. */
  | {
      kind: "command";
      user: SlackActor;
      channel: ChannelRef;
      command: string;
      text: string;
      timeoutMs: number;
    }
  /** Waits until each digest's card shows `actionId`; answers the cards' ts, in order. */
  | { kind: "awaitCards"; channel: ChannelRef; digests: string[]; actionId: string; timeoutMs: number }
  /** Clicks `actionId` on every card at once; answers ms from send to the card's chat.update, per card. */
  | {
      kind: "clickRound";
      user: SlackActor;
      channel: ChannelRef;
      cards: string[];
      actionId: string;
      timeoutMs: number;
    }
  /** `count` slash commands at once; answers ms from send to each response_url reply. */
  | {
      kind: "commandRound";
      user: SlackActor;
      channel: ChannelRef;
      command: string;
      text: string;
      count: number;
      timeoutMs: number;
    };

export interface SlackSideResults {
  start: string;
  target: null;
  command: string;
  awaitCards: string[];
  clickRound: number[];
  commandRound: number[];
}

export type SlackSideKind = SlackSideCommand["kind"];
export type SlackSideRequest = { id: number; command: SlackSideCommand };
export type SlackSideReply = { id: number; result?: unknown; error?: string };

export interface SlackSide {
  /** The emulator's Web API base, for SLACK_API_URL. */
  apiUrl: string;
  request<K extends SlackSideKind>(
    command: Extract<SlackSideCommand, { kind: K }>,
  ): Promise<SlackSideResults[K]>;
  stop(): Promise<void>;
}

export async function startSlackSide(seed: SlackWorkspaceSeed): Promise<SlackSide> {
  const child: ChildProcess = fork(join(here, "slack-side-process.js"), [], {
    execArgv: profileFlags(`slack-side-${Date.now()}`),
    env: { PATH: process.env.PATH ?? "" },
    stdio: ["ignore", "ignore", "inherit", "ipc"],
  });
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  const failAll = (error: Error) => {
    for (const waiter of pending.values()) waiter.reject(error);
    pending.clear();
  };
  child.on("message", (message: SlackSideReply) => {
    const waiter = pending.get(message.id);
    pending.delete(message.id);
    if (message.error !== undefined) waiter?.reject(new Error(`slack side: ${message.error}`));
    else waiter?.resolve(message.result);
  });
  child.once("error", failAll);
  child.once("exit", (code, signal) => failAll(new Error(`slack side exited (${code ?? signal})`)));
  let next = 0;
  const request = <K extends SlackSideKind>(command: Extract<SlackSideCommand, { kind: K }>) =>
    new Promise<SlackSideResults[K]>((resolve, reject) => {
      const id = ++next;
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      child.send({ id, command } satisfies SlackSideRequest);
    });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
    });
  try {
    const apiUrl = await request({ kind: "start", ...seed });
    return { apiUrl, request, stop };
  } catch (error) {
    child.kill("SIGKILL");
    throw error;
  }
}
