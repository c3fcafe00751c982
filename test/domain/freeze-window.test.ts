import { describe, expect, it } from "vitest";
import type { FreezeWindow } from "../../src/domain/contract.js";
import { activeFreeze, nextFreezeEnd, parseWeeklySpec } from "../../src/domain/freeze-window.js";

const weekly = (spec: string, reason?: string): FreezeWindow => ({ kind: "weekly", spec, reason });

describe("parseWeeklySpec", () => {
  it.each([
    ["Fri 16:00 - Mon 09:00", { start: 5 * 1440 + 960, end: 1440 + 540 }],
    ["fri 16:00-mon 9:00", { start: 5 * 1440 + 960, end: 1440 + 540 }],
    ["Friday 16:00 - Monday 09:00", { start: 5 * 1440 + 960, end: 1440 + 540 }],
    ["Sat 24:00 - Sun 06:00", { start: 0, end: 360 }],
  ])("%s", (spec, range) => {
    expect(parseWeeklySpec(spec)).toEqual(range);
  });

  it.each(["", "Fri 16:00", "Fri 25:00 - Mon 09:00", "Xyz 16:00 - Mon 09:00", "Fri 16:60 - Mon 09:00"])(
    "refuses %j",
    (spec) => {
      expect(parseWeeklySpec(spec)).toBeUndefined();
    },
  );
});

interface Case {
  zone: string;
  window: FreezeWindow;
  at: string;
  /** The end of the freeze, or null when not frozen at `at`. */
  endsAt: string | null;
}

const cases: (Case & { name: string })[] = [
  // Over the weekend and across midnight.
  {
    name: "Friday before the start",
    zone: "Europe/Berlin",
    window: weekly("Fri 16:00 - Mon 09:00"),
    at: "2026-11-27T14:59:00Z",
    endsAt: null,
  },
  {
    name: "Friday at the start",
    zone: "Europe/Berlin",
    window: weekly("Fri 16:00 - Mon 09:00"),
    at: "2026-11-27T15:00:00Z",
    endsAt: "2026-11-30T08:00:00Z",
  },
  {
    name: "Sunday night",
    zone: "Europe/Berlin",
    window: weekly("Fri 16:00 - Mon 09:00"),
    at: "2026-11-29T23:30:00Z",
    endsAt: "2026-11-30T08:00:00Z",
  },
  {
    name: "Monday at the end",
    zone: "Europe/Berlin",
    window: weekly("Fri 16:00 - Mon 09:00"),
    at: "2026-11-30T08:00:00Z",
    endsAt: null,
  },
  {
    name: "Wednesday",
    zone: "Europe/Berlin",
    window: weekly("Fri 16:00 - Mon 09:00"),
    at: "2026-11-25T12:00:00Z",
    endsAt: null,
  },
  {
    name: "nightly across midnight, before",
    zone: "Europe/Berlin",
    window: weekly("Tue 22:00 - Wed 06:00"),
    at: "2026-11-24T20:59:00Z",
    endsAt: null,
  },
  {
    name: "nightly across midnight, after midnight",
    zone: "Europe/Berlin",
    window: weekly("Tue 22:00 - Wed 06:00"),
    at: "2026-11-24T23:30:00Z",
    endsAt: "2026-11-25T05:00:00Z",
  },
  {
    name: "Sun to Sun wraps the whole week",
    zone: "UTC",
    window: weekly("Sun 12:00 - Sun 08:00"),
    at: "2026-11-25T12:00:00Z",
    endsAt: "2026-11-29T08:00:00Z",
  },
  // Europe/Berlin springs forward on 2026-03-29 (02:00 CET → 03:00 CEST).
  {
    name: "Berlin spring: start in CET",
    zone: "Europe/Berlin",
    window: weekly("Sat 22:00 - Sun 06:00"),
    at: "2026-03-28T21:00:00Z",
    endsAt: "2026-03-29T04:00:00Z",
  },
  {
    name: "Berlin spring: 05:59 CEST still frozen",
    zone: "Europe/Berlin",
    window: weekly("Sat 22:00 - Sun 06:00"),
    at: "2026-03-29T03:59:00Z",
    endsAt: "2026-03-29T04:00:00Z",
  },
  {
    name: "Berlin spring: 06:00 CEST open",
    zone: "Europe/Berlin",
    window: weekly("Sat 22:00 - Sun 06:00"),
    at: "2026-03-29T04:00:00Z",
    endsAt: null,
  },
  // Europe/Berlin falls back on 2026-10-25 (03:00 CEST → 02:00 CET).
  {
    name: "Berlin autumn: starts Fri 16:00 CEST",
    zone: "Europe/Berlin",
    window: weekly("Fri 16:00 - Mon 09:00"),
    at: "2026-10-23T14:00:00Z",
    endsAt: "2026-10-26T08:00:00Z",
  },
  {
    name: "Berlin autumn: 08:30 CET Monday still frozen",
    zone: "Europe/Berlin",
    window: weekly("Fri 16:00 - Mon 09:00"),
    at: "2026-10-26T07:30:00Z",
    endsAt: "2026-10-26T08:00:00Z",
  },
  {
    name: "Berlin autumn: 09:00 CET open",
    zone: "Europe/Berlin",
    window: weekly("Fri 16:00 - Mon 09:00"),
    at: "2026-10-26T08:00:00Z",
    endsAt: null,
  },
  // America/New_York springs forward on 2026-03-08 (02:00 EST → 03:00 EDT).
  {
    name: "New York spring: starts Fri 16:00 EST",
    zone: "America/New_York",
    window: weekly("Fri 16:00 - Mon 09:00"),
    at: "2026-03-06T21:00:00Z",
    endsAt: "2026-03-09T13:00:00Z",
  },
  {
    name: "New York spring: 08:59 EDT still frozen",
    zone: "America/New_York",
    window: weekly("Fri 16:00 - Mon 09:00"),
    at: "2026-03-09T12:59:00Z",
    endsAt: "2026-03-09T13:00:00Z",
  },
  {
    name: "New York spring: 09:30 EDT open",
    zone: "America/New_York",
    window: weekly("Fri 16:00 - Mon 09:00"),
    at: "2026-03-09T13:30:00Z",
    endsAt: null,
  },
  // America/New_York falls back on 2026-11-01 (02:00 EDT → 01:00 EST): 01:xx happens twice.
  {
    name: "New York autumn: 23:00 EDT start",
    zone: "America/New_York",
    window: weekly("Sat 23:00 - Sun 03:00"),
    at: "2026-11-01T03:00:00Z",
    endsAt: "2026-11-01T08:00:00Z",
  },
  {
    name: "New York autumn: second 01:30",
    zone: "America/New_York",
    window: weekly("Sat 23:00 - Sun 03:00"),
    at: "2026-11-01T06:30:00Z",
    endsAt: "2026-11-01T08:00:00Z",
  },
  {
    name: "New York autumn: 02:59 EST",
    zone: "America/New_York",
    window: weekly("Sat 23:00 - Sun 03:00"),
    at: "2026-11-01T07:59:00Z",
    endsAt: "2026-11-01T08:00:00Z",
  },
  {
    name: "New York autumn: 03:00 EST open",
    zone: "America/New_York",
    window: weekly("Sat 23:00 - Sun 03:00"),
    at: "2026-11-01T08:00:00Z",
    endsAt: null,
  },
  // Dated ranges are inclusive calendar days in the contract's zone.
  {
    name: "holiday: the evening before",
    zone: "Europe/Berlin",
    window: { kind: "dated", from: "2026-12-24", to: "2027-01-02" },
    at: "2026-12-23T22:59:00Z",
    endsAt: null,
  },
  {
    name: "holiday: local midnight of the first day",
    zone: "Europe/Berlin",
    window: { kind: "dated", from: "2026-12-24", to: "2027-01-02" },
    at: "2026-12-23T23:00:00Z",
    endsAt: "2027-01-02T23:00:00Z",
  },
  {
    name: "holiday: last minute of the last day",
    zone: "Europe/Berlin",
    window: { kind: "dated", from: "2026-12-24", to: "2027-01-02" },
    at: "2027-01-02T22:59:00Z",
    endsAt: "2027-01-02T23:00:00Z",
  },
  {
    name: "holiday: over",
    zone: "Europe/Berlin",
    window: { kind: "dated", from: "2026-12-24", to: "2027-01-02" },
    at: "2027-01-02T23:00:00Z",
    endsAt: null,
  },
  {
    name: "a local start time: one minute before",
    zone: "Europe/Berlin",
    window: { kind: "dated", from: "2026-12-24T18:00", to: "2026-12-24" },
    at: "2026-12-24T16:59:00Z",
    endsAt: null,
  },
  {
    name: "a local start time: at it, until the end of the day",
    zone: "Europe/Berlin",
    window: { kind: "dated", from: "2026-12-24T18:00", to: "2026-12-24" },
    at: "2026-12-24T17:00:00Z",
    endsAt: "2026-12-24T23:00:00Z",
  },
  {
    name: "a local end time is exclusive",
    zone: "Europe/Berlin",
    window: { kind: "dated", from: "2026-12-31", to: "2027-01-01T06:00" },
    at: "2027-01-01T05:00:00Z",
    endsAt: null,
  },
  {
    name: "dated range over a DST change",
    zone: "America/New_York",
    window: { kind: "dated", from: "2026-03-07", to: "2026-03-08" },
    at: "2026-03-08T12:00:00Z",
    endsAt: "2026-03-09T04:00:00Z",
  },
];

