import { closeSync, openSync, readSync, statSync } from "node:fs";
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from "node:worker_threads";
import type { RunTimeline } from "../criteria/timeline.js";
import type { IntervalSnapshot } from "../metrics/types.js";
import { GENERATOR_METRICS } from "../monitors/generator.js";
import type { MonitorExtras } from "../monitors/types.js";
import { evaluateRunValidity, type RunValidity } from "../monitors/validity.js";
import {
  COLLECTED_METRICS,
  type CollectedPart,
  type CollectedSeries,
  IntervalCollector,
  isMonitorMetric,
  mergeParts,
} from "./interval-series.js";
import { type EndLine, type LoadedRun, loadedRun, readRunFiles, scanSeries } from "./load-run.js";
import type { ValidityView } from "./report-sections.js";

/** A run directory read for a report: the loaded files, the per-interval series, the validity. */
export interface CollectedRun {
  run: LoadedRun;
  series: CollectedSeries;
  validity: ValidityView;
}

export interface CollectRunOptions {
  /**
   * Read the second half of a large series in a worker thread (default true). Used only from the
   * built package (a worker cannot load TypeScript sources) and for series of 32 MB or more.
   */
  parallel?: boolean;
}

/** Metrics validity is judged from (monitors/validity.ts): kept from every interval. */
const VALIDITY_METRICS = new Set<string>([
  GENERATOR_METRICS.cpu,
  GENERATOR_METRICS.loopP99,
  "iterations",
  "dropped_iterations",
]);

const PARALLEL_MIN_BYTES = 32 << 20;

/** One byte range of series.ndjson, read by the main thread or by a worker. */
interface PartArgs {
  path: string;
  from: number;
  to: number;
  /** Epoch ms of interval 0. */
  t0: number | null;
  timeline: RunTimeline | null;
  /** Parse only what the report draws (summary.json exists, so no rebuild needs the rest). */
  filter: boolean;
  /** Keep every snapshot whole (summary.json must be rebuilt from them). */
  keepSnapshots: boolean;
}

/** What one range yields; plain data, so it crosses a worker boundary. */
interface SeriesPart {
  collected: CollectedPart;
  warnings: string[];
  monitors: MonitorExtras[] | null;
  end: EndLine | null;
  truncated: boolean;
  corrupt: number;
  intervals: number;
  validity: IntervalSnapshot[];
  snapshots: IntervalSnapshot[];
  generatorSeen: boolean;
}

function scanPart(a: PartArgs): SeriesPart {
  const collector = new IntervalCollector(a.t0, a.timeline);
  const part: Omit<SeriesPart, "collected" | "truncated" | "corrupt"> = {
    warnings: [],
    monitors: null,
    end: null,
    intervals: 0,
    validity: [],
    snapshots: [],
    generatorSeen: false,
  };
  const keep = a.filter ? (m: string) => COLLECTED_METRICS.has(m) || isMonitorMetric(m) : undefined;
  const { truncated, corrupt } = scanSeries(a.path, a.from, a.to, keep, (line) => {
    if (line.type === "interval") {
      const { type: _t, ...snap } = line;
      part.intervals++;
      collector.add(snap);
      const entries = snap.entries.filter((e) => VALIDITY_METRICS.has(e.metric));
      if (!part.generatorSeen) part.generatorSeen = entries.some((e) => e.metric === GENERATOR_METRICS.cpu);
      part.validity.push({ ...snap, entries });
      if (a.keepSnapshots) part.snapshots.push(snap);
    } else if (line.type === "warning") part.warnings.push(line.message);
    else if (line.type === "monitors") part.monitors = line.extras;
    else if (line.type === "end") part.end = line;
  });
  return { ...part, collected: collector.part(), truncated, corrupt };
}

/**
 * Read a run directory once for a report: run.json, summary.json (rebuilt in memory when
 * missing), and series.ndjson streamed into per-interval chart series. Large series are read in
 * two halves at once, the second in a worker thread: measured on a 1-hour, 50-tag-set series
 * (221 MB), 2.0 s in one thread, 1.1 s in two, on this 2-core machine; the halves merge into
 * exactly what one thread gives (the report tests compare both).
 */
