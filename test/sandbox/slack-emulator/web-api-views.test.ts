import { readFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type SlackEmulator, startSlackEmulator, webClientFor } from "../../helpers/slack.js";

const FIXTURES = new URL("../../../../shared/fixtures/slack/", import.meta.url);
const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(name, FIXTURES), "utf8"));

const plain = (text: string) => ({ type: "plain_text" as const, text });
const section = (text: string) => ({ type: "section" as const, text: { type: "mrkdwn" as const, text } });
const modal = (title: string, extra: Record<string, unknown> = {}) => ({
  type: "modal" as const,
  title: plain(title),
  blocks: [section("details")],
  ...extra,
});
const home = (text: string) => ({ type: "home" as const, blocks: [section(text)] });

let emulator: SlackEmulator;
let clock: number;

beforeEach(async () => {
  clock = 1_732_700_000_000;
  emulator = await startSlackEmulator({
    now: () => clock,
    users: [
      { id: "U0ALICE001", name: "alice", realName: "Alice Approver" },
      { id: "U0BOB00001", name: "bob" },
    ],
    userGroups: { S0APPROVER: ["U0ALICE001", "U0BOB00001"] },
    channels: [{ id: "C0DEPLOYS1", name: "deploys" }],
  });
});

afterEach(async () => {
  await emulator.close();
});

describe("views.open / push / update", () => {
  it("opens a modal for a trigger the emulator minted, once", async () => {
    const client = webClientFor(emulator);
    const trigger = emulator.mintTriggerId("U0ALICE001");
    const opened = await client.views.open({ trigger_id: trigger, view: modal("Details") });
    expect(opened.view).toMatchObject({ type: "modal", title: plain("Details"), state: { values: {} } });
    expect(opened.view?.id).toMatch(/^V[0-9A-Z]{10}$/);
    expect(opened.view?.root_view_id).toBe(opened.view?.id);
    expect(opened.view?.blocks?.[0]?.block_id).toEqual(expect.any(String));
    expect(emulator.openModals("U0ALICE001").map((v) => v.id)).toEqual([opened.view?.id]);
    await expect(client.views.open({ trigger_id: trigger, view: modal("Again") })).rejects.toMatchObject({
      data: { ok: false, error: "exchanged_trigger_id" },
    });
  });

  it("refuses malformed, unknown and expired (after 3 s) trigger ids like Slack", async () => {
    const client = webClientFor(emulator);
    const malformed = await client.views.open({ trigger_id: "nope", view: modal("x") }).catch((e) => e);
    expect(malformed.data).toEqual({ ...fixture("web-api.views.open.error-invalid-trigger.docs.json") });
    await expect(client.views.open({ trigger_id: "1.2.abc", view: modal("x") })).rejects.toMatchObject({
      data: { error: "invalid_trigger_id" },
    });
    const fresh = emulator.mintTriggerId("U0ALICE001");
    const stale = emulator.mintTriggerId("U0ALICE001");
    clock += 2_900;
    expect((await client.views.open({ trigger_id: fresh, view: modal("x") })).ok).toBe(true);
    clock += 200;
    await expect(client.views.open({ trigger_id: stale, view: modal("x") })).rejects.toMatchObject({
      data: { error: "expired_trigger_id" },
    });
  });

  it("refuses a view over the limits with invalid_arguments and Slack's messages", async () => {
    const client = webClientFor(emulator);
    const error = await client.views
      .open({ trigger_id: emulator.mintTriggerId("U0ALICE001"), view: modal("x".repeat(25)) })
      .catch((e) => e);
    expect(error.data).toMatchObject({
      ok: false,
      error: "invalid_arguments",
      response_metadata: {
        messages: expect.arrayContaining([
          "[ERROR] must be less than 25 characters [json-pointer:/view/title/text]",
        ]),
      },
    });
    expect(emulator.openModals()).toEqual([]);
  });

  it("updates by view_id or external_id and checks the hash", async () => {
    const client = webClientFor(emulator);
    const trigger = emulator.mintTriggerId("U0ALICE001");
    const opened = await client.views.open({
      trigger_id: trigger,
      view: modal("One", { external_id: "details-1" }),
    });
    const id = opened.view!.id!;
    const byId = await client.views.update({ view_id: id, hash: opened.view!.hash!, view: modal("Two") });
    expect(byId.view).toMatchObject({ id, title: plain("Two") });
    expect(byId.view?.hash).not.toBe(opened.view?.hash);
    await expect(
      client.views.update({ view_id: id, hash: opened.view!.hash!, view: modal("Three") }),
    ).rejects.toMatchObject({ data: { error: "hash_conflict" } });
    const byExternal = await client.views.update({
      external_id: "details-1",
      view: modal("Four", { external_id: "details-1" }),
    });
    expect(byExternal.view).toMatchObject({ id, title: plain("Four") });
  });

  it("answers not_found for an unknown view and push_limit_reached past three views", async () => {
    const client = webClientFor(emulator);
    await expect(client.views.update({ view_id: "V0NOPE0000", view: modal("x") })).rejects.toMatchObject({
      data: { error: "not_found" },
    });
    let current = (
      await client.views.open({ trigger_id: emulator.mintTriggerId("U0ALICE001"), view: modal("1") })
    ).view!;
    for (const title of ["2", "3"]) {
      const trigger = emulator.mintTriggerId("U0ALICE001", { viewId: current.id! });
      const pushed = (await client.views.push({ trigger_id: trigger, view: modal(title) })).view!;
      expect(pushed).toMatchObject({ root_view_id: expect.any(String), previous_view_id: current.id });
      current = pushed;
    }
    const trigger = emulator.mintTriggerId("U0ALICE001", { viewId: current.id! });
    await expect(client.views.push({ trigger_id: trigger, view: modal("4") })).rejects.toMatchObject({
      data: { error: "push_limit_reached" },
    });
    expect(emulator.openModals("U0ALICE001").map((v) => (v.title as { text: string }).text)).toEqual([
      "1",
      "2",
      "3",
    ]);
  });
  it("closes a view with everything pushed above it when the user closes it", async () => {
    const client = webClientFor(emulator);
    const root = (
      await client.views.open({ trigger_id: emulator.mintTriggerId("U0ALICE001"), view: modal("1") })
    ).view!;
    const trigger = emulator.mintTriggerId("U0ALICE001", { viewId: root.id! });
    await client.views.push({ trigger_id: trigger, view: modal("2") });
    expect(emulator.closeView(root.id!)).toBe(true);
    expect(emulator.openModals("U0ALICE001")).toEqual([]);
    expect(emulator.closeView(root.id!)).toBe(false);
  });
});

