/**
 * The sample workspace the sandbox seeds its Slack emulator with: the people a visitor can act
 * as (their ids match the example contracts' `requesters` and `approvers`), their user groups,
 * and one channel per contract channel and drift digest channel.
 */
import type { ContractSet } from "../domain/contract.js";
import type { ChannelInput, UserInput } from "./slack-emulator/index.js";

export type SandboxRole = "requester" | "approver" | "stranger";

export interface SandboxPerson extends UserInput {
  realName: string;
  role: SandboxRole;
}

export const SANDBOX_PEOPLE: readonly SandboxPerson[] = [
  { id: "U0TGREQ01", name: "riley", realName: "Riley (requester)", role: "requester" },
  { id: "U0TGAPP01", name: "alex", realName: "Alex (approver)", role: "approver" },
  { id: "U0TGAPP02", name: "sam", realName: "Sam (approver)", role: "approver" },
  { id: "U0TGSTR01", name: "jordan", realName: "Jordan (not on the team)", role: "stranger" },
];

/** S0TGRELEASE approves (contracts' `approvers`); S0TGENG may request (`requesters`). */
export const SANDBOX_GROUPS: Record<string, string[]> = {
  S0TGRELEASE: ["U0TGAPP01", "U0TGAPP02"],
  S0TGENG: ["U0TGREQ01", "U0TGAPP01", "U0TGAPP02"],
};

export interface SandboxChannel extends ChannelInput {
  /** What the page shows next to the name. */
  purpose: string;
}

/** One channel per environment's card channel and per drift digest channel, in pipeline order. */
export function channelsFor(set: ContractSet): SandboxChannel[] {
  const channels = new Map<string, SandboxChannel>();
  for (const environment of set.order) {
    const contract = set.contracts.get(environment);
    if (contract?.channel === undefined) continue;
    const existing = channels.get(contract.channel);
    if (existing) existing.purpose += `, ${environment}`;
    else
      channels.set(contract.channel, {
        id: contract.channel,
        name: `deploys-${environment}`,
        purpose: `Readiness cards for ${environment}`,
      });
  }
  for (const environment of set.order) {
    const digest = set.contracts.get(environment)?.drift?.digest;
    if (digest === undefined || channels.has(digest.channel)) continue;
    channels.set(digest.channel, {
      id: digest.channel,
      name: "drift-digest",
      purpose: "Scheduled drift digests",
    });
  }
  return [...channels.values()];
}
