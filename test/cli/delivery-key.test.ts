import { describe, expect, it } from "vitest";
import { deliveryKey } from "../../src/cli/delivery-key.js";

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("the default delivery key", () => {
  it("is a UUID version 7 carrying the time it was made", () => {
    const at = Date.UTC(2026, 11, 7, 21, 45, 12, 345);
    const key = deliveryKey(at);
    expect(key).toMatch(UUID_V7);
    expect(Number.parseInt(key.replaceAll("-", "").slice(0, 12), 16)).toBe(at);
  });

  it("sorts by time, so the server's key index grows at its right edge", () => {
    const start = Date.UTC(2026, 0, 1);
    const keys = Array.from({ length: 200 }, (_, i) => deliveryKey(start + i * 7));
    expect([...keys].sort()).toEqual(keys);
  });

  it("differs between keys made in the same millisecond", () => {
    const at = Date.now();
    const keys = new Set(Array.from({ length: 1000 }, () => deliveryKey(at)));
    expect(keys.size).toBe(1000);
  });
});
