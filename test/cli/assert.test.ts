import { createServer, type RequestListener, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runAssert } from "../../src/cli/assert.js";
import type { CliIo } from "../../src/cli/io.js";
import { NOW, READY, seedReadiness, TWIN_A, TWIN_B } from "../helpers/readiness-seed.js";
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

  it("exits 1 for an artifact not registered (yet): waiting may change the answer", async () => {
    const { code, stderr } = await assertCli(["checkout-api@9.9.9", "--to", "prod"]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^tollgate: artifact_not_found: /);
  });

  it("exits 78 (EX_CONFIG) with a hint on a bad token, and --token overrides the environment", async () => {
    const bad = await assertCli(["checkout-api", "--to", "prod"], { TOLLGATE_API_TOKEN: "nope" });
    expect(bad.code).toBe(78);
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

  it("exits 64 (EX_USAGE) on a usage error: a missing --to, a bad --url", async () => {
    const { code, stderr } = await assertCli(["checkout-api"]);
    expect(code).toBe(64);
    expect(stderr).toContain("--to");
    const url = await assertCli(["checkout-api", "--to", "prod", "--url", "nope"]);
    expect(url.code).toBe(64);
    expect(url.stderr).toContain('--url: "nope" is not a URL');
  });

  it("exits 64 (EX_USAGE) for an environment with no contract, naming the likely one", async () => {
    const { code, stdout, stderr } = await assertCli(["checkout-api", "--to", "production"]);
    expect(code).toBe(64);
    expect(stdout).toBe("");
    expect(stderr).toContain(
      'tollgate: environment_not_found: no contract for environment "production"; did you mean "prod"?',
    );
  });

  it("exits 64 (EX_USAGE) for a reference no wait will fix: malformed, ambiguous, a bad environment name", async () => {
    const malformed = await assertCli(["sha256:abc", "--to", "prod"]);
    expect(malformed.code).toBe(64);
    expect(malformed.stderr).toMatch(/^tollgate: invalid_reference: /);
    const ambiguous = await assertCli([`billing@${TWIN_A.digest.slice(0, 19)}`, "--to", "dev"]);
    expect(ambiguous.code).toBe(64);
    expect(ambiguous.stderr).toMatch(/^tollgate: artifact_ambiguous: /);
    expect(ambiguous.stderr).toContain(TWIN_B.digest);
    const badName = await assertCli(["checkout-api", "--to", "Prod!"]);
    expect(badName.code).toBe(64);
    expect(badName.stderr).toContain("--to: is not an environment name");
  });

  it("documents its exit codes in --help", async () => {
    const { code, stdout } = await assertCli(["--help"]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/Exit codes:\n {2}0 {3}ready\n {2}1 {3}not ready/);
    expect(stdout).toContain("64  usage (beyond SPEC's 0/1/2)");
    expect(stdout).toContain("78  configuration (beyond SPEC's 0/1/2): the read API is off");
  });
});

describe("tollgate assert against a Tollgate with the read API off", () => {
  it("exits 78 (EX_CONFIG): no wait turns the read API on", async () => {
    const off = await startReadinessServer({ tokens: [], clock: { now: () => NOW } });
    try {
      const { code, stdout, stderr } = await assertCli([
        "checkout-api",
        "--to",
        "prod",
        "--url",
        off.baseUrl,
      ]);
      expect(code).toBe(78);
      expect(stdout).toBe("");
      expect(stderr).toContain("tollgate: not_found: the read API is off: set TOLLGATE_API_TOKENS");
      expect(stderr).toContain("hint: start Tollgate with TOLLGATE_API_TOKENS set");
    } finally {
      await off.close();
    }
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
