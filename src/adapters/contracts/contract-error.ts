/**
 * Contract problems as people read them: `contracts/prod.yml:12:5 evidence[2].max.critical: …`.
 * Positions come from the YAML nodes (yaml's LineCounter); a path that does not exist in the file
 * (a missing key) points at its nearest existing parent.
 */
import { type Document, isMap, isNode, isPair, isScalar, isSeq, type LineCounter } from "yaml";

export interface ContractError {
  /** The file as given (relative to the working directory when inside it). */
  file: string;
  /** 1-based; absent for problems with the folder rather than a place in a file. */
  line?: number | undefined;
  col?: number | undefined;
  /** Key path inside the file, `evidence[2].max.critical`; empty for whole-file problems. */
  path: string;
  message: string;
}

export type KeyPath = ReadonlyArray<string | number>;

export function formatContractError(error: ContractError): string {
  const where = error.line === undefined ? error.file : `${error.file}:${error.line}:${error.col ?? 1}`;
  return `${where} ${error.path === "" ? "" : `${error.path}: `}${error.message}`;
}

export function formatKeyPath(path: KeyPath): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    // A key that is not a plain word (empty, dotted, a `normalize` pattern) is quoted, so the
    // path stays readable and unambiguous: drift.normalize["?env=staging"].
    else if (!/^[A-Za-z0-9_-]+$/.test(segment)) out += `[${JSON.stringify(segment)}]`;
    else out += out === "" ? segment : `.${segment}`;
  }
  return out;
}

/** A parsed file with what is needed to point into it. */
export interface LocatedSource {
  file: string;
  doc: Document;
  lineCounter: LineCounter;
}

/**
 * Error at `path`; with `atKey`, the position of the key itself (unknown keys) rather than its value.
 */
export function errorAt(
  source: LocatedSource,
  path: KeyPath,
  message: string,
  options: { atKey?: boolean } = {},
): ContractError {
  const offset = offsetOf(source.doc, path, options.atKey ?? false);
  const pos = source.lineCounter.linePos(offset);
  return { file: source.file, line: pos.line, col: pos.col, path: formatKeyPath(path), message };
}

export function fileError(
  file: string,
  message: string,
  offset?: { line: number; col: number },
): ContractError {
  return { file, line: offset?.line ?? 1, col: offset?.col ?? 1, path: "", message };
}

function offsetOf(doc: Document, path: KeyPath, atKey: boolean): number {
  let node: unknown = doc.contents;
  let offset = rangeStart(node) ?? 0;
  for (const [index, segment] of path.entries()) {
    const last = index === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find(
        (item) => isScalar(item.key) && String(item.key.value) === String(segment),
      );
      if (!pair) return offset;
      if (last && atKey) return rangeStart(pair.key) ?? offset;
      node = pair.value;
      // A key with no value (`drift:`) has no value node; its key is the best place to point.
      offset = rangeStart(node) ?? rangeStart(pair.key) ?? offset;
    } else if (isSeq(node) && typeof segment === "number") {
      node = node.items[segment];
      if (node === undefined) return offset;
      offset = rangeStart(isPair(node) ? node.key : node) ?? offset;
    } else {
      return offset;
    }
  }
  return offset;
}

function rangeStart(node: unknown): number | undefined {
  return isNode(node) && node.range ? node.range[0] : undefined;
}
