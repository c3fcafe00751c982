import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { checkMessage, checkView, validateMessageBlocks, validateView } from "../../helpers/slack.js";

const FIXTURES = new URL("../../../../shared/fixtures/slack/", import.meta.url);
function fixtureMessages(name: string): string[] {
  const json = JSON.parse(readFileSync(new URL(name, FIXTURES), "utf8")) as {
    response_metadata: { messages: string[] };
  };
  return json.response_metadata.messages;
}

const chars = (n: number) => "x".repeat(n);
const plain = (text: string) => ({ type: "plain_text", text });
const mrkdwn = (text: string) => ({ type: "mrkdwn", text });
const section = (text: string) => ({ type: "section", text: mrkdwn(text) });
const divider = () => ({ type: "divider" });
const button = (extra: Record<string, unknown> = {}) => ({
  type: "button",
  text: plain("Go"),
  action_id: "go",
  ...extra,
});
const actions = (...elements: unknown[]) => ({ type: "actions", elements });
const confirm = (extra: Record<string, unknown> = {}) => ({
  title: plain("Sure?"),
  text: plain("Really"),
  confirm: plain("Yes"),
  deny: plain("No"),
  ...extra,
});
const times = <T>(n: number, make: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => make(i));
const modal = (extra: Record<string, unknown> = {}) => ({
  type: "modal",
  title: plain("Details"),
  blocks: [],
  ...extra,
});

/** Each limit: the value at the limit passes; one over fails with Slack's message at Slack's pointer. */
const messageCases: Array<{ limit: string; build: (over: number) => unknown[]; message: string }> = [
  {
    limit: "message sections 3000 characters",
    build: (o) => [section(chars(3000 + o))],
    message: "[ERROR] must be less than 3001 characters [json-pointer:/blocks/0/text/text]",
  },
  {
    limit: "section fields 10",
    build: (o) => [{ type: "section", fields: times(10 + o, () => mrkdwn("f")) }],
    message: "[ERROR] no more than 10 items allowed [json-pointer:/blocks/0/fields]",
  },
  {
    limit: "section field text 2000",
    build: (o) => [{ type: "section", fields: [mrkdwn(chars(2000 + o))] }],
    message: "[ERROR] must be less than 2001 characters [json-pointer:/blocks/0/fields/0/text]",
  },
  {
    limit: "header text 150",
    build: (o) => [{ type: "header", text: plain(chars(150 + o)) }],
    message: "[ERROR] must be less than 151 characters [json-pointer:/blocks/0/text/text]",
  },
  {
    limit: "context elements 10",
    build: (o) => [{ type: "context", elements: times(10 + o, () => mrkdwn("c")) }],
    message: "[ERROR] no more than 10 items allowed [json-pointer:/blocks/0/elements]",
  },
  {
    limit: "actions elements 25",
    build: (o) => [actions(...times(25 + o, (i) => button({ action_id: `a${i}` })))],
    message: "[ERROR] no more than 25 items allowed [json-pointer:/blocks/0/elements]",
  },
  {
    limit: "button text 75",
    build: (o) => [actions(button({ text: plain(chars(75 + o)) }))],
    message: "[ERROR] must be less than 76 characters [json-pointer:/blocks/0/elements/0/text/text]",
  },
  {
    limit: "action_id 255",
    build: (o) => [actions(button({ action_id: chars(255 + o) }))],
    message: "[ERROR] must be less than 256 characters [json-pointer:/blocks/0/elements/0/action_id]",
  },
  {
    limit: "block_id 255",
    build: (o) => [{ ...divider(), block_id: chars(255 + o) }],
    message: "[ERROR] must be less than 256 characters [json-pointer:/blocks/0/block_id]",
  },
  {
    limit: "button value 2000",
    build: (o) => [actions(button({ value: chars(2000 + o) }))],
    message: "[ERROR] must be less than 2001 characters [json-pointer:/blocks/0/elements/0/value]",
  },
  {
    limit: "button url 3000",
    build: (o) => [actions(button({ url: `https://x.example/${chars(3000 - 18 + o)}` }))],
    message: "[ERROR] must be less than 3001 characters [json-pointer:/blocks/0/elements/0/url]",
  },
  {
    limit: "confirm title 100",
    build: (o) => [actions(button({ confirm: confirm({ title: plain(chars(100 + o)) }) }))],
    message:
      "[ERROR] must be less than 101 characters [json-pointer:/blocks/0/elements/0/confirm/title/text]",
  },
  {
    limit: "confirm text 300",
    build: (o) => [actions(button({ confirm: confirm({ text: plain(chars(300 + o)) }) }))],
    message: "[ERROR] must be less than 301 characters [json-pointer:/blocks/0/elements/0/confirm/text/text]",
  },
  {
    limit: "confirm button 30",
    build: (o) => [actions(button({ confirm: confirm({ confirm: plain(chars(30 + o)) }) }))],
    message:
      "[ERROR] must be less than 31 characters [json-pointer:/blocks/0/elements/0/confirm/confirm/text]",
  },
  {
    limit: "deny button 30",
    build: (o) => [actions(button({ confirm: confirm({ deny: plain(chars(30 + o)) }) }))],
    message: "[ERROR] must be less than 31 characters [json-pointer:/blocks/0/elements/0/confirm/deny/text]",
  },
];

