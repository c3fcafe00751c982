/**
 * manifest.yml is valid against Slack's manifest schema v1 (the rules below are transcribed from
 * slackapi/manifest-schema schemas/manifest.schema.1.0.0.json: additionalProperties false,
 * lengths, patterns) and matches the code: command, events, request URLs, scopes, action ids.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { z } from "zod";
import { SLACK_EVENTS_PATH } from "../src/adapters/slack/bolt-app.js";
import { ALL_ACTION_IDS, BOT_EVENTS, PROMOTE_COMMAND } from "../src/adapters/slack/ids.js";

const url = z
  .string()
  .regex(/^https?:\/\//)
  .max(3500);
const V1 = z.strictObject({
  _metadata: z.strictObject({ major_version: z.literal(1), minor_version: z.number().int().optional() }),
  display_information: z.strictObject({
    name: z.string().min(1).max(35),
    description: z.string().min(1).max(140).optional(),
    background_color: z
      .string()
      .regex(/^#[0-9a-fA-F]{3}([0-9a-fA-F]{3})?$/)
      .optional(),
    long_description: z.string().min(175).max(4000).optional(),
  }),
  features: z.strictObject({
    app_home: z.strictObject({
      home_tab_enabled: z.boolean().optional(),
      messages_tab_enabled: z.boolean().optional(),
      messages_tab_read_only_enabled: z.boolean().optional(),
    }),
    bot_user: z.strictObject({
      display_name: z.string().min(1).max(80),
      always_online: z.boolean().optional(),
    }),
    slash_commands: z
      .array(
        z.strictObject({
          command: z.string().min(2).max(32).regex(/^\//),
          url: z
            .string()
            .regex(/^https?:\/\//)
            .max(3000)
            .optional(),
          description: z.string().min(1).max(2000),
          usage_hint: z.string().min(1).max(1000).optional(),
          should_escape: z.boolean().optional(),
        }),
      )
      .min(1)
      .max(50),
  }),
  oauth_config: z.strictObject({
    scopes: z.strictObject({
      bot: z.array(z.string().max(50)).max(255),
      user: z.array(z.string().max(50)).optional(),
    }),
  }),
  settings: z.strictObject({
    interactivity: z.strictObject({ is_enabled: z.boolean(), request_url: url.optional() }),
    event_subscriptions: z.strictObject({
      request_url: url.optional(),
      bot_events: z.array(z.string().max(50)).max(100),
    }),
    org_deploy_enabled: z.boolean(),
    socket_mode_enabled: z.boolean(),
    token_rotation_enabled: z.boolean(),
  }),
});

const manifest = parse(readFileSync(new URL("../manifest.yml", import.meta.url), "utf8")) as unknown;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith(".ts") ? [path] : [];
  });
}

describe("manifest.yml", () => {
  const parsed = V1.safeParse(manifest);

  it("is valid against the v1 manifest schema rules", () => {
    expect(parsed.success ? [] : parsed.error.issues).toEqual([]);
  });

  it("matches the code: command, events, request URLs, scopes", () => {
    if (!parsed.success) throw new Error("invalid manifest");
    const m = parsed.data;
    expect(m.features.slash_commands.map((c) => c.command)).toEqual([PROMOTE_COMMAND]);
    expect(m.settings.event_subscriptions.bot_events).toEqual([...BOT_EVENTS]);
    expect(m.features.app_home.home_tab_enabled).toBe(true);
    expect(m.settings.interactivity.is_enabled).toBe(true);
    const urls = [
      m.features.slash_commands[0]?.url,
      m.settings.interactivity.request_url,
      m.settings.event_subscriptions.request_url,
    ];
    for (const u of urls) expect(new URL(u ?? "").pathname).toBe(SLACK_EVENTS_PATH);
    expect([...m.oauth_config.scopes.bot].sort()).toEqual([
      "chat:write",
      "commands",
      "usergroups:read",
      "users:read",
    ]);
    expect(m.settings.socket_mode_enabled).toBe(false);
  });

  it("the Slack adapter registers exactly the listed events and only action ids from ids.ts", () => {
    const files = sourceFiles(new URL("../src/adapters/slack", import.meta.url).pathname);
    const source = files.map((f) => readFileSync(f, "utf8")).join("\n");
    const events = [...source.matchAll(/app\.event\("([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(events)).toEqual(new Set(BOT_EVENTS));
    const literalIds = [...source.matchAll(/action_id: "([^"]+)"/g)].map((m) => m[1]);
    expect(literalIds).toEqual([]);
    const idsFile = readFileSync(new URL("../src/adapters/slack/ids.ts", import.meta.url), "utf8");
    for (const id of ALL_ACTION_IDS) expect(idsFile).toContain(`"${id}"`);
    expect([...ALL_ACTION_IDS].sort()).toEqual([
      "promotion.approve",
      "promotion.reject",
      "promotion.request",
      "readiness.details",
      "rollback.request",
    ]);
  });
});
