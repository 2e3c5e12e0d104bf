import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import fc from "fast-check";
import { uncompress } from "snappyjs";
import { describe, expect, it } from "vitest";
import {
  compressWriteRequest,
  encodeWriteRequest,
  type RemoteSeries,
  RemoteWriteClient,
} from "./remote-write.js";

/** A minimal protobuf reader for the four remote-write messages (the test's own, independent of the encoder). */
function decodeWriteRequest(buf: Uint8Array): RemoteSeries[] {
  const r = (b: Uint8Array) => {
    let pos = 0;
    const varint = () => {
      let v = 0;
      let mul = 1;
      for (;;) {
        const x = b[pos++]!;
        v += (x & 0x7f) * mul;
        mul *= 128;
        if ((x & 0x80) === 0) return v;
      }
    };
    const fields: { field: number; wire: number; bytes?: Uint8Array; num?: number }[] = [];
    while (pos < b.length) {
      const tag = varint();
      const field = Math.floor(tag / 8);
      const wire = tag % 8;
      if (wire === 2) {
        const len = varint();
        fields.push({ field, wire, bytes: b.subarray(pos, pos + len) });
        pos += len;
      } else if (wire === 1) {
        fields.push({ field, wire, num: Buffer.from(b.subarray(pos, pos + 8)).readDoubleLE(0) });
        pos += 8;
      } else if (wire === 0) fields.push({ field, wire, num: varint() });
      else throw new Error(`wire type ${wire}`);
    }
    return fields;
  };
  const text = (b: Uint8Array) => Buffer.from(b).toString("utf8");
  return r(buf)
    .filter((f) => f.field === 1)
    .map((ts) => {
      const parts = r(ts.bytes!);
      return {
        labels: parts
          .filter((p) => p.field === 1)
          .map((p) => {
            const l = r(p.bytes!);
            return [
              text(l.find((x) => x.field === 1)?.bytes ?? new Uint8Array()),
              text(l.find((x) => x.field === 2)?.bytes ?? new Uint8Array()),
            ] as [string, string];
          }),
        samples: parts
          .filter((p) => p.field === 2)
          .map((p) => {
            const s = r(p.bytes!);
            return {
              value: s.find((x) => x.field === 1)?.num ?? 0,
              timestamp: s.find((x) => x.field === 2)?.num ?? 0,
            };
          }),
      };
    });
}

const label = fc.string({ minLength: 1, maxLength: 20 });
const seriesArb = fc.array(
  fc.record({
    labels: fc.uniqueArray(fc.tuple(label, fc.string({ maxLength: 40 })), {
      minLength: 1,
      maxLength: 6,
      selector: (l) => l[0],
    }),
    samples: fc.array(
      fc.record({
        value: fc.double({ noNaN: true }),
        timestamp: fc.integer({ min: 0, max: 4_102_444_800_000 }),
      }),
      { minLength: 1, maxLength: 3 },
    ),
  }),
  { maxLength: 20 },
);

describe("remote write encoding", () => {
  it("round-trips through an independent protobuf reader and snappy, labels sorted by name", () => {
    fc.assert(
      fc.property(seriesArb, (series) => {
        const bytes = encodeWriteRequest(series as RemoteSeries[]);
        const back = decodeWriteRequest(uncompress(compressWriteRequest(bytes)));
        expect(back).toEqual(
          series.map((s) => ({
            labels: [...s.labels].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)),
            samples: s.samples.map((x) => ({
              value: Object.is(x.value, -0) ? -0 : x.value,
              timestamp: x.timestamp,
            })),
          })),
        );
      }),
    );
  });
});

describe("RemoteWriteClient", () => {
  async function receiver(statuses: number[]) {
    const bodies: Buffer[] = [];
    const headers: IncomingMessage["headers"][] = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c) => chunks.push(c));
      req.on("end", () => {
        bodies.push(Buffer.concat(chunks));
        headers.push(req.headers);
        const status = statuses.shift() ?? 204;
        res.writeHead(status).end(status >= 400 ? "out of order sample" : "");
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/write`;
    return { url, bodies, headers, close: () => new Promise<void>((r) => server.close(() => r())) };
  }

  it("sends in order with the protocol's headers, retries a 500, drops a 400 and says so once", async () => {
    const rx = await receiver([500, 204, 400, 400]);
    const warnings: string[] = [];
    const client = new RemoteWriteClient({ url: rx.url, warn: (m) => warnings.push(m) });
    const batch = (v: number) =>
      encodeWriteRequest([{ labels: [["__name__", "x"]], samples: [{ value: v, timestamp: 1000 + v }] }]);
    for (const v of [1, 2, 3]) client.send(batch(v));
    await client.close();
    await rx.close();
    const values = rx.bodies.map((b) => decodeWriteRequest(uncompress(b))[0]!.samples[0]!.value);
    expect(values).toEqual([1, 1, 2, 3]);
    expect(rx.headers[0]).toMatchObject({
      "content-type": "application/x-protobuf",
      "content-encoding": "snappy",
      "x-prometheus-remote-write-version": "0.1.0",
    });
    expect(client.sent).toBe(1);
    expect(client.dropped).toBe(2);
    expect(warnings).toEqual([
      "prometheus remote write: the receiver answered 500 (out of order sample); retrying",
      "prometheus remote write: the receiver answered 400 (out of order sample); batch dropped",
    ]);
  });
});