describe("activeFreeze", () => {
  it.each(cases)("$name", ({ zone, window, at, endsAt }) => {
    const active = activeFreeze([window], zone, new Date(at));
    expect(active?.endsAt.toISOString() ?? null).toBe(
      endsAt === null ? null : new Date(endsAt).toISOString(),
    );
  });

  it("picks the window that ends last", () => {
    const windows = [weekly("Fri 16:00 - Sat 09:00"), weekly("Fri 18:00 - Mon 09:00", "weekend")];
    const active = activeFreeze(windows, "UTC", new Date("2026-11-27T19:00:00Z"));
    expect(active?.window.reason).toBe("weekend");
  });

  it("an unknown zone is read as UTC instead of throwing", () => {
    const active = activeFreeze(
      [weekly("Fri 16:00 - Mon 09:00")],
      "Mars/Olympus",
      new Date("2026-11-27T16:00:00Z"),
    );
    expect(active?.endsAt.toISOString()).toBe("2026-11-30T09:00:00.000Z");
  });
});

describe("nextFreezeEnd", () => {
  it("follows windows that run into each other", () => {
    const windows: FreezeWindow[] = [
      { kind: "dated", from: "2026-12-24", to: "2026-12-25" },
      weekly("Sat 00:00 - Mon 09:00"),
    ];
    // Dec 25 2026 is a Friday: the holiday hands over to the weekend freeze at Saturday 00:00.
    const end = nextFreezeEnd(windows, "Europe/Berlin", new Date("2026-12-24T10:00:00Z"));
    expect(end?.toISOString()).toBe("2026-12-28T08:00:00.000Z");
  });

  it("is undefined when not frozen", () => {
    expect(
      nextFreezeEnd([weekly("Fri 16:00 - Mon 09:00")], "UTC", new Date("2026-11-25T12:00:00Z")),
    ).toBeUndefined();
  });
});
