import { compress } from "snappyjs";
import type { Agent } from "undici";
import { undici } from "../../protocols/undici-lazy.js";

/**
 * Prometheus remote write 1.0: a protobuf `WriteRequest`, snappy-compressed (block format),
 * POSTed with the protocol's headers. Encoded by hand — four messages, two wire types — rather
 * than with a protobuf library and a .proto file:
 *
 *   WriteRequest { repeated TimeSeries timeseries = 1; }
 *   TimeSeries   { repeated Label labels = 1; repeated Sample samples = 2; }
 *   Label        { string name = 1; string value = 2; }
 *   Sample       { double value = 1; int64 timestamp = 2; }     timestamp: epoch ms
 */
export interface RemoteSeries {
  /** Label pairs, `__name__` included; sorted by name here before encoding (the spec asks for it). */
  labels: [name: string, value: string][];
  samples: { value: number; timestamp: number }[];
}

/** The uncompressed protobuf bytes of a WriteRequest. */
export function encodeWriteRequest(series: readonly RemoteSeries[]): Buffer {
  const w = new WriteRequestWriter();
  for (const s of series) w.series(encodeLabels(s.labels), s.samples);
  return w.finish();
}

/**
 * The Label messages of a series, encoded once (sorted by name, as the spec asks): outputs that
 * send the same series every interval cache these bytes instead of encoding strings again.
 */
export function encodeLabels(labels: readonly (readonly [string, string])[]): Buffer {
  const sorted = [...labels].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const w = new ProtoWriter();
  for (const [n, v] of sorted) {
    const size = fieldSize(1, utf8Length(n)) + fieldSize(2, utf8Length(v));
    w.tag(1, 2);
    w.varint(size);
    w.string(1, n);
    w.string(2, v);
  }
  return w.finish();
}

/** Appends TimeSeries to a WriteRequest from pre-encoded labels. */
export class WriteRequestWriter {
  private readonly w = new ProtoWriter();
  count = 0;

  /** One TimeSeries: `labels` from `encodeLabels`, then its samples. */
  series(labels: Buffer, samples: readonly { value: number; timestamp: number }[]): void {
    let size = labels.length;
    for (const x of samples) size += fieldSize(2, sampleSize(x.timestamp));
    this.w.tag(1, 2);
    this.w.varint(size);
    this.w.raw(labels);
    for (const x of samples) {
      this.w.tag(2, 2);
      this.w.varint(sampleSize(x.timestamp));
      this.w.tag(1, 1);
      this.w.double(x.value);
      this.w.tag(2, 0);
      this.w.varint(x.timestamp);
    }
    this.count++;
  }

  /** A TimeSeries with one sample (what outputs send every interval). */
  one(labels: Buffer, value: number, timestamp: number): void {
    const sample = sampleSize(timestamp);
    this.w.tag(1, 2);
    this.w.varint(labels.length + fieldSize(2, sample));
    this.w.raw(labels);
    this.w.tag(2, 2);
    this.w.varint(sample);
    this.w.tag(1, 1);
    this.w.double(value);
    this.w.tag(2, 0);
    this.w.varint(timestamp);
    this.count++;
  }

  finish(): Buffer {
    return this.w.finish();
  }
}

/** Sample { double value = 1; int64 timestamp = 2; }: 1 + 8 + 1 + varint. */
function sampleSize(timestamp: number): number {
  return 10 + varintSize(timestamp);
}

/** Snappy block compression, what remote write receivers expect (`Content-Encoding: snappy`). */
export function compressWriteRequest(protobuf: Buffer): Buffer {
  const out = compress(protobuf);
  return Buffer.from(out.buffer, out.byteOffset, out.byteLength);
}

class ProtoWriter {
  private buf = Buffer.allocUnsafe(1 << 16);
  private pos = 0;

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(bigger, 0, 0, this.pos);
    this.buf = bigger;
  }

  tag(field: number, wire: number): void {
    this.varint(field * 8 + wire);
  }

  /** Unsigned varint for 0 ≤ v < 2^53 (timestamps and lengths). */
  varint(v: number): void {
    this.ensure(10);
    while (v >= 128) {
      this.buf[this.pos++] = (v % 128) | 0x80;
      v = Math.floor(v / 128);
    }
    this.buf[this.pos++] = v;
  }

  raw(b: Buffer): void {
    this.ensure(b.length);
    b.copy(this.buf, this.pos);
    this.pos += b.length;
  }

  double(v: number): void {
    this.ensure(8);
    this.buf.writeDoubleLE(v, this.pos);
    this.pos += 8;
  }

  string(field: number, s: string): void {
    const n = utf8Length(s);
    this.tag(field, 2);
    this.varint(n);
    this.ensure(n);
    this.buf.write(s, this.pos, "utf8");
    this.pos += n;
  }

  finish(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.pos));
  }
}

