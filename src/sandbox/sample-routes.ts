/**
 * POST /sandbox/api/sample: the page's sample-traffic buttons. Each one goes through Tollgate's
 * real, signed public API (SPEC §3) with the sandbox webhook secret — the same path CI takes —
 * so what the visitor sees is what a pipeline would get.
 */
import { sendJson } from "../adapters/http/respond.js";
import { signedHeaders } from "../adapters/http/v1-signature.js";
import { postDriftDigestsNow } from "./drift-now.js";
import {
  EVIDENCE_SAMPLES,
  evidenceBody,
  newBuild,
  nextSampleVersion,
  RELEASE_CHECKS,
  SAMPLE_SERVICE,
  type SampleArtifact,
  snapshotBody,
} from "./sample-data.js";
import type { SandboxContext } from "./sandbox-context.js";
import { badRequest, optionalString, readJsonObject, stringField } from "./sandbox-http.js";

/** How many of the sample service's newest artifacts are read for its versions. */
const STORED_SCAN = 1000;

export interface ApiAnswer {
  status: number;
  body: unknown;
}

/** Signs with the sandbox webhook secret and posts to our own API. */
export async function postToApi(
  sandbox: SandboxContext,
  path: string,
  body: unknown,
  delivery?: string,
): Promise<ApiAnswer> {
  const raw = JSON.stringify(body);
  const headers = signedHeaders(sandbox.secrets.webhookSecret, raw, Math.floor(Date.now() / 1000));
  if (delivery !== undefined) headers["x-tollgate-delivery"] = delivery;
  const response = await fetch(`${sandbox.selfUrl()}${path}`, { method: "POST", headers, body: raw });
  const text = await response.text();
  return { status: response.status, body: text === "" ? undefined : JSON.parse(text) };
}

export function registerSampleRoutes(sandbox: SandboxContext): void {
  let build: SampleArtifact | undefined;
  let run = 8800;
  const artifacts = sandbox.app.stores.artifacts;
  /**
   * After a restart the newest stored `checkout-api` with a version and a commit is the current
   * build (an artifact sent by hand, e.g. the banner's example, may have neither).
   */
  const stored = (): SampleArtifact | undefined => {
    const newest = artifacts
      .artifactsNamed(SAMPLE_SERVICE, STORED_SCAN)
      .find((a) => a.version !== undefined && a.commit !== undefined);
    if (newest?.version === undefined || newest.commit === undefined) return undefined;
    return { name: newest.name, digest: newest.digest, version: newest.version, commit: newest.commit };
  };
  /**
   * A build with a version no stored `checkout-api` has: from the store, not a counter, so a
   * restart or an artifact reported by hand cannot make two builds share one. The build handed
   * out last counts too: its evidence may still be on its way when the next click comes.
   */
  const nextBuild = (): SampleArtifact => {
    const known = artifacts.artifactsNamed(SAMPLE_SERVICE, STORED_SCAN).map((a) => a.version);
    const taken = (version: string) =>
      artifacts.findArtifacts({ kind: "name_version", name: SAMPLE_SERVICE, version }, 1).length > 0;
    return newBuild(nextSampleVersion([...known, build?.version], taken));
  };
  const current = (): SampleArtifact => {
    build ??= stored() ?? nextBuild();
    return build;
  };

  const actions: Record<string, (body: Record<string, unknown>) => Promise<ApiAnswer>> = {
    async build() {
      build = nextBuild();
      return postToApi(sandbox, "/api/v1/evidence", evidenceBody(build, "unit-pass", ++run));
    },
    async evidence(body) {
      const sample = stringField(body, "sample");
      if (sample === "release") {
        const items = RELEASE_CHECKS.map((key) => evidenceBody(current(), key, ++run));
        return postToApi(sandbox, "/api/v1/evidence", { items });
      }
      if (!Object.hasOwn(EVIDENCE_SAMPLES, sample)) throw badRequest("sample", "is not a known sample");
      const evidence = evidenceBody(current(), sample, ++run);
      const name = optionalString(body, "name");
      return postToApi(sandbox, "/api/v1/evidence", name === undefined ? evidence : { ...evidence, name });
    },
    async deployment(body) {
      const environment = stringField(body, "environment");
      const { name, digest, version } = current();
      const report = {
        environment,
        artifact: { name, digest, version },
        status: "succeeded",
        url: `https://cd.example.com/${environment}/${++run}`,
      };
      return postToApi(sandbox, "/api/v1/deployments", report);
    },
    async snapshots(body) {
      const variant = optionalString(body, "variant") === "drifting" ? "drifting" : "aligned";
      const now = new Date();
      let last: ApiAnswer = { status: 204, body: undefined };
      for (const environment of sandbox.app.contracts.current().order) {
        last = await postToApi(sandbox, "/api/v1/snapshots", snapshotBody(environment, variant, now));
        if (last.status >= 300) return last;
      }
      return last;
    },
    async "drift-digest"() {
      return { status: 200, body: { posted: await postDriftDigestsNow(sandbox) } };
    },
  };

  sandbox.app.http.route("POST", "/sandbox/api/sample", async (req, res) => {
    const body = await readJsonObject(req);
    const action = stringField(body, "action");
    const handler = Object.hasOwn(actions, action) ? actions[action] : undefined;
    if (handler === undefined)
      throw badRequest("action", `must be one of ${Object.keys(actions).join(", ")}`);
    const answer = await handler(body);
    sendJson(res, 200, { api: answer, artifact: build ?? null });
  });
  sandbox.app.http.route("GET", "/sandbox/api/build", (_req, res) =>
    sendJson(res, 200, { artifact: build ?? null }),
  );
}
