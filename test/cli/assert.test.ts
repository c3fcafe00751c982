import { createServer, type RequestListener, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runAssert } from "../../src/cli/assert.js";
import type { CliIo } from "../../src/cli/io.js";
import { NOW, READY, seedReadiness } from "../helpers/readiness-seed.js";
import { type ReadinessServer, startReadinessServer } from "../helpers/readiness-server.js";

const TOKEN = "assert-token-0123456789";
let server: ReadinessServer;

async function assertCli(argv: string[], env: Record<string, string | undefined> = {}) {
  let stdout = "";
  let stderr = "";
  const io: CliIo = {
    env: { TOLLGATE_URL: server.baseUrl, TOLLGATE_API_TOKEN: TOKEN, ...env },
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    cwd: process.cwd(),
  };
  const code = await runAssert(argv, io);
  return { code, stdout, stderr };
}

beforeAll(async () => {
  server = await startReadinessServer({ tokens: [TOKEN], clock: { now: () => NOW } });
  seedReadiness(server.stores);
});
afterAll(async () => {
  await server.close();
});

describe("tollgate assert", () => {
  it("exits 0 when ready and prints every check", async () => {
    const { code, stdout } = await assertCli(["checkout-api@1.4.2", "--to", "prod"]);
    expect(code).toBe(0);
    expect(stdout.split("\n")).toEqual([
      `checkout-api@${READY.digest} (1.4.2) → prod: READY`,
      "  ✅ artifact:same_as  sha256:4f2a…c91 is running in staging",
      "  ✅ artifact:soak     soaked 3h in staging",
      "  ✅ evidence:unit     `unit` passed on commit 9fceb02",
      "  ✅ evidence:e2e      `e2e` passed on sha256:4f2a…c91",
      "  ✅ lock              prod is not locked",
      expect.stringMatching(/^contract sha256:[0-9a-f]{64}$/),
      "",
    ]);
  });

  it("exits 1 when blocked, showing what blocks", async () => {
    const { code, stdout } = await assertCli(["checkout-api@1.4.3", "--to", "prod"]);
    expect(code).toBe(1);
    expect(stdout).toContain("→ prod: BLOCKED");
    expect(stdout).toContain("❌ evidence:unit");
    expect(stdout).toContain("`unit` failed on sha256:9e01…d00 (run 8812)");
    expect(stdout).toContain("⏳ artifact:same_as");
  });

  it("exits 1 when the API refuses: unknown artifact", async () => {
    const { code, stderr } = await assertCli(["checkout-api@9.9.9", "--to", "prod"]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^tollgate: artifact_not_found: /);
  });

  it("exits 1 with a hint on a bad token, and --token overrides the environment", async () => {
    const bad = await assertCli(["checkout-api", "--to", "prod"], { TOLLGATE_API_TOKEN: "nope" });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("tollgate: unauthorized");
    expect(bad.stderr).toContain("hint: set TOLLGATE_API_TOKEN");
    const flagged = await assertCli(["checkout-api", "--to", "prod", "--token", TOKEN], {
      TOLLGATE_API_TOKEN: "nope",
    });
    expect(flagged.code).toBe(0);
  });

  it("--json prints the API's answer", async () => {
    const { code, stdout } = await assertCli(["checkout-api", "--to", "prod", "--json"]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ environment: "prod", verdict: "ready" });
  });

  it("exits 1 on a usage error", async () => {
    const { code, stderr } = await assertCli(["checkout-api"]);
    expect(code).toBe(1);
    expect(stderr).toContain("--to");
  });
});

/** `tollgate assert checkout-api --to prod --url <url> …`. */
const assertAt = (url: string, ...extra: string[]) =>
  assertCli(["checkout-api", "--to", "prod", "--url", url, ...extra]);

/** A loopback server answering with `handler` while `use` runs, then closed. */
async function withServer(handler: RequestListener, use: (url: string) => Promise<void>): Promise<void> {
  const server: Server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  try {
    await use(`http://127.0.0.1:${port}`);
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

describe("tollgate assert when Tollgate is unreachable", () => {
  it("exits 2 when nothing listens (--url overrides TOLLGATE_URL)", async () => {
    let freed = "";
    await withServer(
      () => undefined,
      async (url) => {
        freed = url;
      },
    );
    const { code, stderr } = await assertAt(freed);
    expect(code).toBe(2);
    expect(stderr).toMatch(/unreachable: .*ECONNREFUSED/);
  });

  it("exits 2 on a timeout", async () => {
    await withServer(
      () => undefined,
      async (url) => {
        const { code, stderr } = await assertAt(url, "--timeout-ms", "200");
        expect(code).toBe(2);
        expect(stderr).toContain("timed out after 200 ms");
      },
    );
  });

  it("exits 2 when a 200 is not a Tollgate readiness answer: a gate never passes on what it cannot read", async () => {
    const impostor: RequestListener = (_req, res) => {
      res.writeHead(200, { "content-type": "application/json" }).end('{"verdict":"ready"}');
    };
    await withServer(impostor, async (url) => {
      const { code, stdout, stderr } = await assertAt(url);
      expect(code).toBe(2);
      expect(stdout).toBe("");
      expect(stderr).toContain("answered 200, but not with a Tollgate readiness answer");
    });
  });

  it("exits 2 when the server fails (5xx)", async () => {
    const broken = await startReadinessServer({ tokens: [TOKEN], clock: { now: () => NOW } });
    seedReadiness(broken.stores);
    broken.db.db.close();
    try {
      const { code, stderr } = await assertCli(["checkout-api", "--to", "prod", "--url", broken.baseUrl]);
      expect(code).toBe(2);
      expect(stderr).toContain("answered 500");
    } finally {
      await broken.close();
    }
  });
});
