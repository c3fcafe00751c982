/**
 * The YAML shape of `contracts/<env>.yml` (SPEC §4), strict: an unknown key is an error, never
 * ignored, because a misspelt `evidenc:` would otherwise silently drop every requirement.
 */
import { z } from "zod";
import { EVIDENCE_KINDS, EVIDENCE_STATUSES } from "../../domain/evidence.js";
import {
  bool,
  channelId,
  cronExpression,
  duration,
  environmentName,
  envVarName,
  expected,
  isUserId,
  nonNegativeInt,
  positiveInt,
  principals,
  text,
  timezone,
  webhookUrl,
} from "./contract-fields.js";
import { freezeWindow } from "./freeze-fields.js";

const mapping = { error: expected("a mapping of keys") };
const list = (what: string) => ({ error: expected(`a list of ${what}`) });
const counts = z.record(z.string(), nonNegativeInt, mapping);

const evidenceRequirement = z.strictObject(
  {
    kind: z.enum(EVIDENCE_KINDS),
    name: text.optional(),
    environment: environmentName.optional(),
    max_age: duration.optional(),
    min_total: nonNegativeInt.optional(),
    max: counts.optional(),
  },
  mapping,
);

const drift = z.strictObject(
  {
    compare_to: environmentName,
    allow: counts.default({}),
    ignore: z.array(text, list("key globs")).default([]),
    normalize: z
      .record(
        z.string().min(1, { error: "an empty key would replace nothing; remove it" }),
        z.string({ error: expected("text") }),
        mapping,
      )
      .default({}),
    max_snapshot_age: duration.optional(),
    digest: z.strictObject({ schedule: cronExpression, channel: channelId }, mapping).optional(),
  },
  mapping,
);

const approvals = z
  .strictObject(
    {
      required: positiveInt,
      approvers: principals,
      self_approval: bool.default(false),
      expire_after: duration.optional(),
    },
    mapping,
  )
  .superRefine((value, ctx) => {
    // With user groups the head-count is only known at approval time; with users alone it is not.
    if (!value.approvers.every(isUserId) || value.required <= value.approvers.length) return;
    ctx.addIssue({
      code: "custom",
      path: ["required"],
      message: `${value.required} approvals required but only ${value.approvers.length} approver(s) listed`,
    });
  });

const rollback = z.strictObject(
  {
    when: z
      .array(
        z.strictObject(
          {
            kind: z.enum(EVIDENCE_KINDS),
            name: text.optional(),
            status: z.enum(EVIDENCE_STATUSES).optional(),
          },
          mapping,
        ),
        list("conditions"),
      )
      .min(1, { error: "must list at least one condition" }),
    within: duration,
    action: z.enum(["propose", "auto"]).default("propose"),
    lock: bool.default(false),
  },
  mapping,
);

const deploy = z.strictObject(
  { webhook: z.strictObject({ url: webhookUrl, secret_env: envVarName }, mapping) },
  mapping,
);

export const contractSchema = z.strictObject(
  {
    description: text.optional(),
    after: environmentName.optional(),
    channel: channelId.optional(),
    timezone: timezone.default("UTC"),
    artifact: z
      .strictObject(
        { same_as: environmentName.optional(), soak: duration.optional(), max_age: duration.optional() },
        mapping,
      )
      .default({}),
    evidence: z.array(evidenceRequirement, list("evidence requirements")).default([]),
    drift: drift.optional(),
    approvals: approvals.optional(),
    requesters: principals.optional(),
    freeze: z.array(freezeWindow, list("freeze windows")).default([]),
    rollback: rollback.optional(),
    deploy: deploy.optional(),
  },
  mapping,
);

export type ContractDocument = z.output<typeof contractSchema>;
