import { describe, expect, it } from "vitest";
import { sandboxHostPolicy } from "../../src/sandbox/sandbox-hosts.js";

describe("the sandbox answers only Hosts that cannot be rebound", () => {
  const loopbackOnly = sandboxHostPolicy("127.0.0.1");
  it.each([
    ["localhost:3000", true],
    ["LOCALHOST", true],
    ["tollgate.localhost:3000", true],
    ["127.0.0.1:3000", true],
    ["[::1]:3000", true],
    ["192.168.1.20:3000", true],
    ["attacker.example:3000", false],
    ["localhost.attacker.example", false],
    ["127.0.0.1.nip.io:3000", false],
    ["user@localhost", false],
    ["localhost/path", false],
    ["", false],
  ])("Host %j → %s", (host, allowed) => {
    expect(loopbackOnly(host)).toBe(allowed);
  });

  it("refuses a request without a Host header", () => {
    expect(loopbackOnly(undefined)).toBe(false);
  });

  it("also answers the name HOST was set to, and only that one", () => {
    const named = sandboxHostPolicy("devbox.internal");
    expect(named("devbox.internal:3000")).toBe(true);
    expect(named("other.internal:3000")).toBe(false);
    expect(sandboxHostPolicy("0.0.0.0")("devbox.internal")).toBe(false);
  });
});
