/**
 * `null` for an optional field means "not given". JSON built with jq from unset variables writes
 * null, and so does Tollgate's own read API for fields it has no value for; refusing them made a
 * round trip fail. Only optional fields, and only on the schema path (the fast path never sees a
 * null: it hands such bodies to zod): a required field sent as null is still refused, and
 * `details` and a snapshot's `config` keep their nulls, which are the sender's data.
 */
const EVIDENCE = ["environment", "summary", "url", "observed_at", "details"];
const ARTIFACT = ["name", "digest", "version", "commit", "repository", "url"];
const DEPLOYMENT = ["deployed_at", "url"];
const SNAPSHOT = ["taken_at", "source"];

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function withoutNulls(value: unknown, keys: readonly string[]): unknown {
  if (!isObject(value)) return value;
  let copy: Json | undefined;
  for (const key of keys) {
    if (value[key] !== null || !Object.hasOwn(value, key)) continue;
    copy ??= { ...value };
    delete copy[key];
  }
  return copy ?? value;
}

function withArtifact(value: unknown, keys: readonly string[]): unknown {
  const outer = withoutNulls(value, keys);
  if (!isObject(outer) || !isObject(outer.artifact)) return outer;
  const artifact = withoutNulls(outer.artifact, ARTIFACT);
  return artifact === outer.artifact ? outer : { ...outer, artifact };
}

export function evidenceWithoutNulls(value: unknown): unknown {
  if (isObject(value) && Array.isArray(value.items)) {
    return { ...value, items: value.items.map((item) => withArtifact(item, EVIDENCE)) };
  }
  return withArtifact(value, EVIDENCE);
}

export const deploymentWithoutNulls = (value: unknown): unknown => withArtifact(value, DEPLOYMENT);
export const snapshotWithoutNulls = (value: unknown): unknown => withoutNulls(value, SNAPSHOT);
