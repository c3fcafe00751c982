/**
 * Evidence written on the intake writer thread: durable and visible to the main connection when
 * answered, conflicts and duplicates answered as in-process, and a dead thread never silently
 * drops a request.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startIntakeWriter } from "../../../src/adapters/sqlite/intake-writer.js";
import { createStores, type Stores } from "../../../src/adapters/sqlite/stores.js";
import { isCodedError } from "../../../src/errors.js";
import type { EvidenceRequest } from "../../../src/flows/intake-ports.js";
import { digestOf } from "../../helpers/test-app.js";
import { createTestDb, type TestDb } from "../../helpers/test-db.js";

const evidence = (name: string, digest = digestOf("a"), delivery?: string): EvidenceRequest => ({
  items: [{ artifact: { name, digest }, kind: "test", name: "unit", status: "passed" }],
  batch: false,
  delivery: delivery === undefined ? undefined : { key: delivery },
});

describe("the intake writer thread", () => {
  let t: TestDb;
  let stores: Stores;
  let threads = 0;
  beforeEach(() => {
    t = createTestDb();
    threads = 0;
    stores = createStores(t.db, {
      evidenceWriter: (fallback) => {
        const writer = startIntakeWriter(t.path, { fallback });
        if (writer !== undefined) threads++;
        return writer;
      },
    });
  });
  afterEach(async () => {
    await stores.intake.close();
    t.cleanup();
  });

  it("stores evidence the main connection reads as soon as it is answered", async () => {
    expect(threads).toBe(1);
    const at = new Date("2026-11-27T10:00:00Z");
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        stores.intake.recordEvidence(evidence("api", digestOf(String(i))), at),
      ),
    );
    expect(answers.every((a) => a.stored === 1 && !a.duplicate)).toBe(true);
    expect(answers.map((a) => a.digests[0])).toEqual(
      Array.from({ length: 50 }, (_, i) => digestOf(String(i))),
    );
    expect(t.db.prepare("SELECT count(*) FROM evidence").pluck().get()).toBe(50);
    expect(stores.artifacts.getArtifact(digestOf("7"))?.name).toBe("api");
  });

  it("answers a repeated delivery as a duplicate and a renamed digest as artifact_conflict", async () => {
    const at = new Date();
    const first = await stores.intake.recordEvidence(evidence("api", digestOf("a"), "d-1"), at);
    const again = await stores.intake.recordEvidence(evidence("api", digestOf("a"), "d-1"), at);
    expect(again).toEqual({ id: first.id, duplicate: true, stored: 0, digests: [] });
    const renamed = stores.intake.recordEvidence(evidence("web", digestOf("a")), at);
    await expect(renamed).rejects.toSatisfy(
      (error) => isCodedError(error, "artifact_conflict") && /recorded as api/.test(error.message),
    );
    expect(t.db.prepare("SELECT count(*) FROM evidence").pluck().get()).toBe(1);
  });

  it("fails what a dead thread was given, and writes later evidence in-process", async () => {
    await stores.intake.close();
    t.cleanup();
    t = createTestDb();
    const failures: unknown[] = [];
    // A directory is no database: the thread dies opening it.
    stores = createStores(t.db, {
      evidenceWriter: (fallback) =>
        startIntakeWriter(t.dir, { fallback, onFailure: (e) => failures.push(e) }),
    });
    const sent = stores.intake.recordEvidence(evidence("api"), new Date());
    const outcome = await sent.then(
      () => "stored",
      () => "failed",
    );
    expect(failures).toHaveLength(1);
    const later = await stores.intake.recordEvidence(evidence("api", digestOf("b")), new Date());
    expect(later.stored).toBe(1);
    const stored = t.db.prepare("SELECT count(*) FROM evidence").pluck().get();
    // Whatever it was answered, the database agrees: nothing answered as stored is missing.
    expect(stored).toBe(outcome === "stored" ? 2 : 1);
  });
});
