/** Recording one latency: the HDR histogram alone, and a trend cell (exact count/sum/min/max + histogram). */
import { Histogram } from "../../packages/strain/dist/metrics/histogram.js";
import { MetricsRegistry } from "../../packages/strain/dist/metrics/registry.js";
import { consume, latencySamples, type MicroCase } from "./measure.js";

const SAMPLES = latencySamples(1 << 16);
const MASK = SAMPLES.length - 1;

export function histogramCases(): MicroCase[] {
  const hist = new Histogram();
  const registry = new MetricsRegistry();
  const cell = registry.trend(
    "http_req_duration",
    registry.tagSet({ name: "home", method: "GET", status: "200" }),
  );
  let i = 0;
  return [
    {
      name: "histogram record (Histogram.recordMs)",
      unit: "value",
      ops: 1_000_000,
      run(ops) {
        for (let k = 0; k < ops; k++) hist.recordMs(SAMPLES[i++ & MASK]!);
        consume(hist.totalCount);
      },
    },
    {
      name: "trend record (TrendCell.add: stats + histogram)",
      unit: "value",
      ops: 1_000_000,
      run(ops) {
        for (let k = 0; k < ops; k++) cell.add(SAMPLES[i++ & MASK]!);
        consume(cell);
      },
    },
  ];
}
