import { describe, expect, it } from "vitest";
import { link, typed } from "../../src/domain/mention.js";

describe("mrkdwn made from payloads", () => {
  it("keeps a URL from ending its link early, forging a label or pinging the channel", () => {
    const hostile = "https://x.io/a|Approved by SRE> <!channel>&b";
    const text = link(hostile, "deployment");
    expect(text).toBe("<https://x.io/a%7CApproved by SRE%3E %3C!channel%3E&amp;b|deployment>");
    // One link, labelled as intended, and no markup outside it.
    expect(text.match(/[<>|]/g)).toEqual(["<", "|", ">"]);
  });

  it("escapes typed text whole", () => {
    expect(typed("a <!here> & <@U1>")).toBe("a &lt;!here&gt; &amp; &lt;@U1&gt;");
  });
});
