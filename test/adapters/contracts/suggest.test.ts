import { describe, expect, it } from "vitest";
import { closest, editDistance } from "../../../src/adapters/contracts/suggest.js";

describe("did you mean", () => {
  it.each([
    ["stagign", "staging", 1],
    ["evidenc", "evidence", 1],
    ["kitten", "sitting", 3],
    ["", "abc", 3],
    ["same", "same", 0],
  ])("distance(%s, %s) = %i", (a, b, distance) => {
    expect(editDistance(a, b)).toBe(distance);
    expect(editDistance(b, a)).toBe(distance);
  });

  it("suggests only candidates close enough", () => {
    const keys = ["kind", "name", "environment", "max_age", "min_total", "max"];
    expect(closest("enviroment", keys)).toBe("environment");
    expect(closest("MAX", keys)).toBe("max");
    expect(closest("color", keys)).toBeUndefined();
    expect(closest("zzz", [])).toBeUndefined();
  });
});
