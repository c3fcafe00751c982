import { describe, expect, it } from "vitest";
import { formatAge, formatDuration, parseDuration } from "../../src/domain/duration.js";

describe("formatDuration (a configured or typed duration)", () => {
  it.each([
    ["90s", "1m30s"],
    ["30s", "30s"],
    ["15m", "15m"],
    ["3700s", "1h1m40s"],
    ["90m", "1h30m"],
    ["24h", "1d"],
    ["30h", "30h"],
    ["7d", "7d"],
    ["0s", "0s"],
  ])("says %s as %s, which parses back to the same length", (typed, said) => {
    const ms = parseDuration(typed) as number;
    expect(formatDuration(ms)).toBe(said);
    const back = said
      .match(/\d+[dhms]/g)
      ?.reduce((sum, part) => sum + (parseDuration(part) ?? Number.NaN), 0);
    expect(back).toBe(ms);
  });
});

describe("formatAge (an elapsed time)", () => {
  it("keeps seconds below a minute, minutes below an hour, and hours and minutes above", () => {
    expect(formatAge(42_500)).toBe("42s");
    expect(formatAge(90_000)).toBe("1m");
    expect(formatAge(2 * 3_600_000 + 13 * 60_000 + 47_000)).toBe("2h13m");
    expect(formatAge(2 * 86_400_000)).toBe("2d");
  });
});
