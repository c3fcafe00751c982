/**
 * Stores evidence (SPEC §3.1): one item or an all-or-nothing batch. Digest-scoped evidence registers
 * or checks its artifact; commit-scoped evidence waits for any artifact built from that commit.
 */
import { CodedError } from "../errors.js";
import { rememberDelivery, repeatOf } from "./delivery-repeat.js";
import type {
  EvidenceInput,
  EvidenceRecorded,
  EvidenceRequest,
  IntakeDeps,
  IntakeOutcome,
  IntakeTx,
  KnownArtifactClaim,
} from "./intake-ports.js";

export const EVIDENCE_ROUTE = "evidence";

export async function recordEvidence(deps: IntakeDeps, request: EvidenceRequest): Promise<IntakeOutcome> {
  const result = await deps.store.recordEvidence(request, deps.clock.now());
  if (result.digests.length > 0) deps.bus.publish({ type: "artifact_changed", digests: result.digests });
  return { id: result.id, duplicate: result.duplicate, stored: result.stored };
}

/**
 * The writes of one evidence request, inside the store's transaction. Plain data in and out:
 * the store may run it on a writer thread of its own (adapters/sqlite/intake-writer.ts).
 */
export function evidenceTransaction(
  tx: IntakeTx,
  request: EvidenceRequest,
  receivedAt: Date,
): EvidenceRecorded {
  const prior = repeatOf(tx, EVIDENCE_ROUTE, request.delivery);
  if (prior !== undefined) return { id: prior, duplicate: true, stored: 0, digests: [] };
  const digests = new Set<string>();
  const ids = request.items.map((item, index) =>
    storeOne(tx, named(tx, item, request.batch ? `items.${index}.` : ""), receivedAt, digests),
  );
  const id = request.batch ? tx.newId("evb") : (ids[0] as string);
  rememberDelivery(tx, EVIDENCE_ROUTE, request.delivery, id, receivedAt);
  return { id, duplicate: false, stored: ids.length, digests: [...digests] };
}

/**
 * The item with its artifact's name: a known digest may be sent without one (SPEC §3.1 asks only
 * for the digest); the first report of a digest must name it, since a name is part of its identity.
 */
function named(tx: IntakeTx, item: EvidenceInput, path: string): EvidenceInput {
  const { digest, name } = item.artifact;
  if (digest === undefined || name !== undefined) return item;
  const known = tx.artifactName(digest);
  if (known !== undefined) return { ...item, artifact: { ...item.artifact, name: known } };
  throw new CodedError("invalid_payload", "the request body does not match the schema", {
    details: [
      {
        path: `${path}artifact.name`,
        message: `is required: ${digest} is not known yet, and its first report names it`,
      },
    ],
  });
}

function storeOne(tx: IntakeTx, item: EvidenceInput, receivedAt: Date, digests: Set<string>): string {
  const { artifact } = item;
  let commit = artifact.commit;
  if (artifact.digest !== undefined) {
    // The schema guarantees a name with every digest; a known digest is checked, not overwritten.
    const known = tx.registerArtifact(artifact as KnownArtifactClaim, receivedAt);
    commit = known.commit ?? commit;
    digests.add(artifact.digest);
  } else if (commit !== undefined) {
    for (const digest of tx.digestsBuiltFrom(commit)) digests.add(digest);
  }
  return tx.insertEvidence({
    digest: artifact.digest,
    commit,
    kind: item.kind,
    name: item.name,
    status: item.status,
    environment: item.environment,
    summaryJson: item.summary === undefined ? "{}" : JSON.stringify(item.summary),
    url: item.url,
    detailsJson: item.detailsJson,
    observedAt: item.observedAt ?? receivedAt,
    receivedAt,
  });
}
