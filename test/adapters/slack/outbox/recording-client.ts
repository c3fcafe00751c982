/** Slack's two chat methods for outbox tests, recording each call (the boundary, not one of our modules). */
import type { OutboxClient } from "../../../../src/adapters/slack/outbox/outbox-worker.js";

export function recordingClient() {
  const calls: { method: string; args: Record<string, unknown> }[] = [];
  const client: OutboxClient = {
    chat: {
      postMessage: async (args) => {
        calls.push({ method: "chat.postMessage", args });
        return { ts: "1700000000.000100", channel: String(args.channel) };
      },
      update: async (args) => {
        calls.push({ method: "chat.update", args });
        return {};
      },
    },
    // No earlier process left unconfirmed posts in these tests' Slack.
    conversations: { history: async () => ({ messages: [] }) },
  };
  return { client, calls };
}
