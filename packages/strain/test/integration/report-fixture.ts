import { closeSync, mkdirSync, openSync, writeSync } from "node:fs";
import { join } from "node:path";
import { Histogram } from "../../src/metrics/histogram.js";
import type { IntervalSnapshot, SnapshotEntry } from "../../src/metrics/types.js";
import { RUN_FORMAT, type RunInfo, writeJsonAtomic } from "../../src/results/run-dir.js";
import { buildSummary } from "../../src/results/summary.js";

/**
 * A synthetic run directory in the exact format a run writes: run.json, series.ndjson (merged
 * intervals: http_reqs / http_req_started / http_req_duration / http_req_waiting / http_req_failed
 * per tag set, iterations, vus, system and generator monitor levels), summary.json. Deterministic.
 */
export interface SyntheticRunOptions {
  intervals: number;
  /** Distinct request names (one tag set each, plus an error tag set on every 10th). */
  tagSets: number;
  /** Requests per tag set per interval. */
  perInterval: number;
  /** A latency spike: in this interval, route 0 answers in `spike.ms`. */
  spike?: { interval: number; ms: number };
  /** Write summary.json (a finished run always has one). */
  summary?: boolean;
  t0?: number;
}

export function writeSyntheticRun(dir: string, o: SyntheticRunOptions): { dir: string; requests: number } {
  mkdirSync(dir, { recursive: true });
  const t0 = o.t0 ?? Date.UTC(2025, 0, 1, 12, 0, 0);
  const info: RunInfo = {
    format: RUN_FORMAT,
    plan: { name: "synthetic", path: "/plans/synthetic.ts", description: "synthetic hour" },
    options: { workers: 2, intervalMs: 1000, env: ["TOKEN"] },
    scenarios: [
      {
        name: "s",
        executor: "constant-arrival-rate",
        plannedDurationMs: o.intervals * 1000,
        flows: ["default"],
      },
    ],
    timeline: {
      intervalMs: 1000,
      scenarios: [
        {
          name: "s",
          executor: "constant-arrival-rate",
          model: "open",
          tags: {},
          startMs: 0,
          endMs: o.intervals * 1000,
          gracefulStopMs: 1000,
          segments: [
            {
              startMs: 0,
              endMs: o.intervals * 1000,
              from: o.tagSets * o.perInterval,
              to: o.tagSets * o.perInterval,
            },
          ],
        },
      ],
    },
    versions: { strain: "0.1.0", node: process.version },
    host: { hostname: "synthetic", platform: "linux", arch: "x64", cpus: 2 },
    runStartEpoch: t0,
    startedAt: new Date(t0 - 500).toISOString(),
  };
  writeJsonAtomic(join(dir, "run.json"), info);
  const fd = openSync(join(dir, "series.ndjson"), "w");
  const snapshots: IntervalSnapshot[] = [];
  const h = new Histogram();
  let seed = 7;
  const rnd = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
  let requests = 0;
  let buffer = "";
  for (let i = 0; i < o.intervals; i++) {
    const entries: SnapshotEntry[] = [];
    let started = 0;
    for (let n = 0; n < o.tagSets; n++) {
      const name = `/api/route-${n}`;
      const category = `cat-${n % 5}`;
      const errors = n % 10 === 9 ? 1 : 0;
      const ok = o.perInterval - errors;
      const trend = (
        count: number,
        base: number,
      ): Omit<SnapshotEntry & { type: "trend" }, "metric" | "tags"> => {
        h.reset();
        let sum = 0;
        let min = Number.POSITIVE_INFINITY;
        let max = 0;
        for (let k = 0; k < count; k++) {
          const spike = o.spike !== undefined && o.spike.interval === i && n === 0;
          const v = spike ? o.spike!.ms : base * (0.8 + rnd() * 0.6);
          h.recordMs(v);
          sum += v;
          if (v < min) min = v;
          if (v > max) max = v;
        }
        return { type: "trend", count, sum, min, max, hist: h.encode() };
      };
      const tags = { scenario: "s", name, method: "GET", status: "200", error_class: "ok", category };
      entries.push({ metric: "http_reqs", type: "counter", tags, value: ok });
      entries.push({ metric: "http_req_duration", tags, ...trend(ok, 5 + n) } as SnapshotEntry);
      entries.push({ metric: "http_req_waiting", tags, ...trend(ok, 4 + n) } as SnapshotEntry);
      entries.push({ metric: "http_req_failed", type: "rate", tags, passes: 0, total: ok });
      if (errors > 0) {
        const et = { ...tags, status: "500", error_class: "http_error" };
        entries.push({ metric: "http_reqs", type: "counter", tags: et, value: errors });
        entries.push({ metric: "http_req_duration", tags: et, ...trend(errors, 2) } as SnapshotEntry);
        entries.push({ metric: "http_req_failed", type: "rate", tags: et, passes: errors, total: errors });
      }
      started += o.perInterval;
      requests += o.perInterval;
    }
    entries.push({ metric: "http_req_started", type: "counter", tags: { scenario: "s" }, value: started });
    entries.push({ metric: "iterations", type: "counter", tags: { scenario: "s" }, value: started });
    entries.push({ metric: "vus", type: "gauge", tags: { scenario: "s" }, value: 20, min: 18, max: 22 });
    entries.push({ metric: "vus_max", type: "gauge", tags: { scenario: "s" }, value: 40, min: 40, max: 40 });
    for (const mode of ["user", "system"]) {
      h.reset();
      const v = 20 + rnd() * 10;
      h.recordMs(v);
      entries.push({
        metric: "system_cpu_percent",
        type: "trend",
        tags: { cpu: "total", mode },
        count: 1,
        sum: v,
        min: v,
        max: v,
        hist: h.encode(),
      });
    }
    for (const worker of ["0", "1"]) {
      h.reset();
      const v = 30 + rnd() * 10;
      h.recordMs(v);
      entries.push({
        metric: "generator_cpu_percent",
        type: "trend",
        tags: { worker },
        count: 1,
        sum: v,
        min: v,
        max: v,
        hist: h.encode(),
      });
    }
    const snap: IntervalSnapshot = {
      v: 1,
      index: i,
      start: t0 + i * 1000,
      end: t0 + (i + 1) * 1000,
      entries,
    };
    if (o.summary !== false) snapshots.push(snap);
    buffer += `${JSON.stringify({ type: "interval", ...snap })}\n`;
    if (buffer.length > 1 << 22) {
      writeSync(fd, buffer);
      buffer = "";
    }
  }
  buffer += `${JSON.stringify({ type: "warning", time: t0 + 1000, message: "synthetic warning <b>escaped</b>" })}\n`;
  const end = t0 + o.intervals * 1000;
  buffer += `${JSON.stringify({ type: "end", time: end, status: "completed", exitCode: 0, errorsNotSampled: 0 })}\n`;
  writeSync(fd, buffer);
  closeSync(fd);
  if (o.summary !== false) {
    const summary = buildSummary({
      info,
      snapshots,
      warnings: ["synthetic warning <b>escaped</b>"],
      status: "completed",
      endedAt: end,
      errorsSampled: 0,
      errorsDropped: 0,
    });
    writeJsonAtomic(join(dir, "summary.json"), summary);
  }
  return { dir, requests };
}
