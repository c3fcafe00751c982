/**
 * DATABASE_URL → the SQLite file (SPEC §1: "SQLite file path or `sqlite:` URL", default
 * `./data/tollgate.db`). One parser for `start`, `migrate` and `audit`, so they never disagree
 * about which file they open.
 *
 * Accepted: a plain path; `sqlite:` and `file:` URLs with a path (`sqlite:rel/t.db`, `sqlite:/abs`,
 * `file:./t.db`) or an empty / `localhost` authority (`sqlite:///abs/t.db`, `file:///abs/t.db`).
 * As in every URL (RFC 8089), the third slash starts an absolute path, so SQLAlchemy's
 * `sqlite:////abs` also names /abs, but its `sqlite:///rel` is absolute here too.
 *
 * NOTE: whatever is not understood is refused. Taken as a path, `sqlite://var/lib/t.db`,
 * `file:/abs` or `t.db?mode=ro` used to create a fresh, empty database somewhere else, and the
 * bot or `audit verify` quietly worked on that instead of the real one.
 */
export const DEFAULT_DATABASE_PATH = "./data/tollgate.db";

export type DatabaseUrl = { path: string } | { problem: string };

const POSTGRES_RESERVED =
  "postgres:// is reserved for the clustered store, not available yet; use a SQLite path or sqlite: URL";

/** A scheme of two or more characters; one letter is a Windows drive (`C:\data\t.db`). */
const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]+):/;

export function isPostgresUrl(url: string | undefined): boolean {
  return /^postgres(ql)?:/i.test(url?.trim() ?? "");
}

export function parseDatabaseUrl(raw: string | undefined): DatabaseUrl {
  const url = raw?.trim() ?? "";
  if (url === "") return { path: DEFAULT_DATABASE_PATH };
  if (isPostgresUrl(url)) return { problem: POSTGRES_RESERVED };
  const scheme = SCHEME.exec(url)?.[1]?.toLowerCase();
  if (scheme === undefined) {
    return url.includes("?")
      ? { problem: `"${url}" has a query string; it is a file path, write it without "?…"` }
      : { path: url };
  }
  if (scheme !== "sqlite" && scheme !== "file")
    return { problem: `${scheme}: is not supported; use a SQLite file path, a sqlite: URL or a file: URL` };
  return pathOfUrl(url, scheme);
}

function pathOfUrl(url: string, scheme: string): DatabaseUrl {
  if (/[?#]/.test(url))
    return {
      problem: `"${url}": query strings and fragments (e.g. ?mode=ro) are not supported; name the file only, e.g. ${scheme}:///var/lib/tollgate/t.db`,
    };
  let rest = url.slice(scheme.length + 1);
  if (rest.startsWith("//")) {
    const slash = rest.indexOf("/", 2);
    const host = rest.slice(2, slash === -1 ? undefined : slash);
    if (host !== "" && host.toLowerCase() !== "localhost") {
      const named = rest.slice(2);
      return {
        problem: `"${url}" names a host ("${host}"), not a file; write ${scheme}:///${named} for /${named} or ${scheme}:${named} for a path relative to the working directory`,
      };
    }
    rest = slash === -1 ? "" : rest.slice(slash);
  }
  let path: string;
  try {
    path = decodeURIComponent(rest);
  } catch {
    return { problem: `"${url}" has a malformed %-escape` };
  }
  if (path === "" || path === "/")
    return { problem: `"${url}" names no file; e.g. ${scheme}:///var/lib/tollgate/t.db` };
  // `file:///C:/data/t.db` is C:/data/t.db; `sqlite:////abs` (SQLAlchemy's absolute form) is /abs.
  if (/^\/[A-Za-z]:[\\/]/.test(path)) return { path: path.slice(1) };
  return { path: path.replace(/^\/{2,}/, "/") };
}
