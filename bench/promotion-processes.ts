/**
 * The promotion bench's world as it runs in production: Tollgate as its own process
 * (`node bin/tollgate.js start`, HTTP mode, default card coalescing), Slack as another
 * (slack-side.ts: the emulator and the people clicking), and the deploy hook (a loopback deployer
 * that verifies signatures) here in the bench process. The workspace, contracts and secrets are
 * the promotion test harness's, so the bench exercises the flows the tests do.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { postSigned } from "../test/helpers/api-client.js";
import {
  CHANNELS,
  COMMIT,
  DEPLOY_SECRET,
  type Deployer,
  digestOf,
  prodContract,
  SIGNING_SECRET,
  STAGING_CONTRACT,
  startDeployer,
  USERS,
  WEBHOOK_SECRET,
} from "../test/helpers/promotion-harness.js";
import { createTempContracts } from "../test/helpers/temp-contracts.js";
import { BENCH_BOT_TOKEN, startProcess, tollgateEnv } from "./bench-processes.js";
import { type SlackSide, startSlackSide } from "./slack-side.js";

export interface PromotionProcesses {
  slack: SlackSide;
  deployer: Deployer;
  /** Registers artifact `n` with passing unit evidence, deployed to staging; answers its digest. */
  readyArtifact(n: number): Promise<string>;
  close(): Promise<void>;
}

export async function startPromotionProcesses(): Promise<PromotionProcesses> {
  const cleanups: (() => unknown)[] = [];
  const close = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  };
  try {
    const deployer = await startDeployer();
    cleanups.push(() => deployer.close());
    const contracts = createTempContracts({
      "staging.yml": STAGING_CONTRACT,
      "prod.yml": prodContract(deployer.url),
    });
    cleanups.push(() => contracts.cleanup());
    const dataDir = mkdtempSync(join(tmpdir(), "tollgate-promo-bench-"));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const slack = await startSlackSide({
      token: BENCH_BOT_TOKEN,
      channels: Object.values(CHANNELS),
      users: Object.values(USERS),
      userGroups: { S0RELEASE: [USERS.erin.id], S0ENGINEERS: [USERS.alice.id, USERS.bob.id, USERS.erin.id] },
    });
    cleanups.push(() => slack.stop());
    const tollgate = await startProcess("tollgate", {
      ...tollgateEnv(join(dataDir, "tollgate.db"), WEBHOOK_SECRET, Number(new URL(slack.apiUrl).port)),
      SLACK_API_URL: slack.apiUrl,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      CONTRACTS_DIR: contracts.dir,
      PROD_DEPLOY_SECRET: DEPLOY_SECRET,
    });
    // Stopped first: a Tollgate draining its outbox still needs Slack and the deployer up.
    cleanups.push(() => tollgate.stop());
    const baseUrl = `http://127.0.0.1:${tollgate.port}`;
    await slack.request({
      kind: "target",
      eventsUrl: `${baseUrl}/slack/events`,
      signingSecret: SIGNING_SECRET,
    });

    const post = async (path: string, body: object) => {
      const { status, text } = await postSigned(baseUrl, path, body, { secret: WEBHOOK_SECRET });
      if (status >= 300) throw new Error(`POST ${path} answered ${status}: ${text}`);
    };
    const readyArtifact = async (n: number) => {
      const artifact = { name: `svc-${n}`, digest: digestOf(n), version: `1.0.${n}`, commit: COMMIT };
      await post("/api/v1/evidence", { artifact, kind: "test", name: "unit", status: "passed" });
      await post("/api/v1/deployments", { environment: "staging", artifact, status: "succeeded" });
      return artifact.digest;
    };
    return { slack, deployer, readyArtifact, close };
  } catch (error) {
    await close();
    throw error;
  }
}