describe("validateMessageBlocks", () => {
  it.each(messageCases)("$limit: at the limit passes, one over fails", ({ build, message }) => {
    expect(validateMessageBlocks(build(0))).toEqual([]);
    expect(validateMessageBlocks(build(1))).toContain(message);
  });

  it("50 blocks pass; 51 fail with exactly the message real Slack sends", () => {
    expect(validateMessageBlocks(times(50, divider))).toEqual([]);
    const expected = fixtureMessages("web-api.invalid_blocks.too-many-blocks.field.json");
    expect(validateMessageBlocks(times(51, divider))).toEqual(expected);
  });

  it("a 3001-character section answers exactly like the captured Slack error", () => {
    const expected = fixtureMessages("web-api.invalid_blocks.section-too-long.field.json");
    expect(validateMessageBlocks([section(chars(3001))])).toEqual(expected);
  });

  it("refuses unknown block types, bad text types, duplicate block_ids and button text in mrkdwn", () => {
    expect(validateMessageBlocks([{ type: "carousel" }])).toEqual([
      "[ERROR] unsupported type: carousel [json-pointer:/blocks/0/type]",
    ]);
    expect(validateMessageBlocks([{ type: "section", text: { type: "markdown", text: "x" } }])).toContain(
      "[ERROR] must be a valid enum value [json-pointer:/blocks/0/text/type]",
    );
    const twice = [
      { ...divider(), block_id: "card" },
      { ...divider(), block_id: "card" },
    ];
    expect(validateMessageBlocks(twice)).toEqual([
      "[ERROR] duplicate block_id: card [json-pointer:/blocks/1/block_id]",
    ]);
    expect(validateMessageBlocks([actions(button({ text: mrkdwn("*Go*") }))])).toContain(
      "[ERROR] must be a valid enum value [json-pointer:/blocks/0/elements/0/text/type]",
    );
    expect(validateMessageBlocks([{ type: "section" }])).toEqual([
      "[ERROR] missing required field: text [json-pointer:/blocks/0]",
    ]);
  });

  it("accepts a realistic card: header, fields, context, divider and confirmed buttons", () => {
    const card = [
      { type: "header", text: plain("api 1.4.2 → staging") },
      { type: "section", fields: [mrkdwn("*Digest*\n`sha256:4f2a…c91`"), mrkdwn("*Verdict*\n✅ ready")] },
      {
        type: "context",
        elements: [
          mrkdwn("updated just now"),
          { type: "image", image_url: "https://x.example/i.png", alt_text: "i" },
        ],
      },
      divider(),
      actions(
        button({ action_id: "promotion.approve", style: "primary", confirm: confirm({ style: "primary" }) }),
      ),
    ];
    expect(validateMessageBlocks(card)).toEqual([]);
  });
});

