import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type AuditEntry,
  canonicalJson,
  entryHash,
  GENESIS_HASH,
  verifyChain,
} from "../../src/domain/audit-chain.js";

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

function chain(count: number): AuditEntry[] {
  const entries: AuditEntry[] = [];
  let prev = GENESIS_HASH;
  for (let seq = 1; seq <= count; seq++) {
    const content = {
      seq,
      at: 1_700_000_000_000 + seq,
      actor: "U0ALICE",
      action: "approval.granted",
      subject: `p${seq}`,
      data: { n: seq },
    };
    const hash = entryHash(prev, content, sha256);
    entries.push({ ...content, prevHash: prev, hash });
    prev = hash;
  }
  return entries;
}

describe("audit chain", () => {
  it("serialises with a stable key order at every depth", () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[1,{"y":2,"z":1}]},"b":1}',
    );
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (value) => {
        const reversed = Object.fromEntries(Object.entries(value).reverse());
        expect(canonicalJson(reversed)).toBe(canonicalJson(value));
        expect(JSON.parse(canonicalJson(value))).toEqual(JSON.parse(JSON.stringify(value)));
      }),
    );
  });

  it("accepts an intact chain", () => {
    expect(verifyChain(chain(5), sha256)).toMatchObject({ ok: true, count: 5 });
    expect(verifyChain([], sha256)).toMatchObject({ ok: true, count: 0, lastHash: GENESIS_HASH });
  });

  it("reports the first edited entry", () => {
    const entries = chain(5);
    entries[2] = { ...entries[2]!, actor: "U0MALLORY" };
    const verdict = verifyChain(entries, sha256);
    expect(verdict).toMatchObject({ ok: false, count: 2, broken: { seq: 3 } });
  });

  it("reports a removed entry and a re-hashed forgery", () => {
    const removed = chain(5).filter((e) => e.seq !== 2);
    expect(verifyChain(removed, sha256)).toMatchObject({ ok: false, broken: { seq: 3 } });
    const forged = chain(5);
    const e = { ...forged[1]!, actor: "U0MALLORY" };
    forged[1] = { ...e, hash: entryHash(e.prevHash, e, sha256) };
    expect(verifyChain(forged, sha256)).toMatchObject({ ok: false, broken: { seq: 3 } });
  });
});