export function collectRun(runDir: string, options: CollectRunOptions = {}): CollectedRun {
  const files = readRunFiles(runDir);
  const size = statSync(files.seriesPath).size;
  const t0 = files.info?.runStartEpoch ?? firstIntervalT0(files.seriesPath);
  const base = {
    path: files.seriesPath,
    t0,
    timeline: files.info?.timeline ?? null,
    filter: files.written !== null,
    keepSnapshots: files.written === null,
  };
  const parallel =
    options.parallel !== false &&
    files.written !== null &&
    size >= PARALLEL_MIN_BYTES &&
    WORKER_ENTRY !== null;
  let parts: SeriesPart[];
  if (parallel) {
    const split = lineStartAfter(files.seriesPath, Math.floor(size / 2));
    const worker = startPart({ ...base, from: split, to: size });
    const first = scanPart({ ...base, from: 0, to: split });
    // A bad last line of the first half is not the end of the file: it is corrupt, not truncated.
    if (first.truncated) {
      first.truncated = false;
      first.corrupt++;
    }
    parts = [first, worker.result() ?? scanPart({ ...base, from: split, to: size })];
  } else parts = [scanPart({ ...base, from: 0, to: size })];

  const last = parts[parts.length - 1]!;
  const run = loadedRun(
    files,
    {
      warnings: parts.flatMap((p) => p.warnings),
      monitors: parts.reduce<MonitorExtras[] | null>((m, p) => p.monitors ?? m, null),
      end: parts.reduce<EndLine | null>((e, p) => p.end ?? e, null),
      truncated: last.truncated,
      corrupt: parts.reduce((n, p) => n + p.corrupt, 0),
      intervals: parts.reduce((n, p) => n + p.intervals, 0),
    },
    parts.flatMap((p) => p.snapshots),
  );
  const series = mergeParts(parts.map((p) => p.collected));
  const generatorSeen = parts.some((p) => p.generatorSeen);
  const own = (run.summary as { validity?: RunValidity }).validity;
  const validity: ValidityView =
    own !== undefined && own !== null && typeof own.status === "string"
      ? {
          validity: own,
          generatorMonitored: generatorSeen || own.status === "generator_saturated",
          fromSummary: true,
        }
      : {
          validity: evaluateRunValidity(
            parts.flatMap((p) => p.validity),
            run.info?.runStartEpoch != null ? { runStartEpoch: run.info.runStartEpoch } : {},
          ),
          generatorMonitored: generatorSeen,
          fromSummary: false,
        };
  return { run, series, validity };
}

/** Interval 0's start from the first interval line (for run directories without runStartEpoch). */
function firstIntervalT0(path: string): number | null {
  let t0: number | null = null;
  try {
    const fd = openSync(path, "r");
    try {
      const buf = Buffer.alloc(4096);
      const n = readSync(fd, buf, 0, buf.length, 0);
      const m = /"index":(\d+),"start":(\d+),"end":(\d+)/.exec(buf.toString("latin1", 0, n));
      if (m !== null) t0 = Number(m[2]) - Number(m[1]) * (Number(m[3]) - Number(m[2]));
    } finally {
      closeSync(fd);
    }
  } catch {
    t0 = null;
  }
  return t0;
}

/** The offset of the first line that starts at or after `at`. */
function lineStartAfter(path: string, at: number): number {
  const fd = openSync(path, "r");
  try {
    const buf = Buffer.allocUnsafe(1 << 20);
    for (let pos = at; ; pos += buf.length) {
      const n = readSync(fd, buf, 0, buf.length, pos);
      if (n === 0) return pos;
      const nl = buf.subarray(0, n).indexOf(10);
      if (nl >= 0) return pos + nl + 1;
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * This module, when it can run in a worker: the built .js. Under a TypeScript loader (tests from
 * sources) a worker could not import it, so everything is read in one thread.
 */
const WORKER_ENTRY = import.meta.url.endsWith(".js") ? import.meta.url : null;

/**
 * The worker's script, valid as CommonJS and as a module (an eval'd worker inherits the parent's
 * --input-type): imports this module and runs `runPartInWorker`. Any failure, even to load, is
 * posted back, so the main thread never waits for a message that cannot come.
 */
const BOOT = `
import("node:worker_threads").then(({ workerData }) =>
  import(workerData.entry)
    .then((m) => m.runPartInWorker(workerData))
    .catch((err) => {
      workerData.port.postMessage({ error: String((err && err.stack) || err) });
      Atomics.store(workerData.done, 0, 1);
      Atomics.notify(workerData.done, 0);
    }),
);
`;

/** Start reading a range in a worker; `result()` blocks until it is read (null if it failed). */
function startPart(args: PartArgs): { result: () => SeriesPart | null } {
  const done = new Int32Array(new SharedArrayBuffer(4));
  const { port1, port2 } = new MessageChannel();
  let worker: Worker;
  try {
    worker = new Worker(BOOT, {
      eval: true,
      workerData: { entry: WORKER_ENTRY, args, port: port2, done },
      transferList: [port2],
    });
  } catch {
    return { result: () => null };
  }
  worker.unref();
  worker.on("error", () => undefined);
  return {
    result: () => {
      // Synchronous wait (renderReport is synchronous): the worker sets `done` after posting.
      // A worker that died without a word: give up after a minute and read its range here.
      const deadline = Date.now() + 60_000;
      while (Atomics.load(done, 0) === 0) {
        if (Date.now() > deadline) break;
        Atomics.wait(done, 0, 0, 1000);
      }
      const msg = receiveMessageOnPort(port1)?.message as { part?: SeriesPart; error?: string } | undefined;
      port1.close();
      void worker.terminate();
      return msg?.part ?? null;
    },
  };
}

/** @internal The worker side of `startPart`. */
export function runPartInWorker(data: { args: PartArgs; port: MessagePort; done: Int32Array }): void {
  try {
    data.port.postMessage({ part: scanPart(data.args) });
  } catch (err) {
    data.port.postMessage({ error: String((err as Error).stack ?? err) });
  } finally {
    Atomics.store(data.done, 0, 1);
    Atomics.notify(data.done, 0);
  }
}
