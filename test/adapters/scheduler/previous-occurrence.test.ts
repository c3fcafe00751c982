import cron from "node-cron";
import { afterEach, describe, expect, it } from "vitest";
import { previousOccurrence } from "../../../src/adapters/scheduler/previous-occurrence.js";

const tasks: ReturnType<typeof cron.createTask>[] = [];
afterEach(async () => {
  await Promise.all(tasks.splice(0).map((t) => t.destroy()));
});

/** node-cron's own matcher for the expression, from a task that is never started. */
function prev(expression: string, timezone: string, now: string): string | undefined {
  const task = cron.createTask(expression, () => undefined, { timezone });
  tasks.push(task);
  return previousOccurrence(expression, timezone, new Date(now), (d) => task.match(d))?.toISOString();
}

describe("previousOccurrence", () => {
  it("finds the last weekday 09:00 in the contract's time zone across a weekend", () => {
    // Monday 2026-11-30 08:00 in Seoul (UTC+9): the last slot is Friday 09:00 KST.
    expect(prev("0 9 * * 1-5", "Asia/Seoul", "2026-11-29T23:00:00Z")).toBe("2026-11-27T00:00:00.000Z");
    expect(prev("0 9 * * 1-5", "Asia/Seoul", "2026-11-30T00:00:00Z")).toBe("2026-11-30T00:00:00.000Z");
    expect(prev("0 9 * * 1-5", "Asia/Seoul", "2026-11-30T00:00:00.999Z")).toBe("2026-11-30T00:00:00.000Z");
  });

  it("handles seconds-level expressions", () => {
    expect(prev("*/10 * * * * *", "UTC", "2026-11-27T10:00:27.400Z")).toBe("2026-11-27T10:00:20.000Z");
  });

  it("uses node-cron's day rules (last day of month) and DST offsets", () => {
    expect(prev("30 6 L * *", "UTC", "2026-03-15T00:00:00Z")).toBe("2026-02-28T06:30:00.000Z");
    // New York switches to UTC-4 on 2026-03-08: 09:00 local is 13:00Z after, 14:00Z before.
    expect(prev("0 9 * * *", "America/New_York", "2026-03-08T20:00:00Z")).toBe("2026-03-08T13:00:00.000Z");
    expect(prev("0 9 * * *", "America/New_York", "2026-03-08T12:00:00Z")).toBe("2026-03-07T14:00:00.000Z");
  });

  it("agrees with node-cron's next run: nothing matches between the previous slot and now", () => {
    const task = cron.createTask("15 */3 * * 2,4", () => undefined, { timezone: "Europe/Berlin" });
    tasks.push(task);
    const now = new Date("2026-11-27T05:00:00Z");
    const slot = previousOccurrence("15 */3 * * 2,4", "Europe/Berlin", now, (d) => task.match(d));
    expect(slot?.toISOString()).toBe("2026-11-26T20:15:00.000Z");
    for (let t = (slot?.getTime() ?? 0) + 60_000; t <= now.getTime(); t += 60_000) {
      expect(task.match(new Date(t))).toBe(false);
    }
  });

  it("gives up on an expression that never fired within the search window", () => {
    expect(prev("0 0 31 12 *", "UTC", "2026-06-01T00:00:00Z")).toBe("2025-12-31T00:00:00.000Z");
    const task = cron.createTask("0 0 29 2 *", () => undefined, { timezone: "UTC" });
    tasks.push(task);
    expect(
      previousOccurrence("0 0 29 2 *", "UTC", new Date("2026-06-01T00:00:00Z"), (d) => task.match(d), 365),
    ).toBeUndefined();
  });
});
