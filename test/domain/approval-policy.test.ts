import { describe, expect, it } from "vitest";
import {
  type Actor,
  type ApprovalRecord,
  countingApprovers,
  groupsIn,
  mayApprove,
  mayLock,
  mayLockAll,
  mayReject,
  mayRequest,
  rejectionOf,
} from "../../src/domain/approval-policy.js";
import type { Contract } from "../../src/domain/contract.js";
import { TOLLGATE_ACTOR } from "../../src/domain/mention.js";
import { aContract, DIGEST, NOW, REVISION } from "../helpers/readiness-facts.js";

const actor = (userId: string, groups: string[] = []): Actor => ({ userId, groups: new Set(groups) });

const prod: Contract = aContract({
  approvals: { required: 2, approvers: ["S0RELEASE", "U0ALICE", "W0ENTBOB"], selfApproval: false },
  requesters: ["S0ENGINEERS", "W0ENTCAROL"],
});

const approve = (userId: string, overrides: Partial<ApprovalRecord> = {}): ApprovalRecord => ({
  userId,
  decision: "approve",
  digest: DIGEST,
  contractRevision: REVISION,
  at: NOW,
  ...overrides,
});

describe("approval policy", () => {
  it("lets anyone request when requesters is omitted", () => {
    expect(mayRequest(aContract(), actor("U0ANYONE")).allowed).toBe(true);
  });

  it("allows requesters by user id (U… and Enterprise W…) and by group", () => {
    expect(mayRequest(prod, actor("W0ENTCAROL")).allowed).toBe(true);
    expect(mayRequest(prod, actor("U0DAVE", ["S0ENGINEERS"])).allowed).toBe(true);
    const refused = mayRequest(prod, actor("U0DAVE", ["S0OTHER"]));
    expect(refused).toMatchObject({ allowed: false, code: "requester_not_allowed" });
  });

  it("names the groups that need resolving", () => {
    expect(groupsIn(prod.approvals?.approvers)).toEqual(["S0RELEASE"]);
    expect(groupsIn(undefined)).toEqual([]);
  });

  it("allows approvers by user id, Enterprise W… id and group", () => {
    expect(mayApprove(prod, actor("U0ALICE"), "U0REQ").allowed).toBe(true);
    expect(mayApprove(prod, actor("W0ENTBOB"), "U0REQ").allowed).toBe(true);
    expect(mayApprove(prod, actor("U0ERIN", ["S0RELEASE"]), "U0REQ").allowed).toBe(true);
    expect(mayApprove(prod, actor("U0ERIN"), "U0REQ")).toMatchObject({ code: "approver_not_allowed" });
  });

  it("does not let a W… id match its U… look-alike", () => {
    expect(mayApprove(prod, actor("U0ENTBOB"), "U0REQ").allowed).toBe(false);
  });

  it("refuses self-approval unless the contract allows it", () => {
    expect(mayApprove(prod, actor("U0ALICE"), "U0ALICE")).toMatchObject({
      code: "self_approval_not_allowed",
    });
    const relaxed = aContract({ approvals: { required: 1, approvers: ["U0ALICE"], selfApproval: true } });
    expect(mayApprove(relaxed, actor("U0ALICE"), "U0ALICE").allowed).toBe(true);
  });

  it("lets only approvers reject and lock", () => {
    expect(mayReject(prod, actor("U0ALICE")).allowed).toBe(true);
    expect(mayReject(prod, actor("U0DAVE", ["S0ENGINEERS"])).allowed).toBe(false);
    expect(mayLock(prod, actor("U0DAVE", ["S0ENGINEERS"]))).toMatchObject({ code: "lock_not_allowed" });
    expect(mayLock(prod, actor("U0ERIN", ["S0RELEASE"])).allowed).toBe(true);
  });

  it("counts distinct approvers bound to digest and revision, never the requester", () => {
    const records = [
      approve("U0ALICE"),
      approve("U0ALICE"),
      approve("U0REQ"),
      approve("W0ENTBOB", { contractRevision: "sha256:old" }),
      approve("U0ERIN", { digest: "sha256:other" }),
      approve("U0FRANK", { decision: "reject" }),
    ];
    const counted = countingApprovers(prod, { digest: DIGEST, requestedBy: "U0REQ" }, records, () => true);
    expect(counted).toEqual(["U0ALICE"]);
  });

  it("drops approvers who are no longer approvers at the time of counting", () => {
    const records = [approve("U0ALICE"), approve("U0ERIN")];
    const counted = countingApprovers(
      prod,
      { digest: DIGEST, requestedBy: "U0REQ" },
      records,
      (u) => u !== "U0ERIN",
    );
    expect(counted).toEqual(["U0ALICE"]);
  });

  it("finds the one rejection that ends a request", () => {
    expect(rejectionOf([approve("U0ALICE"), approve("W0ENTBOB", { decision: "reject" })])?.userId).toBe(
      "W0ENTBOB",
    );
    expect(rejectionOf([approve("U0ALICE")])).toBeUndefined();
  });

  describe("locks", () => {
    const openStaging = aContract({ environment: "staging" });
    const guardedQa = aContract({ environment: "qa", requesters: ["U0REQ", "S0QA"] });
    const byTollgate = (actorIsOne: boolean, anywhere = true) => ({
      lockedBy: TOLLGATE_ACTOR,
      approvers: { anywhere, actorIsOne },
    });

    it("lets only approvers lock an environment that names approvers, whoever set the lock", () => {
      expect(mayLock(prod, actor("U0ALICE"), byTollgate(true)).allowed).toBe(true);
      expect(mayLock(prod, actor("W0ENTCAROL"))).toMatchObject({ code: "lock_not_allowed" });
      expect(mayLock(prod, actor("W0ENTCAROL"), { lockedBy: "U0ALICE" })).toMatchObject({
        code: "lock_not_allowed",
      });
    });

    it("lets requesters (or anyone, when omitted) lock an environment without approvers", () => {
      expect(mayLock(guardedQa, actor("U0REQ")).allowed).toBe(true);
      expect(mayLock(guardedQa, actor("U0DAVE", ["S0QA"]), { lockedBy: "U0REQ" }).allowed).toBe(true);
      expect(mayLock(guardedQa, actor("U0MALLORY"))).toMatchObject({ code: "lock_not_allowed" });
      expect(mayLock(openStaging, actor("U0ANYONE")).allowed).toBe(true);
    });

    it("keeps an approver's lock for approvers (and its setter) even where the environment names none", () => {
      const byAlice = (actorIsOne: boolean) => ({
        lockedBy: "U0ALICE",
        lockedByApprover: true,
        approvers: { anywhere: true, actorIsOne },
      });
      expect(mayLock(openStaging, actor("U0ANYONE"), byAlice(false))).toMatchObject({
        code: "lock_not_allowed",
        reason: expect.stringContaining("<@U0ALICE> (an approver) locked staging"),
      });
      expect(mayLock(openStaging, actor("W0ENTBOB"), byAlice(true)).allowed).toBe(true);
      expect(
        mayLock(openStaging, actor("U0ALICE"), { lockedBy: "U0ALICE", lockedByApprover: true }).allowed,
      ).toBe(true);
      // A lock set by someone without that authority stays anyone's to lift there.
      expect(
        mayLock(openStaging, actor("U0ANYONE"), { lockedBy: "U0REQ", lockedByApprover: false }).allowed,
      ).toBe(true);
    });

    it("keeps Tollgate's rollback lock for approvers even where the environment names none", () => {
      expect(mayLock(openStaging, actor("U0ANYONE"), byTollgate(false))).toMatchObject({
        code: "lock_not_allowed",
        reason: expect.stringContaining("after a rollback"),
      });
      expect(mayLock(guardedQa, actor("U0REQ"), byTollgate(false))).toMatchObject({
        code: "lock_not_allowed",
      });
      expect(mayLock(openStaging, actor("U0ALICE"), byTollgate(true)).allowed).toBe(true);
      // With no approvers anywhere, requesters lift it (otherwise nobody could).
      expect(mayLock(guardedQa, actor("U0REQ"), byTollgate(false, false)).allowed).toBe(true);
      expect(mayLock(guardedQa, actor("U0MALLORY"), byTollgate(false, false)).allowed).toBe(false);
    });

    it("lets an approver of at least one environment lock or unlock all", () => {
      const line = (a: Actor) => [prod, openStaging, guardedQa].map((contract) => ({ contract, actor: a }));
      expect(mayLockAll(line(actor("U0ALICE"))).allowed).toBe(true);
      expect(mayLockAll(line(actor("U0ERIN", ["S0RELEASE"]))).allowed).toBe(true);
      expect(mayLockAll(line(actor("U0REQ")))).toMatchObject({
        code: "lock_not_allowed",
        reason: "only an approver of at least one environment may lock or unlock all",
      });
      expect(mayLockAll(line(actor("U0ANYONE"))).allowed).toBe(false);
      // No approvers anywhere: someone who may lock every environment.
      const open = (a: Actor) => [openStaging, guardedQa].map((contract) => ({ contract, actor: a }));
      expect(mayLockAll(open(actor("U0REQ"))).allowed).toBe(true);
      expect(mayLockAll(open(actor("U0MALLORY")))).toMatchObject({ code: "lock_not_allowed" });
    });
  });
});
