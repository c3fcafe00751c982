/**
 * `DriftDigestPoster` over Slack's Web API. A digest is one new message per run, so it goes
 * straight to chat.postMessage rather than through the card outbox (which coalesces updates of
 * one message); WebClient's own retries cover rate limits, and an `ok: false` answer throws, which
 * makes the flow give the run's claim back.
 */
import type { DriftDigestPoster } from "../../flows/post-drift-digest.js";

/** The slice of @slack/web-api's WebClient this needs. */
export interface ChatPostMessage {
  chat: {
    postMessage(args: {
      channel: string;
      text: string;
      blocks: never[];
    }): Promise<{ ts?: string | undefined }>;
  };
}

export function createDriftDigestPoster(client: ChatPostMessage): DriftDigestPoster {
  return {
    async post(channel, blocks, text) {
      const answer = await client.chat.postMessage({ channel, text, blocks: blocks as never[] });
      if (answer.ts === undefined) throw new Error(`chat.postMessage to ${channel} answered without a ts`);
      return { ts: answer.ts };
    },
  };
}
