import type { IntervalSnapshot } from "../metrics/types.js";
import { GENERATOR_METRICS } from "./generator.js";

/**
 * Run validity: was the load generator able to do what the plan asked? Latencies measured by a
 * saturated generator include its own queueing (they understate the target's capacity), and an
 * open-model run that dropped iterations sent less load than planned. Pure functions over the
 * generator's per-interval samples, so `strain report` gets the same verdict from series.ndjson.
 */

export interface ValidityRules {
  /** A worker above this CPU % (of one core) … */
  cpuPercent: number;
  /** … or with event-loop delay p99 above this (ms) … */
  eventLoopP99Ms: number;
  /** … for at least this long (ms, consecutive intervals) is saturated. */
  minDurationMs: number;
  /** dropped / scheduled iterations above this share marks the run limited. */
  droppedRatio: number;
}

export const DEFAULT_VALIDITY_RULES: ValidityRules = {
  cpuPercent: 90,
  eventLoopP99Ms: 50,
  minDurationMs: 5000,
  droppedRatio: 0.01,
};

/** One worker's generator sample for one interval. */
export interface WorkerIntervalSample {
  worker: string;
  index: number;
  /** Interval bounds, epoch ms. */
  start: number;
  end: number;
  cpuPercent: number;
  eventLoopP99Ms: number;
}

/** Iterations dropped and scheduled (started + dropped) in one interval. */
export interface IntervalDrops {
  index: number;
  start: number;
  end: number;
  dropped: number;
  scheduled: number;
}

export type ValidityStatus = "valid" | "generator_saturated" | "generator_limited";

export interface ValidityWindow {
  kind: "saturated" | "limited";
  /** Window bounds in ms since the run's start (interval 0). */
  from: number;
  to: number;
  /** Set for saturation windows. */
  worker?: string;
  /** Plain words: "worker 1: CPU above 90% (peak 99%)". */
  reason: string;
}

export interface RunValidity {
  /** `generator_saturated` wins when both apply: it also explains any drops. */
  status: ValidityStatus;
  windows: ValidityWindow[];
  /** One or two plain sentences for the terminal and summary.json ("" when valid). */
  message: string;
  dropped: number;
  scheduled: number;
}

export interface ValidityInput {
  /** Epoch ms of interval 0. */
  runStartEpoch: number;
  samples: readonly WorkerIntervalSample[];
  /** Run totals of dropped and scheduled iterations. */
  dropped: number;
  scheduled: number;
  /** Per-interval drops, to place the limited windows in time (optional). */
  drops?: readonly IntervalDrops[];
  rules?: Partial<ValidityRules>;
}

/** The verdict: saturation windows per worker, the drop ratio, and what to tell the user. */
export function evaluateValidity(input: ValidityInput): RunValidity {
  const rules = { ...DEFAULT_VALIDITY_RULES, ...input.rules };
  const t0 = input.runStartEpoch;
  const saturated = saturationWindows(input.samples, rules, t0);
  const isLimited = input.scheduled > 0 && input.dropped / input.scheduled > rules.droppedRatio;
  const limited = isLimited ? dropWindows(input.drops ?? [], rules, t0) : [];
  const status: ValidityStatus =
    saturated.length > 0 ? "generator_saturated" : isLimited ? "generator_limited" : "valid";

  const lastEnd = input.samples.reduce((m, s) => Math.max(m, s.end - t0), 0);
  const sentences: string[] = [];
  if (saturated.length > 0) {
    const when = describeWhen(saturated, lastEnd, rules);
    const why = saturated
      .slice(0, 3)
      .map((w) => `${w.reason} from ${clock(w.from)} to ${clock(w.to)}`)
      .join("; ");
    const more = saturated.length > 3 ? `; and ${saturated.length - 3} more` : "";
    sentences.push(
      `latencies ${when} understate the target's capacity: the load generator was saturated (${why}${more})`,
    );
  }
  if (isLimited) {
    const pct = ((input.dropped / input.scheduled) * 100).toFixed(1);
    const span =
      limited.length > 0
        ? `, ${limited
            .slice(0, 3)
            .map((w) => `${clock(w.from)}–${clock(w.to)}`)
            .join(", ")}${limited.length > 3 ? " …" : ""}`
        : "";
    sentences.push(
      `the target received less load than planned: ${fmt(input.dropped)} of ${fmt(input.scheduled)} scheduled iterations (${pct}%${span}) were dropped because every VU was busy; raise maxVUs, or the target is too slow for this rate`,
    );
  }
  return {
    status,
    windows: [...saturated, ...limited].sort((a, b) => a.from - b.from || a.to - b.to),
    message: sentences.join(". "),
    dropped: input.dropped,
    scheduled: input.scheduled,
  };
}

