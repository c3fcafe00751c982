/** The start-up message of sandbox mode: where the page is, and how to send evidence right away. */

/**
 * The example's version. NOTE: never `1.4.N`, which the page's sample builds use
 * (sample-data.ts): a second digest labelled like a build makes `/promote checkout-api@1.4.N`
 * ambiguous.
 */
export const EXAMPLE_VERSION = "0.0.1-example";

export function sandboxBanner(
  selfUrl: string,
  configuredPort: number,
  /** Undefined when it is the operator's own (TOLLGATE_WEBHOOK_SECRETS), which is never printed. */
  webhookSecret: string | undefined,
  secretsFile: string,
): string {
  const secretLine =
    webhookSecret === undefined
      ? "  Send evidence yourself, signed with one of your TOLLGATE_WEBHOOK_SECRETS:"
      : `  Send evidence yourself (the secret is kept in ${secretsFile} across restarts):`;
  const secret = webhookSecret ?? "'<one of your TOLLGATE_WEBHOOK_SECRETS>'";
  const port = new URL(selfUrl).port;
  const page = `http://localhost:${port || configuredPort}/`;
  const api = page.replace(/\/$/, "");
  const digest = `sha256:${"ab".repeat(32)}`;
  const body = JSON.stringify({
    artifact: { name: "checkout-api", digest, version: EXAMPLE_VERSION },
    kind: "test",
    name: "unit",
    status: "passed",
  });
  return [
    "",
    "Tollgate is running in SANDBOX mode (no SLACK_BOT_TOKEN): a built-in Slack emulator stands in for Slack.",
    `  Open ${page} to see the channels, act as sample people and send sample evidence.`,
    "",
    secretLine,
    `    export TOLLGATE_URL=${api} TOLLGATE_SECRET=${secret}`,
    `    npx tollgate report --artifact checkout-api --digest ${digest} --version ${EXAMPLE_VERSION} --kind test --name unit --status passed`,
    "  or with curl:",
    `    body='${body}'`,
    "    ts=$(date +%s)",
    `    sig=$(printf 'v1:%s:%s' "$ts" "$body" | openssl dgst -sha256 -hmac "$TOLLGATE_SECRET" -hex | sed 's/^.* //')`,
    `    curl -sS -X POST ${api}/api/v1/evidence -H 'content-type: application/json' \\`,
    `      -H "x-tollgate-timestamp: $ts" -H "x-tollgate-signature: v1=$sig" -d "$body"`,
    "",
    "  To connect a real workspace, set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (see docs/sandbox.md).",
    "",
  ].join("\n");
}
