/**
 * Bolt's and the Web API client's log lines go through our pino logger, under the Slack module's
 * `component: "slack"` child. Each line must be JSON with every key once: JSON.parse keeps the
 * last of two equal keys silently, so the raw line is scanned for repeats.
 */
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "../../../src/adapters/log.js";
import { createOutboxClient, createSlackApp } from "../../../src/adapters/slack/bolt-app.js";
import type { Config } from "../../../src/config.js";

const SLACK: Config["slack"] = {
  botToken: "xoxb-bolt-logger-test",
  signingSecret: "bolt-logger-signing-secret",
  apiUrl: "http://127.0.0.1:9/api/",
};

/** The Slack module's logger (slack-module.ts), writing raw lines into `lines`. */
function slackLogger(lines: string[]) {
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString().split("\n").filter(Boolean));
      done();
    },
  });
  return createLogger({ level: "debug", secrets: [], destination }).child({ component: "slack" });
}

/** The keys of a flat JSON object line, in order, as written (not as JSON.parse keeps them). */
function topLevelKeys(line: string): string[] {
  const keys: string[] = [];
  let depth = 0;
  for (const token of line.matchAll(/"(?:[^"\\]|\\.)*"\s*:?|[{}[\]]/g)) {
    const text = token[0];
    if (text === "{" || text === "[") depth++;
    else if (text === "}" || text === "]") depth--;
    else if (depth === 1 && text.endsWith(":")) keys.push(JSON.parse(text.slice(0, -1).trim()) as string);
  }
  return keys;
}

function expectWellFormed(lines: string[]): void {
  expect(lines.length).toBeGreaterThan(0);
  for (const line of lines) {
    const keys = topLevelKeys(line);
    expect(
      keys.filter((k, i) => keys.indexOf(k) !== i),
      line,
    ).toEqual([]);
    expect(JSON.parse(line)).toMatchObject({ component: "slack", library: "bolt" });
  }
}

describe("Bolt's log lines", () => {
  it("the outbox's Web API client: valid JSON, no key twice", () => {
    const lines: string[] = [];
    createOutboxClient({ slack: SLACK }, slackLogger(lines));
    // The client logs `initialized` at debug level as it is built.
    expect(lines.some((l) => l.includes("initialized"))).toBe(true);
    expectWellFormed(lines);
  });

  it("the Bolt app in HTTP mode: valid JSON, no key twice", () => {
    const lines: string[] = [];
    createSlackApp({ config: { slack: SLACK, mode: "http" }, logger: slackLogger(lines) });
    expectWellFormed(lines);
  });

  it("the key scan sees a repeated key that JSON.parse would hide", () => {
    expect(topLevelKeys('{"a":1,"b":{"a":2},"c":[{"a":3}],"d":"x\\":"}')).toEqual(["a", "b", "c", "d"]);
    expect(topLevelKeys('{"component":"slack","component":"bolt"}')).toEqual(["component", "component"]);
  });
});