function saturationWindows(
  samples: readonly WorkerIntervalSample[],
  rules: ValidityRules,
  t0: number,
): ValidityWindow[] {
  const byWorker = new Map<string, WorkerIntervalSample[]>();
  for (const s of samples) {
    const list = byWorker.get(s.worker);
    if (list === undefined) byWorker.set(s.worker, [s]);
    else list.push(s);
  }
  const out: ValidityWindow[] = [];
  for (const [worker, list] of [...byWorker].sort(([a], [b]) =>
    a.localeCompare(b, "en", { numeric: true }),
  )) {
    list.sort((a, b) => a.index - b.index);
    let run: WorkerIntervalSample[] = [];
    const close = () => {
      const first = run[0];
      const last = run[run.length - 1];
      if (first !== undefined && last !== undefined && last.end - first.start >= rules.minDurationMs) {
        out.push({
          kind: "saturated",
          worker,
          from: first.start - t0,
          to: last.end - t0,
          reason: saturationReason(worker, run, rules),
        });
      }
      run = [];
    };
    for (const s of list) {
      const hot = s.cpuPercent > rules.cpuPercent || s.eventLoopP99Ms > rules.eventLoopP99Ms;
      const prev = run[run.length - 1];
      if (!hot || (prev !== undefined && s.index !== prev.index + 1)) close();
      if (hot) run.push(s);
    }
    close();
  }
  return out;
}

function saturationReason(
  worker: string,
  run: readonly WorkerIntervalSample[],
  rules: ValidityRules,
): string {
  const parts: string[] = [];
  const cpuPeak = Math.max(...run.map((s) => s.cpuPercent));
  const loopPeak = Math.max(...run.map((s) => s.eventLoopP99Ms));
  if (run.some((s) => s.cpuPercent > rules.cpuPercent))
    parts.push(`CPU above ${rules.cpuPercent}% (peak ${Math.round(cpuPeak)}%)`);
  if (run.some((s) => s.eventLoopP99Ms > rules.eventLoopP99Ms))
    parts.push(`event-loop delay p99 above ${rules.eventLoopP99Ms} ms (peak ${Math.round(loopPeak)} ms)`);
  return `worker ${worker}: ${parts.join(" and ")}`;
}

function dropWindows(drops: readonly IntervalDrops[], rules: ValidityRules, t0: number): ValidityWindow[] {
  const sorted = [...drops].sort((a, b) => a.index - b.index);
  const out: ValidityWindow[] = [];
  let run: IntervalDrops[] = [];
  const close = () => {
    const first = run[0];
    const last = run[run.length - 1];
    if (first !== undefined && last !== undefined) {
      const dropped = run.reduce((n, d) => n + d.dropped, 0);
      const scheduled = run.reduce((n, d) => n + d.scheduled, 0);
      out.push({
        kind: "limited",
        from: first.start - t0,
        to: last.end - t0,
        reason: `${fmt(dropped)} of ${fmt(scheduled)} scheduled iterations dropped`,
      });
    }
    run = [];
  };
  for (const d of sorted) {
    const over = d.scheduled > 0 && d.dropped / d.scheduled > rules.droppedRatio;
    const prev = run[run.length - 1];
    if (!over || (prev !== undefined && d.index !== prev.index + 1)) close();
    if (over) run.push(d);
  }
  close();
  return out;
}

