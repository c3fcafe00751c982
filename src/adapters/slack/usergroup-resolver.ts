/**
 * User-group membership from Slack's `usergroups.users.list` (SPEC §5 Authorisation), cached for
 * at most five minutes so a removal takes effect soon. Concurrent questions about one group share
 * one call. When Slack cannot be asked the answer is an error — never a stale or guessed list —
 * and authorisation turns it into "no, because Slack could not be asked".
 */
import { CodedError } from "../../errors.js";
import type { UserGroupResolver } from "../../flows/promotion-ports.js";

export const MAX_GROUP_CACHE_MS = 5 * 60_000;

interface UserGroupsClient {
  usergroups: {
    users: { list(args: { usergroup: string }): Promise<{ ok?: boolean; users?: string[]; error?: string }> };
  };
}

export interface CachingUserGroupResolver extends UserGroupResolver {
  /** Forgets one group (or all), e.g. on a `subteam_members_changed` event. */
  invalidate(groupId?: string): void;
}

export function createUserGroupResolver(
  client: UserGroupsClient,
  options: { ttlMs?: number; now?: () => number } = {},
): CachingUserGroupResolver {
  const ttl = Math.min(options.ttlMs ?? MAX_GROUP_CACHE_MS, MAX_GROUP_CACHE_MS);
  const now = options.now ?? Date.now;
  const cache = new Map<string, { members: ReadonlySet<string>; at: number }>();
  const inFlight = new Map<string, Promise<ReadonlySet<string>>>();

  async function fetchMembers(groupId: string): Promise<ReadonlySet<string>> {
    try {
      const result = await client.usergroups.users.list({ usergroup: groupId });
      if (result.ok === false || !Array.isArray(result.users))
        throw new Error(result.error ?? "no users in answer");
      const members = new Set(result.users);
      cache.set(groupId, { members, at: now() });
      return members;
    } catch (error) {
      const why = (error as { data?: { error?: string } }).data?.error ?? (error as Error).message;
      throw new CodedError("slack_unavailable", `usergroups.users.list ${groupId}: ${why}`, { cause: error });
    }
  }

  return {
    membersOf(groupId) {
      const cached = cache.get(groupId);
      if (cached && now() - cached.at < ttl) return Promise.resolve(cached.members);
      let pending = inFlight.get(groupId);
      if (!pending) {
        pending = fetchMembers(groupId).finally(() => inFlight.delete(groupId));
        inFlight.set(groupId, pending);
      }
      return pending;
    },
    invalidate(groupId) {
      if (groupId === undefined) cache.clear();
      else cache.delete(groupId);
    },
  };
}
