import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  compileIgnore,
  compileNormalize,
  computeDrift,
  computeDriftByFlattening,
  flattenSnapshot,
  pathsSpelledTwice,
} from "../../src/domain/compute-drift.js";
import type { DriftRules } from "../../src/domain/drift.js";
import type { ConfigValue } from "../../src/domain/evidence.js";

const noRules: DriftRules = { allow: {}, ignore: [], normalize: {} };

function keysOf(result: ReturnType<typeof computeDrift>): string[] {
  return result.categories.flatMap((c) => c.differences.map((d) => `${c.category}.${d.key}:${d.kind}`));
}

describe("computeDrift", () => {
  it("treats environment names as equal after normalize, and keeps the raw values", () => {
    const here = {
      endpoints: { payments: "https://payments.staging.internal", auth: "https://auth.staging.internal" },
    };
    const there = {
      endpoints: { payments: "https://payments.prod.internal", auth: "https://auth.eu.internal" },
    };
    const rules: DriftRules = { allow: {}, ignore: [], normalize: { staging: "{env}", prod: "{env}" } };

    const result = computeDrift(here, there, rules);

    expect(result.categories).toEqual([
      {
        category: "endpoints",
        allowed: 0,
        overBudget: true,
        differences: [
          {
            category: "endpoints",
            key: "auth",
            kind: "changed",
            here: "https://auth.staging.internal",
            there: "https://auth.eu.internal",
          },
        ],
      },
    ]);
    expect(computeDrift(here, there, noRules).totalDifferences).toBe(2);
  });

  it("normalizes strings inside arrays and nested array objects", () => {
    const here = { security: { hosts: ["a.staging", { h: "b.staging" }] } };
    const there = { security: { hosts: ["a.prod", { h: "b.prod" }] } };
    const rules: DriftRules = { allow: {}, ignore: [], normalize: { staging: "{env}", prod: "{env}" } };
    expect(computeDrift(here, there, rules).totalDifferences).toBe(0);
    expect(computeDrift(here, there, noRules).totalDifferences).toBe(1);
  });

  it("treats normalize keys as literal text, regex metacharacters included", () => {
    const normalize = compileNormalize({ "?env=staging": "?env={env}", "a*b": "x" });
    expect(normalize?.("https://api/?env=staging")).toBe("https://api/?env={env}");
    expect(normalize?.("a*b and aab")).toBe("x and aab");
  });

  it("applies normalize in one pass, longest needle first", () => {
    const normalize = compileNormalize({ prod: "{env}", production: "{env}", "{env}": "x" });
    expect(normalize?.("db.production.internal / prod")).toBe("db.{env}.internal / {env}");
  });

  it("compares nested objects by dotted path and arrays as ordered whole values", () => {
    const here = {
      data: { orders: { rows: 100, schema: "v42" }, "users.rows": 5 },
      security: { roles: ["sre", "dev"] },
    };
    const there = {
      data: { "orders.rows": 100, orders: { schema: "v43" }, users: { rows: 5 } },
      security: { roles: ["dev", "sre"] },
    };
    expect(keysOf(computeDrift(here, there, noRules))).toEqual([
      "data.orders.schema:changed",
      "security.roles:changed",
    ]);
  });

  it("reports type changes such as '1' vs 1 and true vs 'true'", () => {
    const result = computeDrift(
      { data: { shards: "1", tls: true, none: null } },
      { data: { shards: 1, tls: "true", none: 0 } },
      noRules,
    );
    expect(result.categories[0]?.differences.map((d) => [d.key, d.here, d.there])).toEqual([
      ["none", null, 0],
      ["shards", "1", 1],
      ["tls", true, "true"],
    ]);
  });

  it("reports keys present on one side only, including whole categories and empty objects", () => {
    const result = computeDrift(
      { feature_flags: { a: true, b: {} }, custom: { x: 1 } },
      { feature_flags: { a: true, c: false }, endpoints: "https://x" },
      noRules,
    );
    expect(keysOf(result)).toEqual([
      "feature_flags.b:only_here",
      "feature_flags.c:only_there",
      "endpoints.:only_there",
      "custom.x:only_here",
    ]);
    const onlyHere = result.categories[0]?.differences[0];
    expect(onlyHere).toEqual({ category: "feature_flags", key: "b", kind: "only_here", here: {} });
    expect(onlyHere && "there" in onlyHere).toBe(false);
  });

  it("skips ignored paths on both sides, including everything under an ignored parent", () => {
    const here = {
      feature_flags: { "experiment-a": 1, "experiment-b": { x: 1 }, real: 1 },
      data: { orders: { rows: 1 } },
    };
    const there = { feature_flags: { "experiment-a": 2, real: 2 }, data: { orders: { rows: 2 } } };
    const rules: DriftRules = {
      allow: {},
      ignore: ["feature_flags.experiment-*", "data.orders"],
      normalize: {},
    };
    expect(keysOf(computeDrift(here, there, rules))).toEqual(["feature_flags.real:changed"]);
  });

  it("matches ignore globs per segment with *, across segments with **", () => {
    const isIgnored = compileIgnore(["a.*.c", "b.**", "x?y", "team/flag"]);
    expect(isIgnored?.("a.b.c")).toBe(true);
    expect(isIgnored?.("a.b.d.c")).toBe(false);
    expect(isIgnored?.("b.one.two")).toBe(true);
    expect(isIgnored?.("xzy")).toBe(true);
    expect(isIgnored?.("x.y")).toBe(false);
    expect(isIgnored?.("team/flag")).toBe(true);
    expect(isIgnored?.("a+b")).toBe(false);
    expect(compileIgnore([])).toBeUndefined();
  });

  it("counts differences per category against the allowance; unlisted categories allow none", () => {
    const here = { feature_flags: { a: 1, b: 1 }, endpoints: { e: "x" }, extra: { k: 1 } };
    const there = { feature_flags: { a: 2, b: 2 }, endpoints: { e: "x" }, extra: { k: 2 } };
    const result = computeDrift(here, there, {
      allow: { feature_flags: 2, security: 1 },
      ignore: [],
      normalize: {},
    });
    expect(result.categories.map((c) => [c.category, c.differences.length, c.allowed, c.overBudget])).toEqual(
      [
        ["feature_flags", 2, 2, false],
        ["endpoints", 0, 0, false],
        ["security", 0, 1, false],
        ["extra", 1, 0, true],
      ],
    );
    expect(result.overBudget).toBe(true);
    expect(result.totalDifferences).toBe(3);
  });

  it("is deterministic whatever the key order and finds nothing between a snapshot and itself", () => {
    const json = fc.letrec<{ value: ConfigValue }>((tie) => ({
      value: fc.oneof(
        { depthSize: "small" },
        fc.constantFrom<ConfigValue>(null, true, 1, "1", "staging"),
        fc.array(tie("value"), { maxLength: 3 }),
        fc.dictionary(fc.constantFrom("a", "b", "c.d", "e"), tie("value"), { maxKeys: 4 }),
      ),
    })).value;
    const config = fc.dictionary(fc.constantFrom("feature_flags", "data", "zz"), json, { maxKeys: 3 });
    fc.assert(
      fc.property(config, config, (a, b) => {
        const reversed = Object.fromEntries(Object.entries(b).reverse());
        expect(computeDrift(a, reversed, noRules)).toEqual(computeDrift(a, b, noRules));
        expect(computeDrift(a, a, noRules).totalDifferences).toBe(0);
        const swapped = computeDrift(b, a, noRules);
        expect(swapped.totalDifferences).toBe(computeDrift(a, b, noRules).totalDifferences);
      }),
    );
  });
});

