import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { App, isValidSlackRequest } from "@slack/bolt";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  type SlackEmulator,
  SlackRequestSigner,
  signSlackRequest,
  silentLogger,
  startSlackEmulator,
  webClientFor,
} from "../../helpers/slack.js";
import { waitFor } from "../../helpers/wait-for.js";

const FIXTURES = new URL("../../../../shared/fixtures/slack/", import.meta.url);
const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(name, FIXTURES), "utf8"));

const SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
const alice = { id: "U0ALICE001", name: "alice" };
const deploys = { id: "C0DEPLOYS1", name: "deploys" };
const plain = (text: string) => ({ type: "plain_text" as const, text });

describe("v0 signature", () => {
  const vector = fixture("signing-test-vector.json") as Record<string, string>;

  it("reproduces Slack's published test vector", () => {
    const signature = signSlackRequest(
      vector.signing_secret!,
      vector.x_slack_request_timestamp!,
      vector.raw_body!,
    );
    expect(signature).toBe(vector.x_slack_signature);
  });

  it("form-encodes exactly as Slack does (the vector's body survives a decode/encode round trip)", () => {
    const fields = [...new URLSearchParams(vector.raw_body!)];
    expect(new URLSearchParams(fields).toString()).toBe(vector.raw_body);
  });

  it("is accepted by Bolt's own verifier, and a wrong secret is not", () => {
    const timestamp = 1_732_700_000;
    const body = "token=x&command=%2Fpromote";
    const headers = (secret: string) => ({
      "x-slack-signature": signSlackRequest(secret, timestamp, body),
      "x-slack-request-timestamp": timestamp,
    });
    const nowMilliseconds = timestamp * 1000;
    expect(
      isValidSlackRequest({ signingSecret: SECRET, body, headers: headers(SECRET), nowMilliseconds }),
    ).toBe(true);
    expect(
      isValidSlackRequest({ signingSecret: SECRET, body, headers: headers("wrong"), nowMilliseconds }),
    ).toBe(false);
  });
});

