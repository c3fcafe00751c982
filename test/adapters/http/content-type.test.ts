import { describe, expect, it } from "vitest";
import { isJson } from "../../../src/adapters/http/content-type.js";

describe("isJson", () => {
  it.each([
    ["application/json", true],
    ["Application/JSON", true],
    ["application/json; charset=utf-8", true],
    ['application/json;charset="UTF-8"', true],
    ["application/json; boundary=x", true],
    ["application/json; charset=latin1", false],
    ["text/plain", false],
    ["text/plain; charset=utf-8", false],
    ["application/x-www-form-urlencoded", false],
    ["multipart/form-data; boundary=x", false],
    ["application/jsonp", false],
    ["", false],
    [undefined, false],
  ])("%j → %s", (header, json) => {
    expect(isJson(header)).toBe(json);
  });
});
