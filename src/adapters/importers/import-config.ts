/** One entry point for `tollgate snapshot --from FORMAT`: parsed export → snapshot config. */
import { type FlagImportOptions, importFlagd } from "./flagd.js";
import type { SnapshotConfig } from "./import-helpers.js";
import { importK8s } from "./k8s.js";
import { importLaunchDarkly } from "./launchdarkly.js";
import { importUnleash } from "./unleash.js";

export const IMPORT_FORMATS = ["flagd", "launchdarkly", "unleash", "k8s"] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];
export type { FlagImportOptions, SnapshotConfig };

export function isImportFormat(value: string): value is ImportFormat {
  return (IMPORT_FORMATS as readonly string[]).includes(value);
}

export function importConfig(
  format: ImportFormat,
  doc: unknown,
  options: FlagImportOptions = {},
): SnapshotConfig {
  switch (format) {
    case "flagd":
      return importFlagd(doc, options);
    case "launchdarkly":
      return importLaunchDarkly(doc, options);
    case "unleash":
      return importUnleash(doc, options);
    case "k8s":
      return importK8s(doc);
  }
}
