/**
 * The interval snapshot's cost: encoding a histogram (HdrHistogram V2 compressed base64), decoding
 * one, a worker's whole snapshot of 100 tag sets, and the coordinator's merge of two workers'.
 */
import { Histogram } from "../../packages/strain/dist/metrics/histogram.js";
import { mergeSnapshots } from "../../packages/strain/dist/metrics/merge.js";
import { MetricsRegistry } from "../../packages/strain/dist/metrics/registry.js";
import type { IntervalSnapshot } from "../../packages/strain/dist/metrics/types.js";
import { consume, latencySamples, type MicroCase } from "./measure.js";

/** Tag sets per worker and samples per tag set per interval: a realistic 1 s interval at ~5,000 req/s. */
const TAG_SETS = 100;
const PER_SET = 50;

function filledHistogram(values: number, seed: number): Histogram {
  const h = new Histogram();
  for (const v of latencySamples(values, seed)) h.recordMs(v);
  return h;
}

function workerSnapshot(seed: number): IntervalSnapshot {
  const reg = new MetricsRegistry();
  fill(reg, seed);
  return reg.snapshot(0, 0, 1000);
}

function fill(reg: MetricsRegistry, seed: number): void {
  const samples = latencySamples(TAG_SETS * PER_SET, seed);
  for (let t = 0; t < TAG_SETS; t++) {
    const set = reg.tagSet({ name: `request-${t}`, method: "GET", status: "200" });
    const trend = reg.trend("http_req_duration", set);
    const count = reg.counter("http_reqs", set);
    for (let k = 0; k < PER_SET; k++) {
      trend.add(samples[t * PER_SET + k]!);
      count.add(1);
    }
  }
}

export function snapshotCases(): MicroCase[] {
  const h100 = filledHistogram(100, 1);
  const h10k = filledHistogram(10_000, 2);
  const encoded100 = h100.encode();
  const encoded10k = h10k.encode();
  const a = workerSnapshot(3);
  const b = workerSnapshot(4);
  const reg = new MetricsRegistry();
  return [
    {
      name: "encode a histogram of 100 values",
      unit: "histogram",
      ops: 20_000,
      run(ops) {
        for (let k = 0; k < ops; k++) consume(h100.encode());
      },
    },
    {
      name: "encode a histogram of 10,000 values",
      unit: "histogram",
      ops: 5_000,
      run(ops) {
        for (let k = 0; k < ops; k++) consume(h10k.encode());
      },
    },
    {
      name: "decode a histogram of 100 values",
      unit: "histogram",
      ops: 20_000,
      run(ops) {
        for (let k = 0; k < ops; k++) consume(Histogram.decode(encoded100));
      },
    },
    {
      name: "decode a histogram of 10,000 values",
      unit: "histogram",
      ops: 5_000,
      run(ops) {
        for (let k = 0; k < ops; k++) consume(Histogram.decode(encoded10k));
      },
    },
    {
      name: `worker snapshot: ${TAG_SETS} tag sets × ${PER_SET} samples, record + snapshot`,
      unit: "interval",
      ops: 50,
      run(ops) {
        for (let k = 0; k < ops; k++) {
          fill(reg, k);
          consume(reg.snapshot(k, 0, 1000));
        }
      },
    },
    {
      name: `merge two worker snapshots (${TAG_SETS} trends + ${TAG_SETS} counters each)`,
      unit: "interval",
      ops: 200,
      run(ops) {
        for (let k = 0; k < ops; k++) consume(mergeSnapshots([a, b]));
      },
    },
  ];
}
