/**
 * Environment gates that do not depend on the artifact: freeze windows and locks (SPEC §4, §5).
 */
import type { Contract, FreezeWindow } from "./contract.js";
import {
  type ActiveFreeze,
  activeFreeze,
  describeWindow,
  formatLocalMoment,
  nextFreezeEnd,
} from "./freeze-window.js";
import { who } from "./mention.js";
import type { Check, Lock, ReadinessFacts } from "./readiness.js";

interface FreezeState {
  at: number;
  timezone: string;
  active: ActiveFreeze | undefined;
  endsAt: Date | undefined;
}

// NOTE: bulk evaluation asks about the same windows at the same instant for every artifact;
// timezone arithmetic is the costly part, so the answer is kept per windows list and instant.
const lastAnswer = new WeakMap<readonly FreezeWindow[], FreezeState>();

function freezeState(contract: Contract, now: Date): FreezeState {
  const known = lastAnswer.get(contract.freeze);
  if (known && known.at === now.getTime() && known.timezone === contract.timezone) return known;
  const active = activeFreeze(contract.freeze, contract.timezone, now);
  const endsAt = active && (nextFreezeEnd(contract.freeze, contract.timezone, now) ?? active.endsAt);
  const state = { at: now.getTime(), timezone: contract.timezone, active, endsAt };
  lastAnswer.set(contract.freeze, state);
  return state;
}

export function checkFreeze(contract: Contract, facts: ReadinessFacts, now: Date): Check | undefined {
  if (contract.freeze.length === 0) return undefined;
  const id = "freeze";
  const { active, endsAt } = freezeState(contract, now);
  if (!active || !endsAt) return { id, status: "passed", reason: "no freeze window is active" };
  const until = `${formatLocalMoment(endsAt, contract.timezone, now)} ${contract.timezone}`;
  const detail = { window: active.window, endsAt };
  const override = facts.promotion?.freezeOverride;
  if (override) {
    const reason = `Freeze overridden by ${who(override.by)}: ${override.reason} (frozen until ${until})`;
    return { id, status: "passed", reason, detail };
  }
  return { id, status: "failed", reason: `Frozen until ${until} (${describeWindow(active.window)})`, detail };
}

function isActive(lock: Lock, environment: string, now: Date): boolean {
  if (lock.environment !== environment && lock.environment !== "*") return false;
  return lock.expiresAt === undefined || lock.expiresAt.getTime() > now.getTime();
}

function describeLock(lock: Lock, timezone: string, now: Date): string {
  const what = lock.environment === "*" ? "Line stopped" : "Locked";
  const until = lock.expiresAt
    ? ` until ${formatLocalMoment(lock.expiresAt, timezone, now)} ${timezone}`
    : "";
  return `${what} by ${who(lock.lockedBy)}${until}: ${lock.reason}`;
}

/** Always present: `lock all` can stop any environment, so "not locked" is worth saying. */
export function checkLock(contract: Contract, facts: ReadinessFacts, now: Date): Check {
  const id = "lock";
  const active = facts.locks
    .filter((lock) => isActive(lock, contract.environment, now))
    .sort((a, b) => a.lockedAt.getTime() - b.lockedAt.getTime());
  const first = active[0];
  if (!first) return { id, status: "passed", reason: `${contract.environment} is not locked` };
  const more = active.length > 1 ? ` (+${active.length - 1} more)` : "";
  return {
    id,
    status: "failed",
    reason: `${describeLock(first, contract.timezone, now)}${more}`,
    detail: active,
  };
}
