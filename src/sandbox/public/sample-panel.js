/**
 * Sample traffic: buttons that send evidence, deployments and snapshots through Tollgate's real
 * signed API (the server signs with the sandbox webhook secret), in the order of a walk from dev
 * to prod.
 */
import { postJson } from "./api.js";
import { h } from "./dom.js";

const GROUPS = [
  {
    title: "1 · Build",
    hint: "A new digest of checkout-api with passing unit tests: a card appears in #deploys-dev.",
    buttons: [{ label: "New build", sample: { action: "build" }, style: "primary" }],
  },
  {
    title: "2 · Evidence",
    hint: "Each result updates the cards in place.",
    buttons: [
      { label: "Unit tests ✅", sample: { action: "evidence", sample: "unit-pass" } },
      { label: "Unit tests ❌", sample: { action: "evidence", sample: "unit-fail" } },
      { label: "Trivy clean ✅", sample: { action: "evidence", sample: "trivy-clean" } },
      { label: "Trivy 2 critical ❌", sample: { action: "evidence", sample: "trivy-critical" } },
      { label: "e2e (staging) ✅", sample: { action: "evidence", sample: "e2e-pass" } },
      { label: "e2e (staging) ❌", sample: { action: "evidence", sample: "e2e-fail" } },
      { label: "SBOM ✅", sample: { action: "evidence", sample: "sbom" } },
      { label: "cosign ✅", sample: { action: "evidence", sample: "cosign" } },
      { label: "All release checks ✅", sample: { action: "evidence", sample: "release" }, style: "primary" },
    ],
  },
  {
    title: "3 · Deployments",
    hint: "What your CD reports once a promotion ran. Prod deploys itself through the sandbox deployer.",
    buttons: (environments) =>
      environments
        .filter((env) => env !== "prod")
        .map((env) => ({ label: `Deployed to ${env}`, sample: { action: "deployment", environment: env } })),
  },
  {
    title: "4 · Configuration drift",
    hint: "Snapshots of every environment, then the digest the schedule would post.",
    buttons: [
      { label: "Snapshots within allowance", sample: { action: "snapshots", variant: "aligned" } },
      { label: "Snapshots drifting ❌", sample: { action: "snapshots", variant: "drifting" } },
      { label: "Post drift digest now", sample: { action: "drift-digest" } },
    ],
  },
];

export function mountSamplePanel(root, { showStatus, environments }) {
  const build = h("div", { class: "build", id: "current-build" }, "No build yet");
  const send = async (button, sample) => {
    button.disabled = true;
    try {
      const answer = await postJson("/sandbox/api/sample", sample);
      if (answer.artifact)
        build.textContent = `${answer.artifact.name} ${answer.artifact.version} · ${answer.artifact.digest.slice(0, 19)}…`;
      const api = answer.api ?? {};
      const error = api.status >= 300;
      showStatus(`${sample.action}: HTTP ${api.status}${error ? ` ${JSON.stringify(api.body)}` : ""}`, error);
    } catch (error) {
      showStatus(`${sample.action} failed: ${error.message}`, true);
    } finally {
      button.disabled = false;
    }
  };
  const groups = GROUPS.map((group) => {
    const buttons = typeof group.buttons === "function" ? group.buttons(environments) : group.buttons;
    return h(
      "section",
      { class: "sample-group" },
      h("h3", {}, group.title),
      h("p", { class: "muted" }, group.hint),
      h(
        "div",
        { class: "sample-buttons" },
        buttons.map((b) => {
          const button = h(
            "button",
            { class: `btn small ${b.style ?? ""}`, type: "button", "data-sample": sampleId(b.sample) },
            b.label,
          );
          button.addEventListener("click", () => send(button, b.sample));
          return button;
        }),
      ),
    );
  });
  root.replaceChildren(h("h2", {}, "Sample traffic"), build, ...groups);
}

function sampleId(sample) {
  return [sample.action, sample.sample ?? sample.environment ?? sample.variant].filter(Boolean).join(":");
}
