/**
 * trigger_ids as Slack issues them with an interaction: "13345224609.738474920.8088930838d88f008e0",
 * valid for 3 s and exchangeable once (views.open docs: expired_trigger_id, exchanged_trigger_id).
 */
import { randomBytes } from "node:crypto";

export interface TriggerContext {
  userId: string;
  /** The modal the interaction happened in; views.push stacks onto it. */
  viewId?: string;
}

export type TriggerCheck =
  | { ok: true; context: TriggerContext }
  | {
      ok: false;
      error: "invalid_arguments" | "invalid_trigger_id" | "expired_trigger_id" | "exchanged_trigger_id";
    };

const TRIGGER_SHAPE = /^\d+\.\d+\.[0-9a-f]+$/;

export class TriggerRegistry {
  private readonly issued = new Map<string, { context: TriggerContext; at: number; used: boolean }>();
  private sequence = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number,
    private readonly teamNumber: string,
  ) {}

  mint(context: TriggerContext): string {
    this.sequence += 1;
    const id = `${Math.floor(this.now())}${this.sequence}.${this.teamNumber}.${randomBytes(16).toString("hex")}`;
    this.issued.set(id, { context, at: this.now(), used: false });
    return id;
  }

  /** Exchanges a trigger for its context, once. */
  exchange(triggerId: unknown): TriggerCheck {
    if (typeof triggerId !== "string" || !TRIGGER_SHAPE.test(triggerId)) {
      return { ok: false, error: "invalid_arguments" };
    }
    const entry = this.issued.get(triggerId);
    if (entry === undefined) return { ok: false, error: "invalid_trigger_id" };
    if (this.now() - entry.at > this.ttlMs) return { ok: false, error: "expired_trigger_id" };
    if (entry.used) return { ok: false, error: "exchanged_trigger_id" };
    entry.used = true;
    return { ok: true, context: entry.context };
  }
}