describe("views.publish", () => {
  it("publishes a Home tab per user, keeping its view id", async () => {
    const client = webClientFor(emulator);
    const first = await client.views.publish({ user_id: "U0ALICE001", view: home("v1") });
    expect(first.view).toMatchObject({ type: "home", close: null, submit: null, previous_view_id: null });
    const second = await client.views.publish({ user_id: "U0ALICE001", view: home("v2") });
    expect(second.view?.id).toBe(first.view?.id);
    expect(emulator.homeView("U0ALICE001")?.blocks[0]).toMatchObject(section("v2"));
    expect(emulator.homeView("U0BOB00001")).toBeUndefined();
  });

  it("answers an unknown user and an over-full section exactly like the captured Slack responses", async () => {
    const client = webClientFor(emulator);
    const unknown = await client.views.publish({ user_id: "U0NOBODY00", view: home("x") }).catch((e) => e);
    expect(unknown.data).toEqual(fixture("web-api.views.publish.error-invalid-user.docs.json"));
    const fields = Array.from({ length: 11 }, () => ({ type: "mrkdwn" as const, text: "f" }));
    const blocks = [
      ...Array.from({ length: 13 }, () => ({ type: "divider" as const })),
      { type: "section" as const, fields },
    ];
    const error = await client.views
      .publish({ user_id: "U0ALICE001", view: { type: "home", blocks } })
      .catch((e) => e);
    expect(error.data).toEqual(fixture("web-api.views.invalid_arguments.fields-too-many.field.json"));
  });
});

describe("directory methods", () => {
  it("lists user group members like the docs example and refuses unknown groups", async () => {
    const client = webClientFor(emulator);
    const listed = await client.usergroups.users.list({ usergroup: "S0APPROVER" });
    expect(listed).toEqual({ ok: true, users: ["U0ALICE001", "U0BOB00001"], response_metadata: {} });
    await expect(client.usergroups.users.list({ usergroup: "S0NOPE0000" })).rejects.toMatchObject({
      data: { ok: false, error: "no_such_subteam" },
    });
    emulator.setUserGroups({ S0APPROVER: ["U0BOB00001"] });
    expect((await client.usergroups.users.list({ usergroup: "S0APPROVER" })).users).toEqual(["U0BOB00001"]);
  });

  it("answers auth.test, users.info and conversations.info", async () => {
    const client = webClientFor(emulator);
    const keys = Object.keys(fixture("web-api.auth.test.bot.json")).filter((k) => k !== "_source");
    const auth = await client.auth.test();
    expect(Object.keys(auth)).toEqual(expect.arrayContaining(keys));
    expect(auth).toMatchObject({ user_id: emulator.team.botUserId, bot_id: emulator.team.botId });
    const user = await client.users.info({ user: "U0ALICE001" });
    expect(user.user).toMatchObject({ id: "U0ALICE001", name: "alice", real_name: "Alice Approver" });
    await expect(client.users.info({ user: "U0NOBODY00" })).rejects.toMatchObject({
      data: { error: "user_not_found" },
    });
    expect((await client.conversations.info({ channel: "C0DEPLOYS1" })).channel).toMatchObject({
      name: "deploys",
    });
  });

  it("posts to a user id as Slack does, into the DM with that user", async () => {
    const posted = await webClientFor(emulator).chat.postMessage({
      channel: "U0BOB00001",
      text: "your request",
    });
    expect(posted.channel).toBe("D0BOB00001");
    expect(emulator.messages("D0BOB00001").map((m) => m.text)).toEqual(["your request"]);
  });
});
