import type { NetErrorKind } from "../plan/types.js";

/**
 * Map a Node / undici error to one `NetErrorKind`. Failures are data in Strain, so every error a
 * request can meet lands in exactly one kind; `code` is kept for the error table so an unexpected
 * error stays recognisable even when its kind is only the closest guess.
 */
export interface ClassifiedNetError {
  kind: NetErrorKind;
  /** The error's code (`ECONNREFUSED`, `UND_ERR_HEADERS_TIMEOUT`, `HPE_INVALID_CONSTANT`…), or its name when it has none. */
  code: string;
}

/** Our own code for the per-request total timeout (undici has none: it is ours). */
export const TOTAL_TIMEOUT_CODE = "STRAIN_TOTAL_TIMEOUT";
/** Our own code for a body over `maxBodySize`, whether kept or discarded. */
export const BODY_TOO_LARGE_CODE = "STRAIN_BODY_TOO_LARGE";
/** Our own code for a host (or redirect target) missing from the plan's `hosts`. */
export const HOST_NOT_ALLOWED_CODE = "STRAIN_HOST_NOT_ALLOWED";

const BY_CODE: Readonly<Record<string, NetErrorKind>> = {
  // Could not connect at all.
  ECONNREFUSED: "refused",
  EHOSTUNREACH: "refused",
  ENETUNREACH: "refused",
  EHOSTDOWN: "refused",
  ENETDOWN: "refused",
  // Out of local ports or addresses: still "could not connect", the code says why.
  EADDRNOTAVAIL: "refused",
  // The connection died under us.
  ECONNRESET: "reset",
  EPIPE: "reset",
  ECONNABORTED: "reset",
  UND_ERR_SOCKET: "reset",
  UND_ERR_CLOSED: "reset",
  UND_ERR_DESTROYED: "reset",
  UND_ERR_ABORTED: "reset",
  UND_ERR_ABORT: "reset",
  ERR_STREAM_PREMATURE_CLOSE: "reset",
  // Took too long.
  UND_ERR_CONNECT_TIMEOUT: "timeout",
  UND_ERR_HEADERS_TIMEOUT: "timeout",
  UND_ERR_BODY_TIMEOUT: "timeout",
  ETIMEDOUT: "timeout",
  ESOCKETTIMEDOUT: "timeout",
  [TOTAL_TIMEOUT_CODE]: "timeout",
  // Name resolution (getaddrinfo and c-ares codes).
  ENOTFOUND: "dns",
  EAI_AGAIN: "dns",
  EAI_FAIL: "dns",
  EAI_NODATA: "dns",
  EAI_NONAME: "dns",
  EAI_ADDRFAMILY: "dns",
  ESERVFAIL: "dns",
  ENODATA: "dns",
  EBADNAME: "dns",
  // Certificate verification (OpenSSL verify codes as Node reports them).
  UNABLE_TO_GET_ISSUER_CERT: "tls",
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: "tls",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "tls",
  DEPTH_ZERO_SELF_SIGNED_CERT: "tls",
  SELF_SIGNED_CERT_IN_CHAIN: "tls",
  HOSTNAME_MISMATCH: "tls",
  INVALID_CA: "tls",
  UND_ERR_PRX_TLS: "tls",
  // The peer spoke something that is not (valid) HTTP/1.1.
  UND_ERR_INFO: "protocol",
  UND_ERR_HEADERS_OVERFLOW: "protocol",
  UND_ERR_RES_CONTENT_LENGTH_MISMATCH: "protocol",
  UND_ERR_REQ_CONTENT_LENGTH_MISMATCH: "protocol",
  UND_ERR_NOT_SUPPORTED: "protocol",
  UND_ERR_RESPONSE: "protocol",
  // Size limits.
  UND_ERR_RES_EXCEEDED_MAX_SIZE: "body_too_large",
  [BODY_TOO_LARGE_CODE]: "body_too_large",
  [HOST_NOT_ALLOWED_CODE]: "host_not_allowed",
};

interface ErrorLike {
  code?: unknown;
  name?: unknown;
  message?: unknown;
  syscall?: unknown;
  library?: unknown;
  cause?: unknown;
  errors?: unknown;
}

/**
 * Classify an error thrown by a request. Looks through `cause` chains and `AggregateError`s (Node's
 * happy-eyeballs connect reports one per address) for the first recognisable code; unknown errors
 * get the closest kind by syscall or message and keep their own code.
 */
export function classifyNetError(err: unknown): ClassifiedNetError {
  const direct = classifyKnown(err, 0);
  if (direct !== null) return direct;
  const e = asErrorLike(err);
  return { kind: guessKind(e), code: codeOf(e) };
}