describe("checkMessage", () => {
  it("warns (Slack truncates) beyond 40,000 characters of text but does not refuse", () => {
    expect(checkMessage({ text: chars(40_000) }).warnings).toEqual([]);
    const over = checkMessage({ text: chars(40_001) });
    expect(over.error).toBeUndefined();
    expect(over.warnings).toHaveLength(1);
  });

  it("refuses blocks carrying more than 12,000 characters of text in total (msg_blocks_too_long)", () => {
    expect(checkMessage({ blocks: times(4, () => section(chars(3000))) }).error).toBeUndefined();
    expect(checkMessage({ blocks: [...times(4, () => section(chars(3000))), section("y")] }).error).toBe(
      "msg_blocks_too_long",
    );
  });
});

describe("validateView", () => {
  const viewCases: Array<{ limit: string; build: (over: number) => unknown; message: string }> = [
    {
      limit: "modal blocks 100",
      build: (o) => modal({ blocks: times(100 + o, divider) }),
      message: "[ERROR] no more than 100 items allowed [json-pointer:/view/blocks]",
    },
    {
      limit: "home blocks 100",
      build: (o) => ({ type: "home", blocks: times(100 + o, divider) }),
      message: "[ERROR] no more than 100 items allowed [json-pointer:/view/blocks]",
    },
    {
      limit: "title 24",
      build: (o) => modal({ title: plain(chars(24 + o)) }),
      message: "[ERROR] must be less than 25 characters [json-pointer:/view/title/text]",
    },
    {
      limit: "submit 24",
      build: (o) => modal({ submit: plain(chars(24 + o)) }),
      message: "[ERROR] must be less than 25 characters [json-pointer:/view/submit/text]",
    },
    {
      limit: "close 24",
      build: (o) => modal({ close: plain(chars(24 + o)) }),
      message: "[ERROR] must be less than 25 characters [json-pointer:/view/close/text]",
    },
    {
      limit: "private_metadata 3000",
      build: (o) => modal({ private_metadata: chars(3000 + o) }),
      message: "[ERROR] must be less than 3001 characters [json-pointer:/view/private_metadata]",
    },
  ];

  it.each(viewCases)("$limit: at the limit passes, one over fails", ({ build, message }) => {
    expect(validateView(build(0))).toEqual([]);
    expect(validateView(build(1))).toContain(message);
  });

  it("answers 11 fields in block 13 exactly like the captured views.publish error", () => {
    const blocks = [...times(13, divider), { type: "section", fields: times(11, () => mrkdwn("f")) }];
    const expected = fixtureMessages("web-api.views.invalid_arguments.fields-too-many.field.json");
    expect(validateView({ type: "home", blocks })).toEqual(expected);
  });

  it("requires a title and, with input blocks, a submit button; refuses unknown view types", () => {
    expect(validateView({ type: "modal", blocks: [] })).toContain(
      "[ERROR] missing required field: title [json-pointer:/view]",
    );
    const input = {
      type: "input",
      label: plain("Reason"),
      element: { type: "plain_text_input", action_id: "r" },
    };
    expect(validateView(modal({ blocks: [input] }))).toContain(
      "[ERROR] missing required field: submit [json-pointer:/view]",
    );
    expect(validateView(modal({ blocks: [input], submit: plain("Send") }))).toEqual([]);
    expect(validateView({ type: "dialog", blocks: [] })).toContain(
      "[ERROR] must be a valid enum value [json-pointer:/view/type]",
    );
  });

  it("refuses views over 250 kB as view_too_large", () => {
    const big = { type: "home", blocks: times(90, () => section(chars(2900))) };
    expect(checkView(big).error).toBe("view_too_large");
    expect(checkView({ type: "home", blocks: times(80, () => section(chars(2900))) }).error).toBeUndefined();
  });
});
