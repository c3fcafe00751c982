/**
 * One definition of each identity rule (SPEC §2): the contract loader, `/promote`, the intake API
 * and the GitHub mapping agree on what an environment, a digest and a commit are.
 */
import { describe, expect, it } from "vitest";
import { ENVIRONMENT_NAME as CONTRACT_FILE_RULE } from "../../src/adapters/contracts/contract-fields.js";
import { fastEvidence } from "../../src/adapters/http/fast-evidence.js";
import { commitAt, digestAt, environmentName } from "../../src/adapters/http/github-fields.js";
import { ENVIRONMENT_NAME } from "../../src/domain/contract.js";
import { ENVIRONMENT_NAME as PROMOTE_RULE, parsePromoteCommand } from "../../src/domain/promote-command.js";

const HEX = "4f2a9c1d7e3b5a6f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5ec91";

describe("identity rules", () => {
  it("contract files and /promote use the domain's environment rule", () => {
    expect(CONTRACT_FILE_RULE).toBe(ENVIRONMENT_NAME);
    expect(PROMOTE_RULE).toBe(ENVIRONMENT_NAME);
  });

  it.each(["prod", "eu-west-1", "a".repeat(63)])("%s is an environment everywhere", (env) => {
    expect(ENVIRONMENT_NAME.test(env)).toBe(true);
    expect(environmentName(env)).toBe(env);
    expect(parsePromoteCommand(`unlock ${env}`)).toEqual({ type: "unlock", environment: env });
  });

  it.each(["prod.eu", "prod_eu", "-prod", "a".repeat(64)])("%s is an environment nowhere", (env) => {
    expect(ENVIRONMENT_NAME.test(env)).toBe(false);
    expect(environmentName(env)).toBeUndefined();
    expect(parsePromoteCommand(`unlock ${env}`).type).toBe("unknown");
    const evidence = { artifact: { commit: "9fceb02" }, kind: "test", name: "e2e", status: "passed" };
    expect(fastEvidence({ ...evidence, environment: env })).toBeUndefined();
  });

  it("upper-case hex is accepted and normalised wherever a digest or commit comes in", () => {
    const upper = { digest: `SHA256:${HEX.toUpperCase()}`, commit: "9FCEB02" };
    expect(digestAt(upper, "digest")).toBe(`sha256:${HEX}`);
    expect(commitAt(upper, "commit")).toBe("9fceb02");
    const evidence = fastEvidence({
      artifact: { name: "api", ...upper },
      kind: "test",
      name: "e2e",
      status: "passed",
    });
    expect(evidence?.artifact).toEqual({ name: "api", digest: `sha256:${HEX}`, commit: "9fceb02" });
    expect(digestAt({ digest: `sha256:${HEX.slice(1)}` }, "digest")).toBeUndefined();
  });
});
