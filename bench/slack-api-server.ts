/**
 * Slack's Web API for the ingest benchmark: the sandbox's emulator (same limits and error shapes
 * as Slack), seeded with the channels the contracts name, run as its own process. Tollgate is
 * then benchmarked as it runs in production — HTTP mode, cards posted to a Slack that is not in
 * its process — rather than in sandbox mode, whose emulator shares Tollgate's event loop.
 * Usage: slack-api-server.js PORT CONTRACTS_DIR BOT_TOKEN. Prints "listening <port>" when ready.
 */
import { loadContractSet } from "../src/adapters/contracts/index.js";
import { channelsFor, SANDBOX_GROUPS, SANDBOX_PEOPLE } from "../src/sandbox/sandbox-people.js";
import { startSlackEmulator } from "../src/sandbox/slack-emulator/index.js";

const [port, contractsDir, token] = process.argv.slice(2);
if (contractsDir === undefined || token === undefined) throw new Error("usage: PORT CONTRACTS_DIR BOT_TOKEN");
const loaded = loadContractSet(contractsDir);
if (!loaded.ok) throw new Error(`contracts: ${JSON.stringify(loaded.errors)}`);
const emulator = await startSlackEmulator({
  port: Number(port),
  tokens: [token],
  channels: channelsFor(loaded.set),
  users: SANDBOX_PEOPLE.map(({ role: _role, ...user }) => user),
  userGroups: SANDBOX_GROUPS,
});
process.stdout.write(`listening ${new URL(emulator.apiUrl).port}\n`);
process.on("SIGTERM", () => void emulator.close().then(() => process.exit(0)));
