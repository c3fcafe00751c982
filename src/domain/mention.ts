/**
 * How Tollgate writes people and free text into the Slack messages its flows compose. Slack reads
 * `<…>` as mentions and links, so text a person typed (a reason, a lock note) is escaped: a
 * `because <!channel>` must not ping a channel from the bot's own account.
 */

/** Every user or user-group mention `mention` writes, as they appear in a text. */
export const MENTIONS = /<@[UW][A-Z0-9]+>|<!subteam\^S[A-Z0-9]+>/g;

/** The id Tollgate acts under (automatic rollback, expiry, hand-off) in locks and the ledger. */
export const TOLLGATE_ACTOR = "tollgate";

/** Who did something, as people read it: a person as a mention, Tollgate itself by name. */
export function who(id: string): string {
  return id === TOLLGATE_ACTOR ? "Tollgate" : mention(id);
}

/** A user (`U…`/`W…`) or user group (`S…`) as Slack shows it: a mention, not a raw id. */
export function mention(id: string): string {
  if (/^S[A-Z0-9]+$/.test(id)) return `<!subteam^${id}>`;
  if (/^[UW][A-Z0-9]+$/.test(id)) return `<@${id}>`;
  return id;
}

/**
 * A mrkdwn link to a URL that came in a payload. Intake checks only that it parses as http(s), and
 * a URL may hold `|` or `>`: `https://x.io/a|Approved> <!channel>` would end the link early, forge
 * its label and ping the channel. Those are percent-encoded, and `&` escaped as mrkdwn asks.
 */
export function link(url: string, label: string): string {
  const inert = url.replace(/&/g, "&amp;").replace(/</g, "%3C").replace(/>/g, "%3E").replace(/\|/g, "%7C");
  return `<${inert}|${label}>`;
}

/** Text a person typed, made inert: `&`, `<` and `>` escaped as Slack's mrkdwn asks. */
export function typed(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