function varintSize(v: number): number {
  let n = 1;
  while (v >= 128) {
    v = Math.floor(v / 128);
    n++;
  }
  return n;
}

/** Bytes of a length-delimited field: tag (1 byte for fields < 16) + length varint + payload. */
function fieldSize(_field: number, payload: number): number {
  return 1 + varintSize(payload) + payload;
}

function utf8Length(s: string): number {
  return Buffer.byteLength(s, "utf8");
}

export interface RemoteWriteClientOptions {
  url: string;
  /** Extra headers (Authorization). */
  headers?: Readonly<Record<string, string>>;
  /** Per request, ms. Default 10 s. */
  timeoutMs?: number;
  /** Batches waiting beyond this are dropped, oldest first (a slow receiver must not grow memory). */
  maxQueued?: number;
  /** Said once per kind of problem; never blocks. */
  warn: (message: string) => void;
}

/**
 * Sends compressed WriteRequests one at a time, in order (Prometheus rejects samples older than
 * the newest of a series, so batches must not overtake each other). Network errors, 5xx and 429
 * are retried with backoff (0.25, 0.5, 1, 2 s); other 4xx drop the batch. Problems are reported
 * through `warn`, once per kind.
 */
export class RemoteWriteClient {
  private readonly queue: Buffer[] = [];
  private readonly agent: Agent;
  private pumping: Promise<void> | null = null;
  private readonly warned = new Set<string>();
  private closed = false;
  sent = 0;
  dropped = 0;

  constructor(private readonly opts: RemoteWriteClientOptions) {
    const t = opts.timeoutMs ?? 10_000;
    this.agent = new (undici().Agent)({
      connections: 1,
      headersTimeout: t,
      bodyTimeout: t,
      connectTimeout: t,
    });
  }

  /** Queue one WriteRequest (protobuf, uncompressed). Returns immediately. */
  send(protobuf: Buffer): void {
    if (this.closed) return;
    this.queue.push(compressWriteRequest(protobuf));
    const max = this.opts.maxQueued ?? 120;
    while (this.queue.length > max) {
      this.queue.shift();
      this.dropped++;
      this.warnOnce(
        "queue",
        `prometheus remote write: the receiver is too slow; dropping the oldest batches`,
      );
    }
    this.pumping ??= this.pump().finally(() => {
      this.pumping = null;
    });
  }

  /** Wait for queued batches (at most `deadlineMs`), then close the connection. */
  async close(deadlineMs = 10_000): Promise<void> {
    this.closed = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<void>((r) => {
      timer = setTimeout(r, deadlineMs);
    });
    await Promise.race([this.drained(), timeout]);
    clearTimeout(timer);
    if (this.queue.length > 0) {
      this.dropped += this.queue.length;
      this.warnOnce(
        "close",
        `prometheus remote write: ${this.queue.length} batches not sent before the deadline`,
      );
      this.queue.length = 0;
    }
    await this.agent.close().catch(() => undefined);
  }

  private async drained(): Promise<void> {
    while (this.pumping !== null) await this.pumping;
  }

  private async pump(): Promise<void> {
    while (this.queue.length > 0) {
      const body = this.queue[0]!;
      let delivered = false;
      for (let attempt = 0; attempt < 5 && !delivered; attempt++) {
        if (attempt > 0) await sleep(250 * 2 ** (attempt - 1));
        const verdict = await this.post(body);
        if (verdict === "ok") delivered = true;
        else if (verdict === "drop") break;
      }
      if (this.queue[0] === body) this.queue.shift();
      if (delivered) this.sent++;
      else this.dropped++;
    }
  }

  private async post(body: Buffer): Promise<"ok" | "retry" | "drop"> {
    try {
      const res = await undici().request(this.opts.url, {
        method: "POST",
        dispatcher: this.agent,
        headers: {
          "content-type": "application/x-protobuf",
          "content-encoding": "snappy",
          "x-prometheus-remote-write-version": "0.1.0",
          "user-agent": "strain",
          ...this.opts.headers,
        },
        body,
      });
      const text = await res.body.text();
      if (res.statusCode >= 200 && res.statusCode < 300) return "ok";
      const retry = res.statusCode >= 500 || res.statusCode === 429;
      this.warnOnce(
        `status ${res.statusCode}`,
        `prometheus remote write: the receiver answered ${res.statusCode}${
          text ? ` (${text.trim().split("\n")[0]!.slice(0, 200)})` : ""
        }${retry ? "; retrying" : "; batch dropped"}`,
      );
      return retry ? "retry" : "drop";
    } catch (err) {
      this.warnOnce(
        "network",
        `prometheus remote write: cannot reach the receiver (${(err as Error).message}); retrying`,
      );
      return "retry";
    }
  }

  private warnOnce(kind: string, message: string): void {
    if (this.warned.has(kind)) return;
    this.warned.add(kind);
    this.opts.warn(message);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
