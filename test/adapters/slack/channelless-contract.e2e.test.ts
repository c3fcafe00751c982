import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "./slack-harness.js";

describe("a contract without a channel", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      captureLogs: true,
      contracts: {
        "staging.yml": "description: Pre-production\nchannel: C0STAGING\n",
        "prod.yml": "description: Live traffic, channel forgotten\nafter: staging\n",
      },
    });
  });
  afterAll(async () => {
    await h.close();
  });

  it("is named in a warning at start-up, since its readiness cards are never posted", () => {
    const warnings = h.logs.filter((l) => String(l.msg).includes("has no channel"));
    expect(warnings.map((l) => l.environment)).toEqual(["prod"]);
  });

  it("is named again after a reload that still lacks one, and no longer once it has one", () => {
    const count = () => h.logs.filter((l) => String(l.msg).includes("has no channel")).length;
    writeFileSync(join(h.contracts.dir, "prod.yml"), "description: still no channel\nafter: staging\n");
    expect(h.app.context.contracts.reload().ok).toBe(true);
    expect(count()).toBe(2);
    writeFileSync(join(h.contracts.dir, "prod.yml"), "description: fixed\nafter: staging\nchannel: C0PROD\n");
    expect(h.app.context.contracts.reload().ok).toBe(true);
    expect(count()).toBe(2);
  });
});