function classifyKnown(err: unknown, depth: number): ClassifiedNetError | null {
  if (depth > 4) return null;
  const e = asErrorLike(err);
  if (e === null) return null;
  const code = typeof e.code === "string" ? e.code : "";
  if (code !== "") {
    const kind = kindOfCode(code, e);
    if (kind !== null) return { kind, code };
  }
  // undici 7's HTTPParserError is built with `constants.ERROR[ret]`, a name→number table, so its
  // `code` (HPE_*) is undefined: recognise it by name.
  if (e.name === "HTTPParserError") return { kind: "protocol", code: code === "" ? "HTTPParserError" : code };
  if (Array.isArray(e.errors)) {
    for (const inner of e.errors) {
      const found = classifyKnown(inner, depth + 1);
      if (found !== null) return found;
    }
  }
  if (e.cause !== undefined) return classifyKnown(e.cause, depth + 1);
  return null;
}

/** The kind for a code, or null when the code alone does not say. */
export function kindOfCode(code: string, e: ErrorLike | null = null): NetErrorKind | null {
  const known = BY_CODE[code];
  if (known !== undefined) {
    // undici reports some framing problems as socket errors: they are the peer's protocol, not a reset.
    if (code === "UND_ERR_SOCKET" && e !== null && typeof e.message === "string") {
      if (e.message === "bad response" || e.message === "bad upgrade") return "protocol";
    }
    return known;
  }
  if (code.startsWith("HPE_") || code.startsWith("ERR_HTTP2_")) return "protocol";
  if (code.startsWith("ERR_TLS_") || code.startsWith("ERR_SSL_") || code.startsWith("CERT_")) return "tls";
  if (code.startsWith("EAI_")) return "dns";
  return null;
}

function guessKind(e: ErrorLike | null): NetErrorKind {
  if (e === null) return "protocol";
  if (e.syscall === "getaddrinfo" || e.syscall === "queryA" || e.syscall === "queryAaaa") return "dns";
  if (e.syscall === "connect") return "refused";
  if (e.library === "SSL routines") return "tls";
  const message = typeof e.message === "string" ? e.message.toLowerCase() : "";
  if (/certificate|\bssl\b|\btls\b/.test(message)) return "tls";
  if (message.includes("timeout") || message.includes("timed out")) return "timeout";
  if (message.includes("reset") || message.includes("closed") || message.includes("socket hang up")) {
    return "reset";
  }
  return "protocol";
}

function codeOf(e: ErrorLike | null): string {
  if (e === null) return "UNKNOWN";
  if (typeof e.code === "string" && e.code !== "") return e.code;
  if (typeof e.name === "string" && e.name !== "" && e.name !== "Error") return e.name;
  return "UNKNOWN";
}

function asErrorLike(err: unknown): ErrorLike | null {
  return typeof err === "object" && err !== null ? (err as ErrorLike) : null;
}

/**
 * A short, human sentence for an error table: kind, peer (host:port only — URLs can carry tokens in
 * their query), and the code. The underlying message is added only for kinds where it helps
 * (tls, protocol) and is trimmed; the caller still redacts secret values from the result.
 */
export function describeNetError(kind: NetErrorKind, code: string, peer: string, err: unknown): string {
  switch (kind) {
    case "refused":
      return code === "ECONNREFUSED"
        ? `connection refused to ${peer}`
        : `could not connect to ${peer} (${code})`;
    case "reset":
      return `connection to ${peer} closed before the response completed (${code})`;
    case "timeout":
      return `${timeoutPhase(code)} to ${peer}`;
    case "dns":
      return `DNS lookup failed for ${hostOf(peer)} (${code})`;
    case "tls":
      return `TLS error with ${peer}: ${shortReason(err)} (${code})`;
    case "protocol":
      return `invalid HTTP response from ${peer}: ${shortReason(err)} (${code})`;
    case "body_too_large":
      return `response body from ${peer} exceeds maxBodySize`;
    case "host_not_allowed":
      return `host ${peer} is not in the plan's hosts; no connection was made`;
  }
}

function timeoutPhase(code: string): string {
  switch (code) {
    case "UND_ERR_CONNECT_TIMEOUT":
      return "connect timeout";
    case "UND_ERR_HEADERS_TIMEOUT":
      return "timeout waiting for response headers";
    case "UND_ERR_BODY_TIMEOUT":
      return "timeout waiting for response body";
    case TOTAL_TIMEOUT_CODE:
      return "total request timeout";
    default:
      return `timeout (${code})`;
  }
}

function hostOf(peer: string): string {
  const colon = peer.lastIndexOf(":");
  return colon > 0 && !peer.endsWith("]") ? peer.slice(0, colon) : peer;
}

/** OpenSSL messages are long ("C0...:error:0A00010B:SSL routines:ssl3_get_record:wrong version number"): keep the reason. */
function shortReason(err: unknown): string {
  const e = asErrorLike(err);
  if (e === null) return "unknown error";
  if (typeof e.library === "string" && typeof (e as { reason?: unknown }).reason === "string") {
    return (e as { reason: string }).reason;
  }
  const message = typeof e.message === "string" ? e.message : String(err);
  const firstLine = message.split("\n", 1)[0] ?? "";
  return firstLine.length > 120 ? `${firstLine.slice(0, 117)}...` : firstLine;
}
