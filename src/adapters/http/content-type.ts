/**
 * The one JSON content-type check for request bodies: `application/json`, any case, with an
 * optional charset that must be UTF-8 (RFC 8259 allows no other). Intake, GitHub webhooks and the
 * sandbox API all ask it, so a body one accepts is a body all accept.
 */
export function isJson(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const [type, ...params] = contentType.toLowerCase().split(";");
  if (type?.trim() !== "application/json") return false;
  return params.every((p) => !p.trim().startsWith("charset=") || /^charset="?utf-8"?$/.test(p.trim()));
}
