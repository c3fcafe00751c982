/**
 * Action ids and callback ids (SPEC §5). Users' automations and tests match on these strings, so
 * they never change; the manifest test checks the code only uses ids listed here.
 */
export const ACTION_IDS = {
  promotionRequest: "promotion.request",
  promotionApprove: "promotion.approve",
  promotionReject: "promotion.reject",
  rollbackRequest: "rollback.request",
  readinessDetails: "readiness.details",
} as const;

export type ActionId = (typeof ACTION_IDS)[keyof typeof ACTION_IDS];

export const ALL_ACTION_IDS: readonly ActionId[] = Object.values(ACTION_IDS);

/** The one slash command (manifest.yml `features.slash_commands`). */
export const PROMOTE_COMMAND = "/promote";

/** Events the app subscribes to (manifest.yml `settings.event_subscriptions.bot_events`). */
export const BOT_EVENTS = ["app_home_opened"] as const;

export const VIEW_CALLBACK_IDS = {
  readinessDetails: "readiness.details.modal",
} as const;
