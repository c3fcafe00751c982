import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { findStructureProblem, parseStrictJson } from "../../../src/adapters/http/parse-json.js";

describe("strict JSON", () => {
  it("finds a repeated key at any depth, with its path", () => {
    expect(findStructureProblem('{"a":{"b":[1,{"c":1,"c":2}]}}')).toEqual({
      path: "a.b.1",
      message: 'duplicate key "c"',
    });
    expect(findStructureProblem('{"a":"\\"a\\"","a":1}')).toEqual({ path: "", message: 'duplicate key "a"' });
    expect(findStructureProblem('{"\\u0061":1,"a":2}')?.message).toBe('duplicate key "a"');
    expect(findStructureProblem('{"a":{"x":1},"b":{"x":1}}')).toBeUndefined();
    expect(findStructureProblem('["a","a",{"a":1}]')).toBeUndefined();
  });

  it("never reports a problem in what JSON.stringify produces (shallower than the limit)", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 10 }), (value) => {
        expect(findStructureProblem(JSON.stringify(value))).toBeUndefined();
      }),
    );
  });

  it("refuses invalid UTF-8, bad JSON and deep nesting", () => {
    expect(parseStrictJson(Buffer.from([0x7b, 0xff, 0x7d]))).toMatchObject({
      ok: false,
      issues: [{ message: "the body is not valid UTF-8" }],
    });
    expect(parseStrictJson(Buffer.from('{"a":'))).toMatchObject({
      ok: false,
      issues: [{ message: expect.stringMatching(/^not valid JSON/) }],
    });
    expect(parseStrictJson(Buffer.from(`${"[".repeat(65)}${"]".repeat(65)}`))).toMatchObject({ ok: false });
    expect(parseStrictJson(Buffer.from(`${"[".repeat(64)}${"]".repeat(64)}`))).toMatchObject({ ok: true });
  });
});
