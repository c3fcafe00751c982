/**
 * `registry_package` / `package` `published` → an artifact (SPEC §2, §3.4).
 *
 * GitHub's own samples are contradictory, so the rules are explicit (../shared/fixtures/SUMMARY.md,
 * §1 GitHub webhooks, and the samples in ../shared/fixtures/github-webhooks/):
 * - the kind comes from `registry.type` before `package_type` (the container sample says
 *   `package_type: "npm"`, `ecosystem: "docker"`, `registry.type: "CONTAINER"`);
 * - a container's digest is the first *valid* `sha256:` + 64 hex among the tag's digest, the
 *   manifest's digest and the version's name/version (the sample's tag and manifest digests carry
 *   a 40-hex git SHA, which is refused, not padded);
 * - other packages are identified by their single file's sha256 (npm: the .tgz), never by
 *   `package_version.name`, which the npm sample fills with a container digest;
 * - the commit is the OCI revision label (containers) or `target_oid` (others), when it is a SHA;
 *   `target_commitish` is a branch name.
 */
import type { KnownArtifactClaim } from "../../flows/intake-ports.js";
import {
  artifactName,
  commitAt,
  digestAt,
  type GithubMapping,
  get,
  httpUrl,
  ignored,
  text,
  versionAt,
} from "./github-fields.js";

const CONTAINER_TYPES = new Set(["container", "docker"]);
const REVISION_LABEL = "org.opencontainers.image.revision";
const VERSION_LABEL = "org.opencontainers.image.version";
const SHA256_HEX = /^[0-9a-f]{64}$/i;

export function mapPackage(event: "registry_package" | "package", payload: object): GithubMapping {
  const action = text(payload, "action");
  if (action !== "published")
    return ignored(`${event} ${action ?? "without an action"}: only publications register artifacts`);
  const pkg = get(payload, event);
  const rawName = text(pkg, "name");
  const name = artifactName(rawName);
  if (name === undefined) return ignored(`package name "${rawName ?? ""}" is not a Tollgate artifact name`);
  const type = (text(pkg, "registry.type") ?? text(pkg, "package_type") ?? "").toLowerCase();
  const version = get(pkg, "package_version");
  const found = CONTAINER_TYPES.has(type) ? containerIdentity(version) : packageIdentity(version);
  if (typeof found === "string") return ignored(found);
  const artifact: KnownArtifactClaim = {
    name,
    ...found,
    repository: text(payload, "repository.full_name"),
    url: httpUrl(version, "html_url") ?? httpUrl(pkg, "html_url"),
  };
  return { kind: "intake", intake: { kind: "artifact", artifact } };
}

type Identity = Pick<KnownArtifactClaim, "digest" | "version" | "commit">;

function containerIdentity(version: unknown): Identity | string {
  const meta = get(version, "container_metadata");
  const digest =
    digestAt(meta, "tag.digest") ??
    digestAt(meta, "manifest.digest") ??
    digestAt(version, "name") ??
    digestAt(version, "version");
  if (digest === undefined) return "the container package version has no sha256 digest (64 hex)";
  return {
    digest,
    version: versionAt(meta, "tag.name") ?? versionAt(meta, ["labels", "all_labels", VERSION_LABEL]),
    commit: commitAt(meta, ["labels", "all_labels", REVISION_LABEL]) ?? commitAt(meta, "labels.revision"),
  };
}

function packageIdentity(version: unknown): Identity | string {
  const files = get(version, "package_files");
  const sums = (Array.isArray(files) ? files : [])
    .map((file) => text(file, "sha256"))
    .filter((sum): sum is string => sum !== undefined && SHA256_HEX.test(sum));
  const only = sums[0];
  if (only === undefined || sums.length > 1) {
    return `the package version has ${sums.length} files with a sha256; Tollgate needs exactly one to identify it`;
  }
  return {
    digest: `sha256:${only.toLowerCase()}`,
    version: versionAt(version, "version"),
    commit: commitAt(version, "target_oid"),
  };
}
