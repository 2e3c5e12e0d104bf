import { readdirSync, readlinkSync } from "node:fs";
import { type IntervalHistogram, monitorEventLoopDelay } from "node:perf_hooks";
import type { SnapshotEntry } from "../metrics/types.js";
import { EntryList } from "./entries.js";

/**
 * The load generator watching itself, inside each worker process: a saturated generator measures
 * its own queueing, and its latencies understate the target's capacity. validity.ts turns these
 * samples into a verdict on the run.
 */

/**
 * Event-loop timer resolution, ms. The histogram records the time between timer wake-ups, so the
 * resolution is subtracted. Each wake-up of an idle process costs ~50 µs (measured on this
 * machine: 10 ms → 4.2–5.7 ms CPU per second, 20 ms → 2.4–2.6, 50 ms → 1.0); under load the
 * process is awake anyway and the cost was not measurable. 20 ms keeps an idle worker at 0.25% of
 * a core and still resolves the 50 ms p99 rule.
 */
const LOOP_RESOLUTION_MS = 20;

/**
 * Above this many open file descriptors, sockets are counted on an even sample of them and
 * scaled. readlink of /proc/self/fd/N costs 5–8 µs here, so counting 20,000 sockets exactly would
 * cost ~130 ms per interval; 256 readlinks cost ~2 ms.
 */
const FD_SAMPLE_LIMIT = 256;

/** One interval of one worker. */
export interface GeneratorSample {
  /** CPU used by this process during the interval, % of one core (user + system; can pass 100 with GC threads). */
  cpuPercent: number;
  /** Event-loop delay beyond the timer's resolution during the interval, ms. */
  eventLoopDelayMs: { p50: number; p99: number; max: number };
  heapUsedBytes: number;
  rssBytes: number;
  /** Open sockets (TCP, UDP, Unix) held by the process; NaN where /proc is missing. */
  openSockets: number;
  /** VUs running an iteration at the end of the interval, and VUs allocated (as given by the caller). */
  vusBusy: number;
  vusAllocated: number;
}

export interface GeneratorSampler {
  /** The interval since the previous call (or since creation). Resets the event-loop histogram. */
  sample(vus?: { busy: number; allocated: number }): GeneratorSample;
  /** Stop the event-loop timer. */
  stop(): void;
}

/**
 * Start watching this process. Call `sample()` once per interval, where the worker builds its
 * interval snapshot, and add `generatorEntries(sample, worker)` to the snapshot's entries.
 */
export function createGeneratorSampler(): GeneratorSampler {
  const loop: IntervalHistogram = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
  loop.enable();
  let lastCpu = process.cpuUsage();
  let lastAt = performance.now();
  return {
    sample(vus) {
      const now = performance.now();
      const cpuNow = process.cpuUsage();
      const cpuUs = cpuNow.user - lastCpu.user + (cpuNow.system - lastCpu.system);
      const wallUs = (now - lastAt) * 1000;
      lastCpu = cpuNow;
      lastAt = now;
      const delay = (ns: number) => (loop.count === 0 ? 0 : Math.max(0, ns / 1e6 - LOOP_RESOLUTION_MS));
      const eventLoopDelayMs = {
        p50: delay(loop.percentile(50)),
        p99: delay(loop.percentile(99)),
        max: delay(loop.max),
      };
      loop.reset();
      const mem = process.memoryUsage();
      return {
        cpuPercent: wallUs > 0 ? (cpuUs / wallUs) * 100 : Number.NaN,
        eventLoopDelayMs,
        heapUsedBytes: mem.heapUsed,
        rssBytes: mem.rss,
        openSockets: countOpenSockets(),
        vusBusy: vus?.busy ?? 0,
        vusAllocated: vus?.allocated ?? 0,
      };
    },
    stop() {
      loop.disable();
    },
  };
}

/** Sockets among this process's file descriptors (links named `socket:[inode]`). */
export function countOpenSockets(): number {
  let fds: string[];
  try {
    fds = readdirSync("/proc/self/fd");
  } catch {
    return Number.NaN;
  }
  const step = fds.length > FD_SAMPLE_LIMIT ? fds.length / FD_SAMPLE_LIMIT : 1;
  let seen = 0;
  let sockets = 0;
  for (let i = 0; i < fds.length; i += step) {
    seen++;
    try {
      if (readlinkSync(`/proc/self/fd/${fds[Math.floor(i)]}`).startsWith("socket:")) sockets++;
    } catch {
      // closed between readdir and readlink
    }
  }
  return seen === 0 ? 0 : Math.round((sockets / seen) * fds.length);
}

/** Series names of the generator monitor; validity.ts reads the first two back from snapshots. */
export const GENERATOR_METRICS = {
  cpu: "generator_cpu_percent",
  loopP99: "generator_event_loop_delay_p99_ms",
  loopP50: "generator_event_loop_delay_p50_ms",
  loopMax: "generator_event_loop_delay_max_ms",
  heap: "generator_heap_used_bytes",
  rss: "generator_rss_bytes",
  sockets: "generator_open_sockets",
  vusBusy: "generator_vus_busy",
  vusAllocated: "generator_vus_allocated",
} as const;

/**
 * The sample as snapshot entries tagged `worker`:
 *
 *   generator_cpu_percent{worker}                 level, % of one core
 *   generator_event_loop_delay_{p50,p99,max}_ms   level, ms
 *   generator_heap_used_bytes / generator_rss_bytes  gauge, bytes
 *   generator_open_sockets                        level
 *   generator_vus_busy / generator_vus_allocated  gauge (summed over workers in the merged interval)
 */
export function generatorEntries(s: GeneratorSample, worker: number | string): SnapshotEntry[] {
  const tags = { worker: String(worker) };
  const out = new EntryList();
  out.level(GENERATOR_METRICS.cpu, tags, s.cpuPercent);
  out.level(GENERATOR_METRICS.loopP50, tags, s.eventLoopDelayMs.p50);
  out.level(GENERATOR_METRICS.loopP99, tags, s.eventLoopDelayMs.p99);
  out.level(GENERATOR_METRICS.loopMax, tags, s.eventLoopDelayMs.max);
  out.gauge(GENERATOR_METRICS.heap, tags, s.heapUsedBytes);
  out.gauge(GENERATOR_METRICS.rss, tags, s.rssBytes);
  out.level(GENERATOR_METRICS.sockets, tags, s.openSockets);
  out.gauge(GENERATOR_METRICS.vusBusy, tags, s.vusBusy);
  out.gauge(GENERATOR_METRICS.vusAllocated, tags, s.vusAllocated);
  return out.entries;
}

/** VUs busy and allocated from a worker's own snapshot entries (the `vus` / `vus_max` gauges of every scenario). */
export function vusFromEntries(entries: readonly SnapshotEntry[]): { busy: number; allocated: number } {
  let busy = 0;
  let allocated = 0;
  for (const e of entries) {
    if (e.type !== "gauge") continue;
    if (e.metric === "vus") busy += e.value;
    else if (e.metric === "vus_max") allocated += e.value;
  }
  return { busy, allocated };
}
