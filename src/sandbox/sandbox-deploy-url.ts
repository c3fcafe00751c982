/**
 * The example prod contract hands approved promotions to `http://localhost:3000/sandbox/deployer/prod`
 * (SPEC §9: `npm start` on a fresh machine). When the sandbox listens elsewhere (PORT=8080, PORT=0
 * in tests) that address is wrong, so — in sandbox mode only — a deploy hook aimed at the
 * sandbox's own deployer on loopback is sent to the address this process actually listens on.
 * Every other URL (a real CD system, another host) is left exactly as the contract says.
 */

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);
const DEPLOYER_PATH = "/sandbox/deployer/";

/** `url` re-pointed at `self` (e.g. "http://127.0.0.1:43117") when it names the sandbox deployer on loopback. */
export function sandboxDeployUrl(url: string, self: string | undefined): string {
  if (self === undefined) return url;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url;
  }
  const local = parsed.protocol === "http:" && LOOPBACK_HOSTS.has(parsed.hostname);
  if (!local || !parsed.pathname.startsWith(DEPLOYER_PATH)) return url;
  return `${self}${parsed.pathname}${parsed.search}`;
}
