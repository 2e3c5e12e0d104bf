import { describe, expect, it } from "vitest";
import { classifyNetError } from "./http-errors.js";
import {
  HEAD_CONTINUE,
  HEAD_SKIP_BODY,
  HEAD_STOP,
  Http1ResponseParser,
  type ResponseSink,
} from "./http1-parser.js";

interface Seen {
  status: number;
  statusText: string;
  headers: [string, string][];
  body: string;
  complete: boolean;
  keepAlive: boolean;
}

/** Records what the parser says; answers HEAD_SKIP_BODY for responses to HEAD (`heads`, in order). */
class Recorder implements ResponseSink {
  readonly parser: Http1ResponseParser;
  readonly seen: Seen[] = [];
  readonly rawArrays: Buffer[][] = [];
  private bodies: Buffer[] = [];

  constructor(
    private readonly heads: readonly boolean[] = [],
    private readonly stopAt = -1,
    maxHeaderSize?: number,
  ) {
    this.parser = new Http1ResponseParser(this, maxHeaderSize);
  }

  /** Feed `text` (latin1) split at `cuts`, each piece a fresh Buffer; returns the first error. */
  feed(text: string | Buffer, cuts: readonly number[] = []): Error | null {
    const bytes = typeof text === "string" ? Buffer.from(text, "latin1") : text;
    let from = 0;
    for (const cut of [...cuts, bytes.length]) {
      if (cut <= from) continue;
      const err = this.parser.execute(Buffer.from(bytes.subarray(from, cut)));
      if (err !== null) return err;
      from = cut;
    }
    return null;
  }

  onResponseHead(status: number, statusText: string, raw: Buffer[]): number {
    const headers: [string, string][] = [];
    for (let i = 0; i + 1 < raw.length; i += 2) {
      headers.push([raw[i]!.toString("latin1"), raw[i + 1]!.toString("latin1")]);
    }
    this.rawArrays.push(raw);
    this.bodies = [];
    const n = this.seen.push({ status, statusText, headers, body: "", complete: false, keepAlive: false });
    if (n - 1 === this.stopAt) return HEAD_STOP;
    return this.heads[n - 1] === true ? HEAD_SKIP_BODY : HEAD_CONTINUE;
  }

  onResponseBody(chunk: Buffer): boolean {
    this.bodies.push(Buffer.from(chunk));
    return true;
  }

  onResponseComplete(): boolean {
    const r = this.seen[this.seen.length - 1]!;
    r.body = Buffer.concat(this.bodies).toString("latin1");
    r.complete = true;
    r.keepAlive = this.parser.keepAlive;
    return true;
  }
}

const OK = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok";

function codeOf(err: Error | null): unknown {
  return (err as { code?: unknown } | null)?.code;
}