describe("computeDrift against the flattening reference", () => {
  const leaf = fc.constantFrom<ConfigValue>(null, true, false, 0, 1, "1", "a.staging", "a.prod", [], {}, [
    "x",
  ]);
  const tree = fc.letrec<{ value: ConfigValue }>((tie) => ({
    value: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      leaf,
      fc.dictionary(fc.constantFrom("a", "b", "exp-1", "c.d", "team/x"), tie("value"), { maxKeys: 4 }),
    ),
  })).value;
  const config = fc.dictionary(fc.constantFrom("feature_flags", "endpoints", "zz"), tree, { maxKeys: 3 });
  const rules = fc.record({
    allow: fc.constant({}),
    ignore: fc.subarray(["feature_flags.exp-*", "endpoints.a", "zz.**.b", "*.c"]),
    normalize: fc.constantFrom({}, { staging: "{env}", prod: "{env}" }),
  });

  it("finds exactly the differences path-by-path comparison finds, in the same order", () => {
    fc.assert(
      fc.property(config, config, rules, (a, b, r) => {
        const walked = computeDrift(a, b, r).categories.flatMap((c) => c.differences);
        expect(walked).toEqual(computeDriftByFlattening(a, b, r));
      }),
      { numRuns: 2000 },
    );
  });
});

describe("pathsSpelledTwice", () => {
  it("finds a path given both nested and dotted, in either order and at any depth", () => {
    expect(pathsSpelledTwice({ data: { a: { b: 2 }, "a.b": 1 } })).toEqual(["data.a.b"]);
    expect(pathsSpelledTwice({ data: { "a.b": 1, a: { b: 2 } } })).toEqual(["data.a.b"]);
    expect(pathsSpelledTwice({ x: { "a.b": { c: 1 }, a: { "b.c": 2 } } })).toEqual(["x.a.b.c"]);
  });

  it("finds a path spelled as a category's key and as a dotted category", () => {
    expect(pathsSpelledTwice({ a: { b: 1 }, "a.b": 2 })).toEqual(["a.b"]);
    expect(pathsSpelledTwice({ "data.orders": { rows: 1 }, data: { orders: { rows: 2 } } })).toEqual([
      "data.orders.rows",
    ]);
  });

  it("accepts dotted keys that name distinct paths, and leaves and categories of any shape", () => {
    const config = { data: { "orders.rows": 1, orders: { schema: "v42" } }, flags: true, list: [1] };
    expect(pathsSpelledTwice(config)).toEqual([]);
    // A path in two categories is two paths.
    expect(pathsSpelledTwice({ a: { b: 1 }, c: { b: 1 } })).toEqual([]);
  });

  it("stops after the limit", () => {
    const data: Record<string, ConfigValue> = {};
    for (let i = 0; i < 30; i++) {
      data[`k${i}.x`] = 1;
      data[`k${i}`] = { x: 2 };
    }
    expect(pathsSpelledTwice({ data }, 5)).toHaveLength(5);
  });
});

describe("flattenSnapshot", () => {
  it("flattens to dotted paths and keeps non-object categories under the empty key", () => {
    const flat = flattenSnapshot({ data: { orders: { rows: 1 }, list: [1, { a: 2 }] }, flag: false });
    expect([...(flat.get("data") ?? [])]).toEqual([
      ["orders.rows", 1],
      ["list", [1, { a: 2 }]],
    ]);
    expect([...(flat.get("flag") ?? [])]).toEqual([["", false]]);
  });
});
