/**
 * PostgreSQL and socket errors, said in one line a person understands. The loader adds where it
 * happened (which chunk, which table); this says what happened.
 */

interface PgLikeError {
  code?: string;
  message?: string;
  errno?: number;
  address?: string;
  port?: number;
  table?: string;
  constraint?: string;
  detail?: string;
}

/** SQLSTATE classes and codes worth naming (PostgreSQL Appendix A). */
const SQLSTATE: Record<string, string> = {
  "53100": "the database's disk is full",
  "53200": "the database ran out of memory",
  "53300": "the database has too many connections (max_connections reached)",
  "42501": "permission denied",
  "42P01": "a table does not exist",
  "42703": "a column does not exist",
  "23505": "a duplicate key",
  "23503": "a foreign key has no matching row",
  "23502": "a NOT NULL column got no value",
  "23514": "a CHECK constraint rejected a value",
  "22P02": "a value has the wrong type",
  "22001": "a value is too long for its column",
  "57014": "the statement was cancelled (statement_timeout or a cancel request)",
  "57P01": "the database server is shutting down (administrator command)",
  "57P02": "the database server crashed and is restarting",
  "57P03": "the database server is starting up or shutting down",
  "28P01": "password authentication failed",
  "28000": "the role may not connect",
  "3D000": "the database does not exist",
  "40P01": "a deadlock was detected",
  "08006": "the connection to the database was lost",
  "08003": "the connection to the database was lost",
};

const SOCKET: Record<string, string> = {
  ECONNREFUSED: "nothing is listening there (connection refused)",
  ECONNRESET: "the connection to the database was lost (reset)",
  EPIPE: "the connection to the database was lost (broken pipe)",
  ETIMEDOUT: "the connection timed out",
  ENOTFOUND: "the host name does not resolve",
  EHOSTUNREACH: "the host is unreachable",
};

/** One line: what went wrong, PostgreSQL's own words after a colon. */
export function describePgError(err: unknown): string {
  const e = (typeof err === "object" && err !== null ? err : { message: String(err) }) as PgLikeError;
  const msg = e.message ?? String(err);
  const code = e.code ?? "";
  const known = SQLSTATE[code] ?? SOCKET[code];
  if (known !== undefined) {
    const where =
      e.constraint !== undefined ? ` (${e.constraint})` : e.table !== undefined ? ` (${e.table})` : "";
    return `${known}${where}: ${firstLine(msg)}`;
  }
  if (LOST_MESSAGE.test(msg)) return `the connection to the database was lost: ${firstLine(msg)}`;
  if (code.startsWith("08")) return `the connection to the database failed: ${firstLine(msg)}`;
  return firstLine(msg);
}

/** True for errors after which the connection cannot be used again. */
export function isConnectionLost(err: unknown): boolean {
  const e = (typeof err === "object" && err !== null ? err : {}) as PgLikeError;
  const code = e.code ?? "";
  return (
    code.startsWith("08") ||
    code === "57P01" ||
    code === "57P02" ||
    code in SOCKET ||
    LOST_MESSAGE.test(e.message ?? "")
  );
}

/** node-postgres's own words for a dead connection. The last is what a query on a client whose
 * socket already failed throws: counted as lost too, or a crash's reset outranks its cause. */
const LOST_MESSAGE =
  /Connection terminated|connection .*(closed|ended)|Client has encountered a connection error/i;

function firstLine(s: string): string {
  const i = s.indexOf("\n");
  return i === -1 ? s : s.slice(0, i);
}

/** `postgres://user:***@host:port/db`: the URL with its password hidden, for messages. */
export function redactDbUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password !== "") u.password = "***";
    return u.toString();
  } catch {
    return "(unparsable database URL)";
  }
}
