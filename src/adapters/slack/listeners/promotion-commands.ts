/**
 * The `/promote` handlers promotions own (SPEC §5): request, rollback, lock/unlock (and `all`),
 * history. Each calls one flow and replies with facts, ephemerally; events go to the card thread
 * through the flows. Plugged into `registerPromoteCommand` via the slack module's `commands`.
 */
import { shortDigest } from "../../../domain/artifact.js";
import { who } from "../../../domain/mention.js";
import type { Promotion } from "../../../domain/promotion.js";
import { lockEnvironment, unlockEnvironment } from "../../../flows/lock-environment.js";
import type { DeploymentHistoryReader } from "../../../flows/ports.js";
import { contractFor, type PromotionDeps } from "../../../flows/promotion-deps.js";
import { requestPromotion } from "../../../flows/request-promotion.js";
import { resolveArtifact } from "../../../flows/resolve-artifact.js";
import { requestRollback } from "../../../flows/rollback.js";
import { candidateLine } from "../views/replies.js";
import type { PromoteContext, PromoteHandler } from "./promote-command.js";
import { isUnexpected, refusal } from "./refusal.js";

export interface PromotionCommandDeps {
  flows: PromotionDeps;
  deployments: DeploymentHistoryReader;
}

export interface PromotionCommandHandlers {
  request: PromoteHandler<"request">;
  rollback: PromoteHandler<"rollback">;
  lock: PromoteHandler<"lock">;
  unlock: PromoteHandler<"unlock">;
  history: PromoteHandler<"history">;
}

const reply = (context: PromoteContext, text: string) =>
  context.respond({ response_type: "ephemeral", text, blocks: [] });

async function guarded(context: PromoteContext, work: () => Promise<string>): Promise<void> {
  let text: string;
  try {
    text = await work();
  } catch (error) {
    if (isUnexpected(error)) context.logger.error({ err: error }, "/promote failed");
    text = refusal(error);
  }
  await reply(context, text);
}

/** `rolledBack`: promotions a later rollback moved away from, so "deployed" does not read as current. */
function historyLine(p: Promotion, rolledBack: ReadonlySet<string>): string {
  const when = `<!date^${Math.floor(p.requestedAt.getTime() / 1000)}^{date_short_pretty} {time}|${p.requestedAt.toISOString()}>`;
  const kind = `${p.kind === "rollback" ? " (rollback)" : ""}${rolledBack.has(p.id) ? " :rewind: rolled back" : ""}`;
  const override = p.freezeOverride ? " :rotating_light: freeze overridden" : "";
  return `• ${when} ${p.artifactName} \`${shortDigest(p.digest)}\` → ${p.environment}${kind}: *${p.state}* — requested by ${who(p.requestedBy)}${override}`;
}

export function promotionCommandHandlers(deps: PromotionCommandDeps): PromotionCommandHandlers {
  const flows = deps.flows;
  return {
    request: (command, context) =>
      guarded(context, async () => {
        const resolved = resolveArtifact(command.artifact, command.environment, {
          ...flows,
          deployments: deps.deployments,
        });
        if (!resolved.ok) {
          const list = resolved.candidates.map(candidateLine);
          return [`:no_entry: ${resolved.message} (${resolved.code})`, ...list].join("\n");
        }
        const outcome = await requestPromotion(flows, {
          userId: context.userId,
          artifact: resolved.artifact,
          environment: command.environment,
          reason: command.reason,
        });
        return outcome.message;
      }),
    rollback: (command, context) =>
      guarded(context, async () => {
        const outcome = await requestRollback(flows, {
          userId: context.userId,
          name: command.name,
          environment: command.environment,
        });
        return outcome.message;
      }),
    lock: (command, context) =>
      guarded(context, async () => {
        const input = {
          userId: context.userId,
          environment: command.environment,
          reason: command.reason,
          durationMs: command.durationMs,
        };
        return (await lockEnvironment(flows, input)).message;
      }),
    unlock: (command, context) =>
      guarded(
        context,
        async () =>
          (await unlockEnvironment(flows, { userId: context.userId, environment: command.environment }))
            .message,
      ),
    history: (command, context) =>
      guarded(context, async () => {
        // An environment without a contract is a typo to point out, not an empty history.
        if (command.environment !== undefined) contractFor(flows, command.environment);
        const list = flows.promotions.history(command.name, command.environment, 15);
        const where = command.environment ? ` in ${command.environment}` : "";
        if (list.length === 0) return `No promotions of ${command.name}${where} yet.`;
        const rolledBack = new Set(list.flatMap((p) => (p.rollbackOf === undefined ? [] : [p.rollbackOf])));
        const lines = list.map((p) => historyLine(p, rolledBack));
        return [`Recent promotions of ${command.name}${where}:`, ...lines].join("\n");
      }),
  };
}
