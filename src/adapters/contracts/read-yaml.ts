/**
 * Bytes → YAML document, refusing anything hostile before a value is built: oversized files,
 * invalid UTF-8, several documents, duplicate keys, aliases (billion-laughs bombs) and explicit
 * tags (`!!js/function`, `!foo`). Contracts are plain maps of plain values; none of these is needed.
 */
import {
  type Document,
  isMap,
  isNode,
  isScalar,
  isSeq,
  Lexer,
  LineCounter,
  parseDocument,
  visit,
} from "yaml";
import { type ContractError, fileError, type LocatedSource } from "./contract-error.js";

export const MAX_CONTRACT_BYTES = 1024 * 1024;
/** The deepest contract key is four levels down; yaml's composer slows to seconds past ~100k. */
const MAX_FLOW_DEPTH = 32;

export type ReadYamlResult =
  | { ok: true; source: LocatedSource; data: Record<string, unknown> }
  | { ok: false; errors: ContractError[] };

function yamlMessage(code: string, message: string, source: string): string {
  if (code === "DUPLICATE_KEY")
    return `duplicate key "${source}"; each key may appear only once in a mapping`;
  if (code === "MULTIPLE_DOCS")
    return "several YAML documents (---) in one file; a contract file holds exactly one";
  return `invalid YAML: ${message}`;
}

export function readContractYaml(file: string, bytes: Uint8Array): ReadYamlResult {
  if (bytes.byteLength > MAX_CONTRACT_BYTES) {
    return fail(fileError(file, `file is ${bytes.byteLength} bytes; contracts are limited to 1 MiB`));
  }
  const text = decodeUtf8(file, bytes);
  if (typeof text !== "string") return fail(text);

  if (flowDepth(text) > MAX_FLOW_DEPTH) {
    return fail(
      fileError(file, `[ ] / { } nested deeper than ${MAX_FLOW_DEPTH} levels; contracts are shallow`),
    );
  }
  const lineCounter = new LineCounter();
  const where = (offset: number) => lineCounter.linePos(offset);
  let doc: ReturnType<typeof parseDocument>;
  try {
    doc = parseDocument(text, {
      lineCounter,
      prettyErrors: false,
      uniqueKeys: true,
      schema: "core",
    });
  } catch (error) {
    return fail(fileError(file, `could not parse YAML: ${(error as Error).message}`));
  }

  const errors: ContractError[] = doc.errors.map((e) =>
    fileError(file, yamlMessage(e.code, e.message, keyAt(text, e.pos[0])), where(e.pos[0])),
  );
  for (const w of doc.warnings) {
    // Unresolved tags are reported once, below, with every other explicit tag.
    if (w.code !== "TAG_RESOLVE_FAILED") errors.push(fileError(file, `YAML: ${w.message}`, where(w.pos[0])));
  }
  errors.push(...aliasesAndTags(file, doc, text, where));
  if (errors.length > 0) return fail(...errors);

  if (doc.contents === null) {
    return fail(fileError(file, "file is empty; a contract is a mapping of keys (see docs/contracts.md)"));
  }
  if (!isMap(doc.contents)) {
    const found = isSeq(doc.contents) ? "a list" : "a single value";
    return fail(
      fileError(
        file,
        `expected a mapping of contract keys at the top level, found ${found}`,
        where(doc.contents.range?.[0] ?? 0),
      ),
    );
  }
  const source: LocatedSource = { file, doc, lineCounter };
  try {
    return { ok: true, source, data: doc.toJS({ maxAliasCount: 0 }) as Record<string, unknown> };
  } catch (error) {
    return fail(fileError(file, `could not read YAML: ${(error as Error).message}`));
  }
}

/**
 * One error for all aliases (a bomb has thousands, and the first says it all) and one per tag.
 * Tagged nodes' ranges start after the tag, so the tag is found by searching back from there.
 */
function aliasesAndTags(
  file: string,
  doc: Document,
  text: string,
  where: (offset: number) => { line: number; col: number },
): ContractError[] {
  const errors: ContractError[] = [];
  const aliases: Array<{ name: string; offset: number }> = [];
  visit(doc, {
    Alias(_key, node) {
      aliases.push({ name: node.source, offset: node.range?.[0] ?? 0 });
    },
    Pair(_key, pair) {
      if (isScalar(pair.key) || !isNode(pair.key)) return;
      errors.push(
        fileError(file, "keys must be plain text, not lists or mappings", where(pair.key.range?.[0] ?? 0)),
      );
    },
    Node(_key, node) {
      if (node.tag === undefined) return;
      const tag = shortTag(node.tag);
      const start = node.range?.[0] ?? 0;
      const at = text.lastIndexOf(tag, start);
      const message = `YAML tags (${tag}) are not allowed in contracts`;
      errors.push(fileError(file, message, where(at >= 0 ? at : start)));
    },
  });
  const first = aliases[0];
  if (first !== undefined) {
    const more = aliases.length > 1 ? ` (${aliases.length} aliases in this file)` : "";
    const message = `aliases (*${first.name}) are not allowed in contracts; repeat the value instead${more}`;
    errors.unshift(fileError(file, message, where(first.offset)));
  }
  return errors;
}

/** The lexer sees quoted strings and comments as single tokens, so brackets inside them do not count. */
function flowDepth(text: string): number {
  let depth = 0;
  let max = 0;
  for (const token of new Lexer().lex(text)) {
    if (token === "[" || token === "{") max = Math.max(max, ++depth);
    else if (token === "]" || token === "}") depth--;
  }
  return max;
}

/** yaml marks only the first character of a duplicate key; the key runs up to its colon. */
function keyAt(text: string, offset: number): string {
  return (/^[^:\n]*/.exec(text.slice(offset, offset + 200))?.[0] ?? "").trim();
}

function decodeUtf8(file: string, bytes: Uint8Array): string | ContractError {
  try {
    const text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
    return text;
  } catch {
    // Point at the first replacement character the lenient decoder produces.
    const lenient = new TextDecoder("utf-8").decode(bytes);
    const index = lenient.indexOf("\uFFFD");
    const before = lenient.slice(0, Math.max(index, 0)).split("\n");
    const pos = { line: before.length, col: (before.at(-1)?.length ?? 0) + 1 };
    return fileError(file, "file is not valid UTF-8", pos);
  }
}

function shortTag(tag: string): string {
  return tag.startsWith("tag:yaml.org,2002:") ? `!!${tag.slice("tag:yaml.org,2002:".length)}` : tag;
}

function fail(...errors: ContractError[]): ReadYamlResult {
  return { ok: false, errors };
}
