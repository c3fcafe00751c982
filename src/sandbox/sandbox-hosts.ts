/**
 * DNS rebinding: a page on attacker.example can make its own name resolve to 127.0.0.1 and then
 * talk to the sandbox as same-origin, so the Origin check in sandbox-http.ts lets it through. What
 * it cannot change is the Host header its requests carry, which names the attacker's domain. The
 * sandbox acts as any user with no Slack signature, so it answers only Hosts that cannot be
 * rebound: loopback names, IP literals (someone who set HOST to a LAN address reaches it by IP),
 * and the name HOST was set to. The public API keeps answering any Host: it is signed with secrets
 * such a page cannot read once the page and /sandbox/* refuse it.
 */
import { isIP } from "node:net";

const LOOPBACK_NAMES = new Set(["localhost"]);
const WILDCARDS = new Set(["", "0.0.0.0", "::"]);

export function sandboxHostPolicy(configuredHost: string): (host: string | undefined) => boolean {
  const configured = WILDCARDS.has(configuredHost) ? undefined : hostnameOf(configuredHost);
  return (host) => {
    const name = host === undefined ? undefined : hostnameOf(host);
    if (name === undefined) return false;
    return (
      LOOPBACK_NAMES.has(name) ||
      name.endsWith(".localhost") ||
      isIP(name.replace(/^\[|\]$/g, "")) !== 0 ||
      name === configured
    );
  };
}

/** The page (mounted at "/") and everything under /sandbox: what acts or shows secrets unsigned. */
export function isSandboxSurface(route: string): boolean {
  return route === "/" || route === "/sandbox" || route.startsWith("/sandbox/");
}

/** The lower-case hostname of a Host header value or HOST setting, without port or brackets. */
function hostnameOf(value: string): string | undefined {
  const bare = isIP(value) === 6 ? `[${value}]` : value;
  if (!URL.canParse(`http://${bare}`)) return undefined;
  const url = new URL(`http://${bare}`);
  // A Host header is a host and an optional port, nothing else.
  if (url.username || url.password || url.pathname !== "/" || url.search || url.hash) return undefined;
  return url.hostname.toLowerCase();
}
