/** views.open, views.push, views.update, views.publish — modals (with their stack) and Home tabs. */
import { checkView } from "./block-kit-limits.js";
import {
  fail,
  invalidArguments,
  type MethodContext,
  type MethodHandler,
  type MethodRequest,
  ok,
  str,
  surfaceFailure,
} from "./method-context.js";
import type { ApiReply, Json, JsonObject, StoredView, ViewType } from "./types.js";

/** Slack allows three views in a modal's stack (views.push docs: push_limit_reached). */
const MAX_STACK = 3;

function readView(req: MethodRequest, type: ViewType | undefined): JsonObject | ApiReply {
  const view = req.args.view;
  if (req.undecodable.includes("view")) return invalidArguments("[ERROR] invalid json [json-pointer:/view]");
  if (view === undefined) return invalidArguments("[ERROR] missing required field: view [json-pointer:/]");
  const check = checkView(view);
  if (check.error !== undefined) return surfaceFailure(check);
  const input = view as JsonObject;
  if (type !== undefined && input.type !== type) {
    return invalidArguments("[ERROR] must be a valid enum value [json-pointer:/view/type]");
  }
  return input;
}

function isReply(value: JsonObject | ApiReply): value is ApiReply {
  return "status" in value && typeof value.status === "number" && "body" in value;
}

function externalIdTaken(ctx: MethodContext, externalId: Json | undefined, except?: string): boolean {
  if (typeof externalId !== "string" || externalId === "") return false;
  for (const record of ctx.state.views.values()) {
    if (record.view.external_id === externalId && record.view.id !== except && record.open) return true;
  }
  return false;
}

function exchangeTrigger(ctx: MethodContext, req: MethodRequest) {
  const result = ctx.triggers.exchange(req.args.trigger_id);
  if (result.ok) return result.context;
  // The docs' "typical error response" for a malformed trigger (fixture views.open.error-invalid-trigger).
  if (result.error === "invalid_arguments") return invalidArguments("invalid `trigger_id`");
  return fail(result.error);
}

function stackDepth(ctx: MethodContext, view: StoredView): number {
  let depth = 1;
  let previous = view.previous_view_id;
  while (previous !== null) {
    depth += 1;
    previous = ctx.state.views.get(previous)?.view.previous_view_id ?? null;
  }
  return depth;
}

const open: MethodHandler = (ctx, req) => {
  const trigger = exchangeTrigger(ctx, req);
  if ("status" in trigger) return trigger;
  const input = readView(req, "modal");
  if (isReply(input)) return input;
  if (externalIdTaken(ctx, input.external_id)) return fail("duplicate_external_id");
  const view = ctx.state.buildView(input, {});
  ctx.state.views.set(view.id, { view, userId: trigger.userId, open: true });
  ctx.emit({ kind: "view_opened", viewId: view.id, userId: trigger.userId });
  return ok({ view: view as unknown as JsonObject });
};

const push: MethodHandler = (ctx, req) => {
  const trigger = exchangeTrigger(ctx, req);
  if ("status" in trigger) return trigger;
  const input = readView(req, "modal");
  if (isReply(input)) return input;
  const parent = trigger.viewId === undefined ? undefined : ctx.state.views.get(trigger.viewId);
  if (parent === undefined || !parent.open || parent.view.type !== "modal") return fail("not_found");
  if (stackDepth(ctx, parent.view) >= MAX_STACK) return fail("push_limit_reached");
  if (externalIdTaken(ctx, input.external_id)) return fail("duplicate_external_id");
  const links = { rootViewId: parent.view.root_view_id, previousViewId: parent.view.id };
  const view = ctx.state.buildView(input, links);
  ctx.state.views.set(view.id, { view, userId: trigger.userId, open: true });
  ctx.emit({ kind: "view_pushed", viewId: view.id, userId: trigger.userId });
  return ok({ view: view as unknown as JsonObject });
};

function findView(ctx: MethodContext, req: MethodRequest) {
  const viewId = str(req.args.view_id);
  if (viewId !== undefined) return ctx.state.views.get(viewId);
  const externalId = str(req.args.external_id);
  for (const record of ctx.state.views.values()) {
    if (externalId !== undefined && record.view.external_id === externalId) return record;
  }
  return undefined;
}

const update: MethodHandler = (ctx, req) => {
  if (req.args.view_id === undefined && req.args.external_id === undefined) {
    return invalidArguments("[ERROR] missing required field: view_id [json-pointer:/]");
  }
  const record = findView(ctx, req);
  if (record === undefined || !record.open) return fail("not_found");
  const hash = str(req.args.hash);
  if (hash !== undefined && hash !== record.view.hash) return fail("hash_conflict");
  const input = readView(req, record.view.type);
  if (isReply(input)) return input;
  if (externalIdTaken(ctx, input.external_id, record.view.id)) return fail("duplicate_external_id");
  const { view: old } = record;
  const rebuilt = ctx.state.buildView(input, {
    rootViewId: old.root_view_id,
    previousViewId: old.previous_view_id,
  });
  // An update that leaves external_id out keeps the one the view was opened with.
  const externalId = input.external_id === undefined ? old.external_id : rebuilt.external_id;
  record.view = { ...rebuilt, id: old.id, external_id: externalId };
  const kind = record.view.type === "home" ? "home_published" : "view_updated";
  ctx.emit({ kind, viewId: old.id, userId: record.userId });
  return ok({ view: record.view as unknown as JsonObject });
};

const publish: MethodHandler = (ctx, req) => {
  const userId = str(req.args.user_id);
  // views.publish answers an unknown user like the docs example (fixture views.publish.error-invalid-user).
  if (userId === undefined || !ctx.state.users.has(userId)) return invalidArguments("invalid `user_id`");
  const input = readView(req, "home");
  if (isReply(input)) return input;
  const existingId = ctx.state.homeViewByUser.get(userId);
  const existing = existingId === undefined ? undefined : ctx.state.views.get(existingId);
  const hash = str(req.args.hash);
  if (hash !== undefined && existing !== undefined && hash !== existing.view.hash)
    return fail("hash_conflict");
  const built = ctx.state.buildView(input, {});
  // A user's Home tab keeps one view id across publishes.
  const view =
    existing === undefined ? built : { ...built, id: existing.view.id, root_view_id: existing.view.id };
  ctx.state.views.set(view.id, { view, userId, open: true });
  ctx.state.homeViewByUser.set(userId, view.id);
  ctx.emit({ kind: "home_published", viewId: view.id, userId });
  return ok({ view: view as unknown as JsonObject });
};

export const viewMethods: Record<string, MethodHandler> = {
  "views.open": open,
  "views.push": push,
  "views.update": update,
  "views.publish": publish,
};
