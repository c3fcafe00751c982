/**
 * Reads a Web API request the way Slack does. The token may arrive as `Authorization: Bearer …` or,
 * for form posts, as a `token` field (or query parameter); JSON bodies must use the header
 * (docs.slack.dev/apis/web-api "JSON-encoded bodies"). @slack/web-api sends form-urlencoded with
 * object arguments (`blocks`, `view`, `attachments`) as JSON strings, which are decoded here.
 */
import type { IncomingMessage } from "node:http";
import type { Json, JsonObject, RecordedCall } from "./types.js";

export interface ParsedApiRequest {
  token: string | undefined;
  tokenSource: RecordedCall["tokenSource"];
  contentType: RecordedCall["contentType"];
  args: JsonObject;
  /** Fields that were sent as strings but are not valid JSON (e.g. a broken `blocks`). */
  undecodable: string[];
  /** Set when the body itself could not be read as the declared type. */
  bodyError: "invalid_json" | "invalid_form_data" | undefined;
}

const JSON_FIELDS = ["blocks", "attachments", "view", "metadata"] as const;

export async function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > maxBytes) return undefined;
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

export function parseApiRequest(req: IncomingMessage, body: Buffer, url: URL): ParsedApiRequest {
  const type = (req.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  const parsed = type === "application/json" ? parseJsonBody(body) : parseFormBody(body, type);
  for (const [key, value] of url.searchParams) if (!(key in parsed.args)) parsed.args[key] = value;
  const header = req.headers.authorization;
  const bearer = header?.match(/^Bearer\s+(.+)$/i)?.[1];
  const bodyToken = typeof parsed.args.token === "string" ? parsed.args.token : undefined;
  delete parsed.args.token;
  const fromQuery = url.searchParams.get("token") ?? undefined;
  let token: string | undefined;
  let tokenSource: RecordedCall["tokenSource"] = "none";
  if (bearer !== undefined) [token, tokenSource] = [bearer, "header"];
  else if (bodyToken !== undefined && parsed.contentType !== "json") {
    [token, tokenSource] = [bodyToken, fromQuery === bodyToken ? "query" : "body"];
  }
  const undecodable = decodeJsonFields(parsed.args);
  return { ...parsed, token, tokenSource, undecodable };
}

type BodyParse = Pick<ParsedApiRequest, "args" | "contentType" | "bodyError">;

function parseJsonBody(body: Buffer): BodyParse {
  try {
    const value: unknown = JSON.parse(body.toString("utf8"));
    if (typeof value === "object" && value !== null && !Array.isArray(value)) {
      return { args: value as JsonObject, contentType: "json", bodyError: undefined };
    }
  } catch {
    // falls through to the error below
  }
  return { args: {}, contentType: "json", bodyError: "invalid_json" };
}

function parseFormBody(body: Buffer, type: string): BodyParse {
  if (body.length === 0) return { args: {}, contentType: "none", bodyError: undefined };
  if (type !== "application/x-www-form-urlencoded" && type !== "") {
    return { args: {}, contentType: "form", bodyError: "invalid_form_data" };
  }
  const args: JsonObject = {};
  for (const [key, value] of new URLSearchParams(body.toString("utf8")))
    if (!(key in args)) args[key] = value;
  return { args, contentType: "form", bodyError: undefined };
}

function decodeJsonFields(args: JsonObject): string[] {
  const undecodable: string[] = [];
  for (const field of JSON_FIELDS) {
    const value = args[field];
    if (typeof value !== "string") continue;
    try {
      args[field] = JSON.parse(value) as Json;
    } catch {
      undecodable.push(field);
    }
  }
  return undecodable;
}
