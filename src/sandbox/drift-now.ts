/**
 * The page's "Post drift digest now": runs the real digest flow (flows/post-drift-digest.ts) for
 * every environment with `drift.digest`, as the schedule would, posting to the emulator with the
 * bot token through Slack's Web API. Each click is its own slot, so it always posts.
 */
import { renderDriftDigest } from "../adapters/slack/views/drift-digest.js";
import { createDriftStore } from "../adapters/sqlite/drift-store.js";
import { postDriftDigest } from "../flows/post-drift-digest.js";
import type { SandboxContext } from "./sandbox-context.js";

export async function postDriftDigestsNow(
  sandbox: SandboxContext,
): Promise<{ environment: string; status: string }[]> {
  const { app } = sandbox;
  const deps = {
    contracts: app.contracts,
    snapshots: app.stores.snapshots,
    runs: createDriftStore(app.db),
    render: renderDriftDigest,
    poster: {
      post: (channel: string, blocks: unknown[], text: string) => postMessage(sandbox, channel, blocks, text),
    },
  };
  const set = app.contracts.current();
  const outcomes: { environment: string; status: string }[] = [];
  for (const environment of set.order) {
    if (set.contracts.get(environment)?.drift?.digest === undefined) continue;
    const now = app.clock.now();
    const outcome = await postDriftDigest(deps, environment, now, now);
    outcomes.push({ environment, status: outcome.status });
  }
  return outcomes;
}

async function postMessage(
  sandbox: SandboxContext,
  channel: string,
  blocks: unknown[],
  text: string,
): Promise<{ ts: string }> {
  const response = await fetch(`${sandbox.emulator.apiUrl}chat.postMessage`, {
    method: "POST",
    headers: {
      "content-type": "application/json; charset=utf-8",
      authorization: `Bearer ${sandbox.secrets.botToken}`,
    },
    body: JSON.stringify({ channel, blocks, text }),
  });
  const answer = (await response.json()) as { ok: boolean; ts?: string; error?: string };
  if (!answer.ok || answer.ts === undefined)
    throw new Error(`chat.postMessage failed: ${answer.error ?? response.status}`);
  return { ts: answer.ts };
}
