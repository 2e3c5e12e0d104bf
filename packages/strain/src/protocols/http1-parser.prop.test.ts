import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { HEAD_CONTINUE, HEAD_SKIP_BODY, Http1ResponseParser, type ResponseSink } from "./http1-parser.js";

/**
 * The parser against a model: random response sequences (Content-Length, chunked with extensions
 * and trailers, close-delimited last; 1xx heads in between; HEAD, 204, 304) are serialised, fed in
 * pieces cut anywhere, and must come out as generated.
 */

type Framing = "length" | "chunked" | "close";

interface Spec {
  status: number;
  reason: string;
  minor: 0 | 1;
  headers: [string, string][];
  body: Uint8Array;
  framing: Framing;
  /** Chunk boundaries (offsets into body) for chunked framing. */
  cuts: number[];
  extensions: boolean;
  trailers: [string, string][];
  informational: boolean;
  /** The request was HEAD: no body on the wire. */
  head: boolean;
}

interface Out {
  status: number;
  reason: string;
  headers: [string, string][];
  body: string;
  complete: boolean;
}

const name = fc.stringMatching(/^X-[A-Za-z0-9!#$%&'*+.^_`|~-]{1,12}$/);
// field-content: no leading or trailing whitespace (the parser trims it), obs-text allowed.
const value = fc.oneof(
  fc.constant(""),
  fc.stringMatching(/^[!-~\u0080-\u00ff]([ \t!-~\u0080-\u00ff]{0,20}[!-~\u0080-\u00ff])?$/),
);

const spec = (last: boolean): fc.Arbitrary<Spec> =>
  fc
    .record({
      status: fc.constantFrom(200, 201, 204, 206, 301, 304, 404, 500, 503),
      reason: fc.oneof(fc.constant(""), fc.stringMatching(/^[A-Za-z][A-Za-z -]{0,15}$/)),
      minor: fc.constantFrom<0 | 1>(0, 1, 1, 1),
      headers: fc.array(fc.tuple(name, value), { maxLength: 5 }),
      body: fc.uint8Array({ maxLength: 200 }),
      framing: last
        ? fc.constantFrom<Framing>("length", "chunked", "close")
        : fc.constantFrom<Framing>("length", "chunked"),
      cuts: fc.array(fc.integer({ min: 1, max: 199 }), { maxLength: 6 }),
      extensions: fc.boolean(),
      trailers: fc.array(fc.tuple(name, value), { maxLength: 2 }),
      informational: fc.boolean(),
      head: fc.boolean(),
    })
    .map((s) => ({
      ...s,
      // Only a last response may run until close; HTTP/1.0 ones say keep-alive to allow a next one.
      cuts: [...new Set(s.cuts.filter((c) => c < s.body.length))].sort((a, b) => a - b),
    }));

const sequence = fc
  .array(spec(false), { maxLength: 3 })
  .chain((first) => spec(true).map((lastOne) => [...first, lastOne]));

function noBody(s: Spec): boolean {
  return s.head || s.status === 204 || s.status === 304;
}

function serialise(specs: readonly Spec[]): Buffer {
  const parts: Buffer[] = [];
  const text = (t: string) => parts.push(Buffer.from(t, "latin1"));
  for (const s of specs) {
    if (s.informational) text("HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\n");
    text(`HTTP/1.${s.minor} ${s.status}${s.reason === "" ? "" : ` ${s.reason}`}\r\n`);
    if (s.minor === 0) text("Connection: keep-alive\r\n");
    for (const [n, v] of s.headers) text(`${n}: ${v}\r\n`);
    if (s.framing === "length") text(`Content-Length: ${s.body.length}\r\n`);
    if (s.framing === "chunked") text("Transfer-Encoding: chunked\r\n");
    text("\r\n");
    if (noBody(s)) continue;
    if (s.framing === "chunked") {
      let from = 0;
      for (const cut of [...s.cuts, s.body.length]) {
        if (cut <= from) continue;
        text(`${(cut - from).toString(16)}${s.extensions ? ';ext="v"' : ""}\r\n`);
        parts.push(Buffer.from(s.body.subarray(from, cut)));
        text("\r\n");
        from = cut;
      }
      text("0\r\n");
      for (const [n, v] of s.trailers) text(`${n}: ${v}\r\n`);
      text("\r\n");
    } else {
      parts.push(Buffer.from(s.body));
    }
  }
  return Buffer.concat(parts);
}

function expected(specs: readonly Spec[]): Out[] {
  return specs.map((s) => {
    const headers: [string, string][] = [];
    if (s.minor === 0) headers.push(["Connection", "keep-alive"]);
    headers.push(...s.headers);
    if (s.framing === "length") headers.push(["Content-Length", String(s.body.length)]);
    if (s.framing === "chunked") headers.push(["Transfer-Encoding", "chunked"]);
    return {
      status: s.status,
      reason: s.reason,
      headers,
      body: noBody(s) ? "" : Buffer.from(s.body).toString("latin1"),
      complete: true,
    };
  });
}

class Recorder implements ResponseSink {
  readonly parser = new Http1ResponseParser(this);
  readonly out: Out[] = [];
  private bodies: Buffer[] = [];
  constructor(private readonly heads: readonly boolean[]) {}

  onResponseHead(status: number, reason: string, raw: Buffer[]): number {
    const headers: [string, string][] = [];
    for (let i = 0; i + 1 < raw.length; i += 2) {
      headers.push([raw[i]!.toString("latin1"), raw[i + 1]!.toString("latin1")]);
    }
    this.bodies = [];
    this.out.push({ status, reason, headers, body: "", complete: false });
    return this.heads[this.out.length - 1] === true ? HEAD_SKIP_BODY : HEAD_CONTINUE;
  }
  onResponseBody(chunk: Buffer): boolean {
    this.bodies.push(Buffer.from(chunk));
    return true;
  }
  onResponseComplete(): boolean {
    const r = this.out[this.out.length - 1]!;
    r.body = Buffer.concat(this.bodies).toString("latin1");
    r.complete = true;
    return true;
  }
}

/** Parse `bytes` cut at `cuts` (each piece a fresh Buffer), then end of file. */
function parse(specs: readonly Spec[], bytes: Buffer, cuts: readonly number[]): Out[] {
  const r = new Recorder(specs.map((s) => s.head));
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    if (cut <= from) continue;
    const err = r.parser.execute(Buffer.from(bytes.subarray(from, cut)));
    if (err !== null) throw err;
    from = cut;
  }
  const err = r.parser.finish();
  if (err !== null) throw err;
  return r.out;
}

describe("Http1ResponseParser (property)", () => {
  it("parses any response sequence whole, as generated", () => {
    fc.assert(
      fc.property(sequence, (specs) => {
        expect(parse(specs, serialise(specs), [])).toEqual(expected(specs));
      }),
      { numRuns: 300 },
    );
  });

  it("gives the same result for a split at every byte boundary", () => {
    fc.assert(
      fc.property(sequence, (specs) => {
        const bytes = serialise(specs);
        const want = expected(specs);
        for (let i = 1; i < bytes.length; i++) expect(parse(specs, bytes, [i])).toEqual(want);
      }),
      { numRuns: 40 },
    );
  });

  it("gives the same result fed one byte at a time, or cut anywhere", () => {
    fc.assert(
      fc.property(
        sequence,
        fc.array(fc.integer({ min: 1, max: 4000 }), { maxLength: 20 }),
        (specs, rawCuts) => {
          const bytes = serialise(specs);
          const want = expected(specs);
          const cuts = [...new Set(rawCuts.map((c) => c % bytes.length))].sort((a, b) => a - b);
          expect(parse(specs, bytes, cuts)).toEqual(want);
          expect(
            parse(
              specs,
              bytes,
              Array.from({ length: bytes.length }, (_, i) => i),
            ),
          ).toEqual(want);
        },
      ),
      { numRuns: 150 },
    );
  });
});
