import { afterEach, describe, expect, it } from "vitest";
import { CodedError } from "../../../src/errors.js";
import { type PromotionHarness, startPromotionHarness, USERS } from "../../helpers/promotion-harness.js";

describe("/promote replies when a handler fails", () => {
  let h: PromotionHarness;
  afterEach(async () => h?.close());

  it("answers an uncoded error with a generic line, never its message", async () => {
    // What better-sqlite3 throws: a `code`, and a message naming SQL and the database file.
    const leak = Object.assign(
      new Error("SQLITE_IOERR: disk I/O error in SELECT * FROM promotions at /var/lib/tollgate/tollgate.db"),
      { code: "SQLITE_IOERR" },
    );
    h = await startPromotionHarness({
      commands: {
        drift: async () => {
          throw leak;
        },
      },
    });
    const reply = await h.promote(USERS.requester, "drift prod");
    expect(reply).toContain("Something went wrong; nothing was changed");
    expect(reply).not.toContain("SQLITE");
    expect(reply).not.toContain("/var/lib/tollgate");
  });

  it("answers a coded error with its message and code", async () => {
    h = await startPromotionHarness({
      commands: {
        drift: async () => {
          throw new CodedError(
            "environment_not_found",
            "No contract for environment `qa` (known: staging, prod)",
          );
        },
      },
    });
    const reply = await h.promote(USERS.requester, "drift qa");
    expect(reply).toContain(
      "No contract for environment `qa` (known: staging, prod) (environment_not_found)",
    );
  });
});
