/** Slack mrkdwn as the sandbox page renders it: formatting, links, mentions, emoji — and never markup. */
import { describe, expect, it } from "vitest";
import { renderMrkdwn } from "../../src/sandbox/public/mrkdwn.js";
import { find, tagsOf, textOf } from "./render-tree.js";

const ctx = { users: { U0TGAPP01: "Alex (approver)" }, channels: { C0TGPROD01: "deploys-prod" } };

describe("mrkdwn", () => {
  it("renders bold, italic, strike and inline code", () => {
    const nodes = renderMrkdwn("*Blocked* for _prod_: ~old~ `e2e` failed", ctx);
    expect(find(nodes, (n) => n.tag === "strong").map(textOf)).toEqual(["Blocked"]);
    expect(find(nodes, (n) => n.tag === "em").map(textOf)).toEqual(["prod"]);
    expect(find(nodes, (n) => n.tag === "s").map(textOf)).toEqual(["old"]);
    expect(find(nodes, (n) => n.tag === "code").map(textOf)).toEqual(["e2e"]);
    expect(textOf(nodes)).toBe("Blocked for prod: old e2e failed");
  });

  it("leaves snake_case names and lone markers alone", () => {
    const nodes = renderMrkdwn("feature_flags.new_checkout costs 2 * 3 * 4", ctx);
    expect(tagsOf(nodes)).toEqual([]);
    expect(textOf(nodes)).toBe("feature_flags.new_checkout costs 2 * 3 * 4");
  });

  it("does not format inside code, and keeps code blocks verbatim", () => {
    const nodes = renderMrkdwn("run `*not bold*` then\n```\nline *one*\n  _two_\n```\nafter", ctx);
    expect(find(nodes, (n) => n.tag === "code").map(textOf)).toEqual(["*not bold*"]);
    expect(find(nodes, (n) => n.tag === "pre").map(textOf)).toEqual(["line *one*\n  _two_\n"]);
    expect(tagsOf(nodes)).not.toContain("strong");
  });

  it("turns <url|label> into a safe link and refuses script URLs", () => {
    const nodes = renderMrkdwn(
      "<https://ci.example.com/runs/8812|run 8812> and <javascript:alert(1)|click>",
      ctx,
    );
    const links = find(nodes, (n) => n.tag === "a");
    expect(links.map((a) => [a.attrs?.href, textOf(a)])).toEqual([
      ["https://ci.example.com/runs/8812", "run 8812"],
    ]);
    expect(links[0]?.attrs?.rel).toContain("noopener");
    expect(textOf(nodes)).toBe("run 8812 and click");
  });

  it("shows user and channel mentions by name, unknown ones by id", () => {
    const nodes = renderMrkdwn("approved by <@U0TGAPP01> and <@U0NOBODY> in <#C0TGPROD01>", ctx);
    expect(textOf(nodes)).toBe("approved by @Alex (approver) and @U0NOBODY in #deploys-prod");
    expect(find(nodes, (n) => n.attrs?.class?.includes("mention") === true)).toHaveLength(3);
  });

  it("renders the emoji the bot uses and keeps unknown names as typed", () => {
    const nodes = renderMrkdwn(
      ":white_check_mark: :x: :warning: :tada: :rotating_light: :lock: :not_an_emoji:",
      ctx,
    );
    expect(textOf(nodes)).toBe("✅ ❌ ⚠️ 🎉 🚨 🔒 :not_an_emoji:");
  });

  it("renders <!date^…> as a time, with the fallback as its title", () => {
    const nodes = renderMrkdwn(
      "since <!date^1795773600^{date_short_pretty} {time}|2026-11-27T10:00:00Z>",
      ctx,
    );
    const [time] = find(nodes, (n) => n.tag === "time");
    expect(time?.attrs?.datetime).toBe("2026-11-27T10:00:00.000Z");
    expect(textOf(nodes)).toBe("since 2026-11-27 10:00 UTC");
  });

  it("decodes Slack's escapes into text, so a hostile name stays text", () => {
    const evil = "&lt;img src=x onerror=alert(1)&gt; &amp; <img src=x onerror=alert(1)>";
    const nodes = renderMrkdwn(evil, ctx);
    expect(tagsOf(nodes)).toEqual([]);
    expect(textOf(nodes)).toBe("<img src=x onerror=alert(1)> & img src=x onerror=alert(1)");
  });

  it("renders quotes as blockquotes", () => {
    const nodes = renderMrkdwn("&gt; quoted *bit*\nplain", ctx);
    expect(find(nodes, (n) => n.tag === "blockquote").map(textOf)).toEqual(["quoted bit"]);
  });
});