describe("framing", () => {
  it("Content-Length: head, body, complete, keep-alive", () => {
    const r = new Recorder();
    expect(r.feed(OK)).toBeNull();
    expect(r.seen).toEqual([
      {
        status: 200,
        statusText: "OK",
        headers: [
          ["Content-Type", "text/plain"],
          ["Content-Length", "2"],
        ],
        body: "ok",
        complete: true,
        keepAlive: true,
      },
    ]);
  });

  it("chunked: sizes in either case, extensions, an empty trailer section", () => {
    const r = new Recorder();
    const res =
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" +
      "5\r\nhello\r\n" +
      "1A;name=value\r\nabcdefghijklmnopqrstuvwxyz\r\n" +
      "1a \r\nABCDEFGHIJKLMNOPQRSTUVWXYZ\r\n" +
      "0\r\n\r\n";
    expect(r.feed(res)).toBeNull();
    expect(r.seen[0]).toMatchObject({
      complete: true,
      keepAlive: true,
      body: "helloabcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    });
  });

  it("chunked: trailers are read and ignored, and the next response follows", () => {
    const r = new Recorder();
    const res =
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n3\r\nabc\r\n0\r\nX-Checksum: 42\r\nX-More: y\r\n\r\n" +
      OK;
    expect(r.feed(res)).toBeNull();
    expect(r.seen.map((s) => [s.body, s.complete])).toEqual([
      ["abc", true],
      ["ok", true],
    ]);
  });

  it("chunked only when it is the final coding: otherwise the body runs until close", () => {
    const r = new Recorder();
    expect(r.feed("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n3\r\nabc\r\n")).toBeNull();
    expect(r.seen[0]!.complete).toBe(false);
    expect(r.parser.untilClose).toBe(true);
    expect(r.parser.finish()).toBeNull();
    expect(r.seen[0]).toMatchObject({ complete: true, keepAlive: false, body: "3\r\nabc\r\n" });
  });

  it("no framing: the body runs until close and the connection cannot be reused", () => {
    const r = new Recorder();
    expect(r.feed("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nall of ")).toBeNull();
    expect(r.feed("this")).toBeNull();
    expect(r.seen[0]!.complete).toBe(false);
    expect(r.parser.finish()).toBeNull();
    expect(r.seen[0]).toMatchObject({ complete: true, keepAlive: false, body: "all of this" });
  });

  it("no body for 204, 304 and HEAD, whatever the framing headers say", () => {
    const r = new Recorder([false, false, true, false]);
    const res =
      "HTTP/1.1 204 No Content\r\nContent-Length: 10\r\n\r\n" +
      "HTTP/1.1 304 Not Modified\r\nTransfer-Encoding: chunked\r\n\r\n" +
      "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n" + // a HEAD response
      OK;
    expect(r.feed(res)).toBeNull();
    expect(r.seen.map((s) => [s.status, s.body, s.complete, s.keepAlive])).toEqual([
      [204, "", true, true],
      [304, "", true, true],
      [200, "", true, true],
      [200, "ok", true, true],
    ]);
  });

  it("a HEAD response without framing headers does not end the connection", () => {
    const r = new Recorder([true]);
    expect(r.feed("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n")).toBeNull();
    expect(r.seen[0]).toMatchObject({ complete: true, keepAlive: true });
  });

  it("Content-Length: 0 completes at once", () => {
    const r = new Recorder();
    expect(r.feed("HTTP/1.1 302 Found\r\nLocation: /x\r\ncontent-length: 0\r\n\r\n")).toBeNull();
    expect(r.seen[0]).toMatchObject({ status: 302, complete: true, body: "" });
  });

  it("skips 1xx informational heads (100 Continue, 103 Early Hints), even split from the final one", () => {
    const r = new Recorder();
    const res = `HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\n${OK}`;
    expect(r.feed(res, [27, 28, 70])).toBeNull();
    expect(r.seen).toHaveLength(1);
    expect(r.seen[0]).toMatchObject({ status: 200, statusText: "OK", body: "ok", complete: true });
  });

  it("101 to a request that did not ask for an upgrade is a bad upgrade (undici's SocketError)", () => {
    const r = new Recorder();
    const err = r.feed("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n");
    expect(err).toMatchObject({ code: "UND_ERR_SOCKET", message: "bad upgrade" });
    expect(classifyNetError(err).kind).toBe("protocol");
  });

  it("a status line without a reason phrase", () => {
    const r = new Recorder();
    expect(r.feed("HTTP/1.1 404\r\nContent-Length: 0\r\n\r\n")).toBeNull();
    expect(r.seen[0]).toMatchObject({ status: 404, statusText: "", complete: true });
  });
});

describe("pipelined responses in one segment", () => {
  it("three responses in one buffer, each with its own framing", () => {
    const r = new Recorder();
    const res =
      OK +
      "HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n0\r\n\r\n" +
      "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 5\r\n\r\nerror";
    expect(r.feed(res)).toBeNull();
    expect(r.seen.map((s) => [s.status, s.statusText, s.body, s.complete])).toEqual([
      [200, "OK", "ok", true],
      [201, "Created", "abcd", true],
      [500, "Internal Server Error", "error", true],
    ]);
  });

  it("a sink that stops at a head stops the parser there", () => {
    const r = new Recorder([], 1);
    expect(r.feed(OK + OK + OK)).toBeNull();
    expect(r.seen).toHaveLength(2);
    expect(r.seen[1]!.complete).toBe(false);
  });
});

describe("connection reuse", () => {
  it.each([
    ["HTTP/1.1, nothing said", "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", true],
    [
      "HTTP/1.1, Connection: close",
      "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n",
      false,
    ],
    [
      "HTTP/1.1, Connection: Upgrade, CLOSE",
      "HTTP/1.1 200 OK\r\nConnection: Upgrade, CLOSE\r\nContent-Length: 0\r\n\r\n",
      false,
    ],
    ["HTTP/1.0, nothing said", "HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n", false],
    [
      "HTTP/1.0, Connection: keep-alive",
      "HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n",
      true,
    ],
  ])("%s", (_label, res, keepAlive) => {
    const r = new Recorder();
    expect(r.feed(res)).toBeNull();
    expect(r.seen[0]).toMatchObject({ complete: true, keepAlive });
  });

  it("reads the server's Keep-Alive timeout hint", () => {
    const r = new Recorder();
    expect(
      r.feed("HTTP/1.1 200 OK\r\nKeep-Alive: max=100, timeout=5\r\nContent-Length: 0\r\n\r\n"),
    ).toBeNull();
    expect(r.parser.keepAliveHintMs).toBe(5000);
    expect(r.feed("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")).toBeNull();
    expect(r.parser.keepAliveHintMs).toBe(-1);
  });
});

describe("repeated heads", () => {
  it("reuse header Buffers whose bytes repeat, but give each response its own array", () => {
    const r = new Recorder();
    const a = "HTTP/1.1 200 OK\r\nDate: Sun, 22 Nov 2026 22:07:11 GMT\r\nContent-Length: 2\r\n\r\nok";
    const b = "HTTP/1.1 200 OK\r\nDate: Sun, 22 Nov 2026 22:07:12 GMT\r\nContent-Length: 3\r\n\r\nyes";
    expect(r.feed(a + a + b + b)).toBeNull();
    expect(r.seen.map((s) => s.body)).toEqual(["ok", "ok", "yes", "yes"]);
    const [r0, r1, r2, r3] = r.rawArrays as [Buffer[], Buffer[], Buffer[], Buffer[]];
    expect(r1).not.toBe(r0);
    expect(r1[1]).toBe(r0[1]); // same Date value: the same Buffer
    expect(r2[0]).toBe(r0[0]); // "Date" name again
    expect(r2[1]!.toString()).toBe("Sun, 22 Nov 2026 22:07:12 GMT");
    expect(r3[3]!.toString()).toBe("3");
    expect(r.seen[3]!.headers).toEqual(r.seen[2]!.headers);
  });

  it("a 1xx head between two identical final heads changes nothing", () => {
    const r = new Recorder();
    expect(r.feed(`${OK}HTTP/1.1 100 Continue\r\nX-Info: 1\r\n\r\n${OK}`)).toBeNull();
    expect(r.seen[1]).toEqual(r.seen[0]);
  });

  it("a repeated head with a different framing is parsed again", () => {
    const r = new Recorder();
    const cl = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
    const chunked = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n";
    expect(r.feed(cl + chunked + cl)).toBeNull();
    expect(r.seen.map((s) => s.body)).toEqual(["ok", "hi", "ok"]);
  });
});

describe("bad bytes become llhttp's HPE_* codes (kind: protocol)", () => {
  it.each([
    ["not HTTP at all", "THIS IS NOT HTTP\r\n\r\n", "HPE_INVALID_CONSTANT"],
    ["known at the first byte", "X", "HPE_INVALID_CONSTANT"],
    ["an unknown version", "HTTP/2.0 200 OK\r\n\r\n", "HPE_INVALID_VERSION"],
    ["a status that is not 3 digits", "HTTP/1.1 2x0 OK\r\n\r\n", "HPE_INVALID_STATUS"],
    ["a space in a header name", "HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n", "HPE_INVALID_HEADER_TOKEN"],
    ["an obs-fold continuation line", "HTTP/1.1 200 OK\r\nA: b\r\n c\r\n\r\n", "HPE_INVALID_HEADER_TOKEN"],
    ["a control character in a value", "HTTP/1.1 200 OK\r\nA: b\u0001c\r\n\r\n", "HPE_INVALID_HEADER_TOKEN"],
    ["a bare LF after a value", "HTTP/1.1 200 OK\r\nA: b\nC: d\r\n\r\n", "HPE_CR_EXPECTED"],
    [
      "a Content-Length that is not a number",
      "HTTP/1.1 200 OK\r\nContent-Length: 12a\r\n\r\n",
      "HPE_INVALID_CONTENT_LENGTH",
    ],
    [
      "two Content-Length headers",
      "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nx",
      "HPE_UNEXPECTED_CONTENT_LENGTH",
    ],
    [
      "Content-Length with Transfer-Encoding",
      "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n",
      "HPE_UNEXPECTED_CONTENT_LENGTH",
    ],
    [
      "a chunk size that is not hex",
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
      "HPE_INVALID_CHUNK_SIZE",
    ],
    [
      "an empty chunk size",
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\r\n",
      "HPE_INVALID_CHUNK_SIZE",
    ],
    [
      "a chunk size beyond 2^53",
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffffff\r\n",
      "HPE_INVALID_CHUNK_SIZE",
    ],
    [
      "chunk data longer than its size",
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n0\r\n\r\n",
      "HPE_STRICT",
    ],
  ])("%s", (_label, res, code) => {
    const r = new Recorder();
    const err = r.feed(res);
    expect(codeOf(err)).toBe(code);
    expect(err).toMatchObject({ name: "HTTPParserError" });
    expect(err!.message).toMatch(/^Response does not match the HTTP\/1.1 protocol \(.+\)$/);
    expect(classifyNetError(err)).toEqual({ kind: "protocol", code });
    // The parser stays failed.
    expect(r.parser.execute(Buffer.from(OK))).toBe(err);
  });

  it("a head over maxHeaderSize is a headers overflow, complete or not", () => {
    const big = `HTTP/1.1 200 OK\r\nX-Big: ${"a".repeat(300)}\r\n\r\n`;
    expect(codeOf(new Recorder([], -1, 256).feed(big))).toBe("UND_ERR_HEADERS_OVERFLOW");
    const partial = new Recorder([], -1, 256);
    const cuts = Array.from({ length: 40 }, (_, i) => (i + 1) * 10);
    expect(codeOf(partial.feed(big.slice(0, 300), cuts))).toBe("UND_ERR_HEADERS_OVERFLOW");
    expect(classifyNetError(partial.parser.error).kind).toBe("protocol");
  });
});

describe("end of file", () => {
  it("before any byte of a response: nothing to report", () => {
    const r = new Recorder();
    expect(r.feed(OK)).toBeNull();
    expect(r.parser.finish()).toBeNull();
  });

  it.each([
    ["in the head", "HTTP/1.1 200 OK\r\nContent-Le", "UND_ERR_SOCKET"],
    ["in a keep-alive body", "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", "UND_ERR_SOCKET"],
    [
      "in a body announced with Connection: close",
      "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 10\r\n\r\nabc",
      "UND_ERR_RES_CONTENT_LENGTH_MISMATCH",
    ],
    [
      "in a chunked body announced with Connection: close",
      "HTTP/1.1 200 OK\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nab",
      "HPE_INVALID_EOF_STATE",
    ],
  ])("%s: the code undici gives", (_label, res, code) => {
    const r = new Recorder();
    expect(r.feed(res)).toBeNull();
    const err = r.parser.finish();
    expect(codeOf(err)).toBe(code);
    expect(r.seen.every((s) => !s.complete)).toBe(true);
  });
});