describe("signed requests to a real Bolt app", () => {
  let emulator: SlackEmulator;
  let app: App;
  let signer: SlackRequestSigner;
  const seen: Array<Record<string, unknown>> = [];

  beforeEach(async () => {
    seen.length = 0;
    emulator = await startSlackEmulator({ channels: [{ ...deploys }], users: [{ ...alice }] });
    app = new App({
      signingSecret: SECRET,
      token: emulator.tokens[0]!,
      clientOptions: { slackApiUrl: emulator.apiUrl, retryConfig: { retries: 0 } },
      logger: silentLogger,
    });
    app.command("/promote", async ({ ack, command, client, respond }) => {
      seen.push(command as unknown as Record<string, unknown>);
      await ack({ response_type: "ephemeral", text: `checking ${command.text}` });
      const view = { type: "modal" as const, callback_id: "reason", title: plain("Reason"), blocks: [] };
      await client.views.open({ trigger_id: command.trigger_id, view });
      await respond({ text: "queued" });
    });
    app.action("promotion.approve", async ({ ack, body, respond }) => {
      seen.push(body as unknown as Record<string, unknown>);
      await ack();
      await respond({ replace_original: true, text: `approved by ${body.user.id}` });
    });
    app.view("reason", async ({ ack, view }) => {
      seen.push(view as unknown as Record<string, unknown>);
      await ack({ response_action: "errors", errors: { reason: "Say why" } });
    });
    app.event("app_home_opened", async ({ event, client }) => {
      await client.views.publish({
        user_id: event.user,
        view: { type: "home", blocks: [{ type: "divider" }] },
      });
    });
    const server = (await app.start({ port: 0, host: "127.0.0.1" })) as { address(): AddressInfo };
    const url = `http://127.0.0.1:${server.address().port}/slack/events`;
    signer = new SlackRequestSigner({ url, signingSecret: SECRET, emulator });
  });

  afterEach(async () => {
    await app.stop();
    await emulator.close();
  });

  it("sends a slash command with Slack's fields; the app's views.open and respond() land in the emulator", async () => {
    const delivery = await signer.slashCommand({
      user: alice,
      channel: deploys,
      command: "/promote",
      text: "api to prod",
    });
    expect(delivery.status).toBe(200);
    expect(delivery.body).toEqual({ response_type: "ephemeral", text: "checking api to prod" });
    expect(Object.keys(delivery.payload)).toEqual([
      "token",
      "team_id",
      "team_domain",
      "channel_id",
      "channel_name",
      "user_id",
      "user_name",
      "command",
      "text",
      "api_app_id",
      "is_enterprise_install",
      "response_url",
      "trigger_id",
    ]);
    expect(delivery.requestBody).toContain("command=%2Fpromote&text=api+to+prod");
    await waitFor(() => emulator.ephemerals({ userId: alice.id }).length === 1);
    expect(emulator.openModals(alice.id)).toHaveLength(1);
    expect(emulator.ephemerals({ userId: alice.id })[0]).toMatchObject({
      text: "queued",
      source: "response_url",
    });
  });

  it("refuses (401) a request signed with the wrong secret or a stale timestamp", async () => {
    const input = { user: alice, channel: deploys, command: "/promote", text: "x" };
    const forged = await signer.slashCommand(input, { signingSecret: "not-the-secret" });
    const stale = await signer.slashCommand(input, { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 });
    expect([forged.status, stale.status]).toEqual([401, 401]);
    expect(seen).toEqual([]);
  });

  it("sends a button click from a card as block_actions with the message, and replace_original updates it", async () => {
    const card = await webClientFor(emulator).chat.postMessage({
      channel: deploys.id,
      text: "api → prod",
      blocks: [
        {
          type: "actions",
          elements: [
            { type: "button", text: plain("Approve"), action_id: "promotion.approve", value: "p-1" },
          ],
        },
      ],
    });
    const delivery = await signer.clickInMessage({
      user: alice,
      channel: deploys,
      messageTs: card.ts!,
      actionId: "promotion.approve",
    });
    expect(delivery.status).toBe(200);
    const body = seen[0]!;
    const shape = fixture("block_actions.message-container.bolt-python-test.json");
    expect(Object.keys(body)).toEqual(expect.arrayContaining(Object.keys(shape)));
    expect(body).toMatchObject({
      type: "block_actions",
      container: { type: "message", message_ts: card.ts, channel_id: deploys.id },
      message: { ts: card.ts, text: "api → prod" },
      actions: [{ action_id: "promotion.approve", value: "p-1", type: "button" }],
    });
    await waitFor(() => emulator.message(deploys.id, card.ts!)?.text === "approved by U0ALICE001");
  });

  it("submits a modal; the app's response_action errors come back as the outcome", async () => {
    await signer.slashCommand({ user: alice, channel: deploys, command: "/promote", text: "x" });
    await waitFor(() => emulator.openModals(alice.id).length === 1);
    const viewId = emulator.openModals(alice.id)[0]!.id;
    const values = { reason: { text: { type: "plain_text_input", value: "" } } };
    const delivery = await signer.submitView({ user: alice, viewId, values });
    expect(delivery.viewOutcome).toEqual({ outcome: "errors", errors: { reason: "Say why" } });
    expect(seen.at(-1)).toMatchObject({ id: viewId, callback_id: "reason", state: { values } });
  });

  it("delivers app_home_opened as an Events API envelope and answers url_verification", async () => {
    const opened = await signer.appHomeOpened({ user: alice });
    expect(opened.status).toBe(200);
    expect(opened.payload).toMatchObject({
      type: "event_callback",
      event: { type: "app_home_opened", tab: "home" },
    });
    await waitFor(() => emulator.homeView(alice.id) !== undefined);
    const challenge = await signer.urlVerification("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P");
    expect(challenge.body).toEqual({ challenge: "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" });
  });
});
