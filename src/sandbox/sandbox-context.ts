/** What the sandbox's routes share: the app, the emulator, the secrets and how to reach ourselves. */
import type { AddressInfo } from "node:net";
import type { AppContext } from "../app.js";
import type { SandboxSecrets } from "./sandbox-secrets.js";
import { type SlackEmulator, SlackRequestSigner } from "./slack-emulator/index.js";

export interface SandboxContext {
  app: AppContext;
  emulator: SlackEmulator;
  secrets: SandboxSecrets;
  deployDelayMs: number;
  /** Our own listener as seen from this process, e.g. "http://127.0.0.1:3000". */
  selfUrl(): string;
  /** Sends users' clicks and commands to our /slack/events, signed as Slack signs them. */
  signer(): SlackRequestSigner;
}

export function createSandboxContext(input: Omit<SandboxContext, "selfUrl" | "signer">): SandboxContext {
  let signer: SlackRequestSigner | undefined;
  const selfUrl = () => {
    const address = input.app.http.server.address() as AddressInfo | null;
    if (address === null) throw new Error("the sandbox needs the HTTP listener to be up");
    const host = loopbackFor(input.app.config.host);
    return `http://${host}:${address.port}`;
  };
  return {
    ...input,
    selfUrl,
    signer() {
      signer ??= new SlackRequestSigner({
        url: `${selfUrl()}/slack/events`,
        signingSecret: input.secrets.signingSecret,
        emulator: input.emulator,
      });
      return signer;
    },
  };
}

/** A wildcard listener is reached on loopback; a specific address is reached on itself. */
function loopbackFor(host: string): string {
  if (host === "0.0.0.0" || host === "" || host === "localhost") return "127.0.0.1";
  if (host === "::") return "[::1]";
  return host.includes(":") ? `[${host}]` : host;
}