/** "after 00:42" when saturation lasted to the end of the run, else the windows' spans. */
function describeWhen(windows: readonly ValidityWindow[], lastEnd: number, rules: ValidityRules): string {
  const from = Math.min(...windows.map((w) => w.from));
  const to = Math.max(...windows.map((w) => w.to));
  // Within one interval-ish of the end counts as "to the end": the last interval is often partial.
  const toEnd = to >= lastEnd - Math.min(1000, rules.minDurationMs);
  if (toEnd) return `after ${clock(from)}`;
  return `from ${clock(from)} to ${clock(to)}`;
}

/** ms since the run's start as m:ss ("00:42", "12:05", "1:02:03"). */
export function clock(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const pad = (n: number) => String(n).padStart(2, "0");
  return h > 0 ? `${h}:${pad(m)}:${pad(s)}` : `${pad(m)}:${pad(s)}`;
}

function fmt(n: number): string {
  return n.toLocaleString("en-US");
}

/**
 * The generator samples inside merged interval snapshots (`generator_cpu_percent` and
 * `generator_event_loop_delay_p99_ms`, one level per worker per interval): what series.ndjson
 * holds, so validity can be rebuilt from a run directory.
 */
export function generatorSamplesFromSnapshots(
  snapshots: readonly IntervalSnapshot[],
): WorkerIntervalSample[] {
  const out: WorkerIntervalSample[] = [];
  for (const snap of snapshots) {
    const byWorker = new Map<string, WorkerIntervalSample>();
    for (const e of snap.entries) {
      if (e.type !== "trend") continue;
      const isCpu = e.metric === GENERATOR_METRICS.cpu;
      if (!isCpu && e.metric !== GENERATOR_METRICS.loopP99) continue;
      const worker = e.tags.worker ?? "0";
      let s = byWorker.get(worker);
      if (s === undefined) {
        s = {
          worker,
          index: snap.index,
          start: snap.start,
          end: snap.end,
          cpuPercent: Number.NaN,
          eventLoopP99Ms: Number.NaN,
        };
        byWorker.set(worker, s);
      }
      // One sample per worker per interval: its max is the value (and the conservative pick if merged twice).
      if (isCpu) s.cpuPercent = e.max;
      else s.eventLoopP99Ms = e.max;
    }
    out.push(...byWorker.values());
  }
  return out;
}

/** Dropped and scheduled iterations per interval: scheduled = `iterations` completed + `dropped_iterations`. */
export function dropsFromSnapshots(snapshots: readonly IntervalSnapshot[]): IntervalDrops[] {
  return snapshots.map((snap) => {
    let dropped = 0;
    let iterations = 0;
    for (const e of snap.entries) {
      if (e.type !== "counter") continue;
      if (e.metric === "dropped_iterations") dropped += e.value;
      else if (e.metric === "iterations") iterations += e.value;
    }
    return { index: snap.index, start: snap.start, end: snap.end, dropped, scheduled: iterations + dropped };
  });
}

/** Validity of a run from its merged interval snapshots alone (the coordinator at the end, or `strain report`). */
export function evaluateRunValidity(
  snapshots: readonly IntervalSnapshot[],
  options: { runStartEpoch?: number; rules?: Partial<ValidityRules> } = {},
): RunValidity {
  const drops = dropsFromSnapshots(snapshots);
  const first = snapshots.reduce<IntervalSnapshot | undefined>(
    (m, s) => (m === undefined || s.index < m.index ? s : m),
    undefined,
  );
  const runStartEpoch =
    options.runStartEpoch ??
    (first === undefined ? 0 : first.start - first.index * Math.max(0, first.end - first.start));
  return evaluateValidity({
    runStartEpoch,
    samples: generatorSamplesFromSnapshots(snapshots),
    dropped: drops.reduce((n, d) => n + d.dropped, 0),
    scheduled: drops.reduce((n, d) => n + d.scheduled, 0),
    drops,
    ...(options.rules !== undefined ? { rules: options.rules } : {}),
  });
}
