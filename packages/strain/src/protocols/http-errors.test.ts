import { describe, expect, it } from "vitest";
import {
  BODY_TOO_LARGE_CODE,
  classifyNetError,
  describeNetError,
  HOST_NOT_ALLOWED_CODE,
  kindOfCode,
  TOTAL_TIMEOUT_CODE,
} from "./http-errors.js";

function err(code: string | undefined, message = "boom", extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(message), code === undefined ? {} : { code }, extra);
}

describe("classifyNetError: error code → kind", () => {
  const table: [string, string][] = [
    ["ECONNREFUSED", "refused"],
    ["EHOSTUNREACH", "refused"],
    ["ENETUNREACH", "refused"],
    ["EADDRNOTAVAIL", "refused"],
    ["ECONNRESET", "reset"],
    ["EPIPE", "reset"],
    ["ECONNABORTED", "reset"],
    ["UND_ERR_SOCKET", "reset"],
    ["UND_ERR_CONNECT_TIMEOUT", "timeout"],
    ["UND_ERR_HEADERS_TIMEOUT", "timeout"],
    ["UND_ERR_BODY_TIMEOUT", "timeout"],
    ["ETIMEDOUT", "timeout"],
    [TOTAL_TIMEOUT_CODE, "timeout"],
    ["ENOTFOUND", "dns"],
    ["EAI_AGAIN", "dns"],
    ["EAI_FAIL", "dns"],
    ["ERR_TLS_CERT_ALTNAME_INVALID", "tls"],
    ["ERR_SSL_WRONG_VERSION_NUMBER", "tls"],
    ["DEPTH_ZERO_SELF_SIGNED_CERT", "tls"],
    ["SELF_SIGNED_CERT_IN_CHAIN", "tls"],
    ["UNABLE_TO_VERIFY_LEAF_SIGNATURE", "tls"],
    ["CERT_HAS_EXPIRED", "tls"],
    ["CERT_NOT_YET_VALID", "tls"],
    ["HPE_INVALID_CONSTANT", "protocol"],
    ["HPE_INVALID_HEADER_TOKEN", "protocol"],
    ["UND_ERR_INFO", "protocol"],
    ["UND_ERR_HEADERS_OVERFLOW", "protocol"],
    ["UND_ERR_RES_CONTENT_LENGTH_MISMATCH", "protocol"],
    ["UND_ERR_RES_EXCEEDED_MAX_SIZE", "body_too_large"],
    [BODY_TOO_LARGE_CODE, "body_too_large"],
    [HOST_NOT_ALLOWED_CODE, "host_not_allowed"],
  ];
  it.each(table)("%s → %s", (code, kind) => {
    expect(classifyNetError(err(code))).toEqual({ kind, code });
  });

  it("treats undici's 'bad response' socket error as a protocol error, 'other side closed' as reset", () => {
    expect(classifyNetError(err("UND_ERR_SOCKET", "bad response")).kind).toBe("protocol");
    expect(classifyNetError(err("UND_ERR_SOCKET", "other side closed")).kind).toBe("reset");
  });

  it("looks through cause chains and AggregateErrors", () => {
    const wrapped = new Error("fetch failed", { cause: err("ECONNREFUSED") });
    expect(classifyNetError(wrapped)).toEqual({ kind: "refused", code: "ECONNREFUSED" });
    const agg = new AggregateError([err(undefined), err("ETIMEDOUT")], "all failed");
    expect(classifyNetError(agg)).toEqual({ kind: "timeout", code: "ETIMEDOUT" });
  });

  it("guesses unknown codes from syscall or message and keeps the code", () => {
    expect(classifyNetError(err("EWEIRD", "x", { syscall: "connect" }))).toEqual({
      kind: "refused",
      code: "EWEIRD",
    });
    expect(classifyNetError(err("EWEIRD", "x", { syscall: "getaddrinfo" }))).toEqual({
      kind: "dns",
      code: "EWEIRD",
    });
    expect(classifyNetError(err("EWEIRD", "x", { library: "SSL routines" }))).toEqual({
      kind: "tls",
      code: "EWEIRD",
    });
    expect(classifyNetError(err("EWEIRD", "self signed certificate"))).toEqual({
      kind: "tls",
      code: "EWEIRD",
    });
    expect(classifyNetError(err("EWEIRD", "operation timed out"))).toEqual({
      kind: "timeout",
      code: "EWEIRD",
    });
    expect(classifyNetError(err("EWEIRD", "socket hang up"))).toEqual({ kind: "reset", code: "EWEIRD" });
    expect(classifyNetError(err("EWEIRD", "???"))).toEqual({ kind: "protocol", code: "EWEIRD" });
  });

  it("never fails on odd inputs", () => {
    expect(classifyNetError(undefined)).toEqual({ kind: "protocol", code: "UNKNOWN" });
    expect(classifyNetError("a string")).toEqual({ kind: "protocol", code: "UNKNOWN" });
    const named = new TypeError("bad");
    expect(classifyNetError(named)).toEqual({ kind: "protocol", code: "TypeError" });
    // A cyclic cause chain terminates.
    const a = err(undefined) as Error & { cause?: unknown };
    a.cause = a;
    expect(classifyNetError(a).kind).toBe("protocol");
  });

  it("kindOfCode covers prefixes", () => {
    expect(kindOfCode("HPE_ANYTHING_NEW")).toBe("protocol");
    expect(kindOfCode("ERR_TLS_SOMETHING")).toBe("tls");
    expect(kindOfCode("ERR_SSL_SOMETHING")).toBe("tls");
    expect(kindOfCode("EAI_SOMETHING")).toBe("dns");
    expect(kindOfCode("NOPE")).toBeNull();
  });
});

describe("describeNetError", () => {
  it("writes short sentences naming the peer, not the URL", () => {
    expect(describeNetError("refused", "ECONNREFUSED", "127.0.0.1:9", null)).toBe(
      "connection refused to 127.0.0.1:9",
    );
    expect(describeNetError("dns", "ENOTFOUND", "nowhere.test:80", null)).toBe(
      "DNS lookup failed for nowhere.test (ENOTFOUND)",
    );
    expect(describeNetError("timeout", "UND_ERR_HEADERS_TIMEOUT", "h:1", null)).toBe(
      "timeout waiting for response headers to h:1",
    );
    const ssl = Object.assign(
      new Error("C0:error:0A00010B:SSL routines:ssl3_get_record:wrong version number"),
      {
        library: "SSL routines",
        reason: "wrong version number",
      },
    );
    expect(describeNetError("tls", "ERR_SSL_WRONG_VERSION_NUMBER", "h:1", ssl)).toBe(
      "TLS error with h:1: wrong version number (ERR_SSL_WRONG_VERSION_NUMBER)",
    );
    const long = describeNetError("protocol", "HPE_X", "h:1", new Error("y".repeat(500)));
    expect(long.length).toBeLessThan(200);
  });
});

describe("undici parser errors", () => {
  it("classifies HTTPParserError without a code (undici 7 leaves it undefined) as protocol", () => {
    const e = Object.assign(new Error("Response does not match the HTTP/1.1 protocol (Expected HTTP/)"), {
      name: "HTTPParserError",
      code: undefined,
    });
    expect(classifyNetError(e)).toEqual({ kind: "protocol", code: "HTTPParserError" });
  });
});
