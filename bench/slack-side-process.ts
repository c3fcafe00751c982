/**
 * The process behind slack-side.ts: the Slack emulator plus a SlackRequestSigner aimed at
 * Tollgate, answering each IPC command from the bench with one message. A latency starts just
 * before the signer builds, signs and sends a request (the payload of a click costs ~0.3 ms) and
 * ends when the emulator records Tollgate's answer (the card's chat.update, or the response_url
 * reply), both on this process's clock.
 */
import {
  type EmulatorChange,
  type SlackEmulator,
  SlackRequestSigner,
  startSlackEmulator,
} from "../src/sandbox/slack-emulator/index.js";
import type { SlackSideCommand, SlackSideReply, SlackSideRequest, SlackSideResults } from "./slack-side.js";

let emulator: SlackEmulator | undefined;
let signer: SlackRequestSigner | undefined;
/** Card ts → who waits for its next chat.update. Only awaited updates are kept. */
const updateWaiters = new Map<string, (at: number) => void>();
/** response_url id → when the reply came, and its text; kept until asked for (it may beat the ack). */
const replies = new Map<string, { at: number; text: string }>();
const replyWaiters = new Map<string, () => void>();
/** Messages posted or updated so far, so card lookups run only when something changed. */
let messageChanges = 0;

function onChange(change: EmulatorChange): void {
  const at = performance.now();
  if (change.kind === "message_posted" || change.kind === "message_updated") messageChanges += 1;
  if (change.kind === "message_updated") {
    updateWaiters.get(change.ts)?.(at);
    updateWaiters.delete(change.ts);
  } else if (change.kind === "response_url_posted") {
    const post = emulator?.responseUrlPosts.at(-1);
    replies.set(change.id, { at, text: String(post?.id === change.id ? (post.body.text ?? "") : "") });
    replyWaiters.get(change.id)?.();
  }
}

/** Waits for `register`'s callback, failing after `ms`; cancel() stops waiting (and never settles). */
function deadline<T>(
  ms: number,
  what: string,
  register: (done: (value: T) => void) => () => void,
): { promise: Promise<T>; cancel(): void } {
  let cancel = () => {};
  const promise = new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      unregister();
      reject(new Error(`${what}: nothing within ${ms} ms`));
    }, ms);
    const unregister = register((value) => {
      clearTimeout(timer);
      resolve(value);
    });
    cancel = () => {
      clearTimeout(timer);
      unregister();
    };
  });
  return { promise, cancel };
}

/** Resolves with performance.now() at the card's next chat.update. */
function nextUpdate(ts: string, timeoutMs: number): { promise: Promise<number>; cancel(): void } {
  return deadline<number>(timeoutMs, `card ${ts} never updated`, (done) => {
    updateWaiters.set(ts, done);
    return () => updateWaiters.delete(ts);
  });
}

async function reply(
  responseUrl: string | undefined,
  timeoutMs: number,
): Promise<{ at: number; text: string }> {
  if (responseUrl === undefined) throw new Error("no response_url");
  const id = new URL(responseUrl).pathname.slice(1);
  if (!replies.has(id))
    await deadline<void>(timeoutMs, `no reply on ${id}`, (done) => {
      replyWaiters.set(id, () => done());
      return () => replyWaiters.delete(id);
    }).promise;
  replyWaiters.delete(id);
  const found = replies.get(id)!;
  replies.delete(id);
  return found;
}

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`${what} first`);
  return value;
}

type Of<K extends SlackSideCommand["kind"]> = Extract<SlackSideCommand, { kind: K }>;

/** Sends one slash command; ms from just before the send to the response_url reply, and its text. */
async function sendCommand(c: Of<"command"> | Of<"commandRound">): Promise<{ ms: number; text: string }> {
  const start = performance.now();
  const { user, channel, command, text } = c;
  const delivery = await required(signer, "target").slashCommand({ user, channel, command, text });
  if (delivery.status !== 200) throw new Error(`${command} ${text} answered ${delivery.status}`);
  const answer = await reply(delivery.responseUrl, c.timeoutMs);
  return { ms: answer.at - start, text: answer.text };
}

async function click(c: Of<"clickRound">, ts: string): Promise<number> {
  const update = nextUpdate(ts, c.timeoutMs);
  const start = performance.now();
  const delivery = await required(signer, "target")
    .clickInMessage({ user: c.user, channel: c.channel, messageTs: ts, actionId: c.actionId })
    .catch((error: unknown) => {
      update.cancel();
      throw error;
    });
  if (delivery.status !== 200) {
    update.cancel();
    throw new Error(`click on ${ts} by ${c.user.name} answered ${delivery.status}`);
  }
  return (await update.promise) - start;
}

/** For each digest, the ts of its card (the first top-level message naming it) if that shows `actionId`. */
function cardsShowing(channel: string, digests: string[], actionId: string): (string | undefined)[] {
  const unseen = new Set(digests);
  const showing = new Map<string, string>();
  // One pass over the channel, copying nothing: the predicate only reads, and stops once all are seen.
  required(emulator, "start").firstMessage(channel, (m) => {
    const blocks = JSON.stringify(m.blocks ?? []);
    for (const digest of unseen) {
      if (!blocks.includes(digest)) continue;
      unseen.delete(digest);
      if (blocks.includes(actionId)) showing.set(digest, m.ts);
    }
    return unseen.size === 0;
  });
  return digests.map((digest) => showing.get(digest));
}

async function awaitCards(c: Of<"awaitCards">): Promise<string[]> {
  const until = Date.now() + c.timeoutMs;
  let checked = -1;
  for (;;) {
    // Looked at again only when a message changed since: the check reads every card in the channel.
    const late = Date.now() > until;
    if (checked !== messageChanges || late) {
      checked = messageChanges;
      const cards = cardsShowing(c.channel.id, c.digests, c.actionId);
      if (cards.every((ts) => ts !== undefined)) return cards;
      if (late)
        throw new Error(`${cards.filter((ts) => ts === undefined).length} cards never showed ${c.actionId}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function run(c: SlackSideCommand): Promise<SlackSideResults[SlackSideCommand["kind"]]> {
  switch (c.kind) {
    case "start": {
      const { kind: _kind, token, ...workspace } = c;
      emulator = await startSlackEmulator({ ...workspace, tokens: [token] });
      emulator.on("change", onChange);
      return emulator.apiUrl;
    }
    case "target":
      signer = new SlackRequestSigner({
        url: c.eventsUrl,
        signingSecret: c.signingSecret,
        emulator: required(emulator, "start"),
      });
      return null;
    case "command":
      return (await sendCommand(c)).text;
    case "commandRound":
      return Promise.all(Array.from({ length: c.count }, async () => (await sendCommand(c)).ms));
    case "awaitCards":
      return awaitCards(c);
    case "clickRound":
      return Promise.all(c.cards.map((ts) => click(c, ts)));
  }
}

process.on("message", (message: SlackSideRequest) => {
  run(message.command).then(
    (result) => process.send?.({ id: message.id, result } satisfies SlackSideReply),
    (error: unknown) =>
      process.send?.({
        id: message.id,
        error: String((error as Error).message ?? error),
      } satisfies SlackSideReply),
  );
});

const shutdown = () => void (emulator?.close() ?? Promise.resolve()).then(() => process.exit(0));
process.on("SIGTERM", shutdown);
// The bench died without stopping us: go too.
process.on("disconnect", shutdown);
