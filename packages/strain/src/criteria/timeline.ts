import type { ResolvedPlan, ResolvedScenario, ResolvedStage } from "../plan/resolved.js";

/**
 * The plan's load over time, as run.json stores it: what windows (`stage:`, `scenario:`,
 * `steady`, `peak`) and the arrival-rate target are computed from, so a run directory can be
 * judged again without the plan. Offsets are ms from the run's start (interval 0's start).
 *
 *   scenario "peak" (ramping-arrival-rate, startRate 0)
 *   level ▲        ┌──────────┐
 *         │      ╱ "hold"     ╲
 *         │    ╱ "ramp"        ╲ "down"
 *         └──┴────┴──────────┴────┴──▶ t
 *            startMs                 endMs
 */
export interface TimelineSegment {
  startMs: number;
  endMs: number;
  /** Planned level at the segment's start and end: VUs (closed model) or iterations per second (open). */
  from: number;
  to: number;
  /** The stage's name, when it has one. */
  name?: string;
}

export interface TimelineScenario {
  name: string;
  executor: string;
  model: "open" | "closed";
  /** The scenario's tags from the plan (samples also carry `scenario: name`). */
  tags: Record<string, string>;
  startMs: number;
  /** Planned end (iteration-bounded executors: startTime + maxDuration, an upper bound). */
  endMs: number;
  gracefulStopMs: number;
  /** The planned level, linear within each segment; one segment for constant executors. */
  segments: TimelineSegment[];
}

export interface RunTimeline {
  intervalMs: number;
  scenarios: TimelineScenario[];
}

/** The timeline of a resolved plan. */
export function buildTimeline(plan: ResolvedPlan): RunTimeline {
  return { intervalMs: plan.intervalMs, scenarios: plan.scenarios.map(scenarioTimeline) };
}

function scenarioTimeline(s: ResolvedScenario): TimelineScenario {
  const base = {
    name: s.name,
    executor: s.executor,
    tags: { ...s.tags },
    startMs: s.startTimeMs,
    gracefulStopMs: s.gracefulStopMs,
  };
  const constant = (model: "open" | "closed", durationMs: number, level: number): TimelineScenario => ({
    ...base,
    model,
    endMs: s.startTimeMs + durationMs,
    segments: [{ startMs: s.startTimeMs, endMs: s.startTimeMs + durationMs, from: level, to: level }],
  });
  switch (s.executor) {
    case "constant-vus":
      return constant("closed", s.durationMs, s.vus);
    case "per-vu-iterations":
    case "shared-iterations":
      return constant("closed", s.maxDurationMs, s.vus);
    case "constant-arrival-rate":
      return constant("open", s.durationMs, (s.rate * 1000) / s.timeUnitMs);
    case "ramping-vus":
      return ramping(base, "closed", s.stages, s.startVUs, 1);
    case "ramping-arrival-rate":
      return ramping(base, "open", s.stages, s.startRate, 1000 / s.timeUnitMs);
  }
}

function ramping(
  base: Omit<TimelineScenario, "model" | "endMs" | "segments">,
  model: "open" | "closed",
  stages: readonly ResolvedStage[],
  startLevel: number,
  scale: number,
): TimelineScenario {
  const segments: TimelineSegment[] = [];
  let t = base.startMs;
  let level = startLevel * scale;
  for (const st of stages) {
    const to = st.target * scale;
    segments.push({
      startMs: t,
      endMs: t + st.durationMs,
      from: level,
      to,
      ...(st.name !== undefined ? { name: st.name } : {}),
    });
    t += st.durationMs;
    level = to;
  }
  return { ...base, model, endMs: t, segments };
}

/** Planned iterations of an open-model scenario in [a, b) (ms offsets): the area under its rate. */
export function plannedIterations(s: TimelineScenario, a: number, b: number): number {
  if (s.model !== "open") return 0;
  let total = 0;
  for (const seg of s.segments) {
    const lo = Math.max(a, seg.startMs);
    const hi = Math.min(b, seg.endMs);
    if (hi <= lo) continue;
    const span = seg.endMs - seg.startMs;
    const at = (t: number) => seg.from + ((seg.to - seg.from) * (t - seg.startMs)) / span;
    // Trapezoid: the rate is linear within a segment; levels are per second.
    total += (((at(lo) + at(hi)) / 2) * (hi - lo)) / 1000;
  }
  return total;
}
