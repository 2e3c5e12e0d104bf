import { formatDuration } from "../plan/duration.js";
import type { ResolvedWindow, TagMatch } from "./resolved.js";
import type { RunTimeline, TimelineScenario, TimelineSegment } from "./timeline.js";
import type { VerdictWindow } from "./verdict.js";
import { windowName } from "./window-spec.js";

/**
 * Windows as sets of intervals. Interval k covers [k·interval, (k+1)·interval) from the run's
 * start, and belongs to a window when its midpoint does, so stages that follow each other share
 * no interval. A stage that ends its scenario reaches on through the scenario's gracefulStop:
 * samples are recorded when requests complete, and those started in the last stage complete in
 * the drain after it.
 */

interface Range {
  startMs: number;
  endMs: number;
}

export interface IntervalWindow {
  /** Does interval `index` belong to the window? (`every`: every interval does; it slides over them.) */
  includes(index: number): boolean;
  /** `every` windows: the window's length in intervals (at least 1). */
  everyIntervals?: number;
  /** Words for the window without offsets: "whole run", "stage ramp", "steady". */
  words: string;
}

/**
 * The scenarios a row's window and arrival target look at: those whose scenario-level tags
 * (`scenario` and the scenario's own `tags`) do not contradict the row's filter. Conditions on
 * other tags (name, transaction ...) select samples, not scenarios.
 */
export function scenariosFor(timeline: RunTimeline, where: readonly TagMatch[]): TimelineScenario[] {
  return timeline.scenarios.filter((s) => {
    const tags: Record<string, string> = { ...s.tags, scenario: s.name };
    return where.every((m) => {
      const v = Object.hasOwn(tags, m.tag) ? tags[m.tag] : undefined;
      if (v === undefined) return true;
      return m.values.includes(v) !== m.negate;
    });
  });
}

/** The interval window of `window` for a row filtered by `where`. */
export function intervalWindow(
  window: ResolvedWindow,
  timeline: RunTimeline | null,
  where: readonly TagMatch[],
): IntervalWindow {
  const intervalMs = timeline?.intervalMs ?? 1000;
  const mid = (k: number) => (k + 0.5) * intervalMs;
  const inAny = (ranges: readonly Range[]) => (k: number) =>
    ranges.some((r) => mid(k) >= r.startMs && mid(k) < r.endMs);
  const scenarios = timeline === null ? [] : scenariosFor(timeline, where);
  switch (window.kind) {
    case "run":
      return { includes: () => true, words: "whole run" };
    case "every":
      return {
        includes: () => true,
        everyIntervals: Math.max(1, Math.ceil(window.ms / intervalMs)),
        words: `every ${formatDuration(window.ms)}`,
      };
    case "scenario": {
      const s = timeline?.scenarios.find((x) => x.name === window.scenario);
      const ranges = s === undefined ? [] : [{ startMs: s.startMs, endMs: s.endMs + s.gracefulStopMs }];
      return { includes: inAny(ranges), words: `scenario ${windowName(window.scenario)}` };
    }
    case "stage": {
      const ranges: Range[] = [];
      for (const s of timeline?.scenarios ?? []) {
        if (window.scenario !== undefined && s.name !== window.scenario) continue;
        for (const seg of s.segments) if (seg.name === window.stage) ranges.push(rangeOf(s, seg));
      }
      const where = window.scenario !== undefined ? ` of ${windowName(window.scenario)}` : "";
      return { includes: inAny(ranges), words: `stage ${windowName(window.stage)}${where}` };
    }
    case "steady": {
      const ramps = scenarios.flatMap((s) =>
        s.segments.filter((seg) => seg.from !== seg.to).map((seg) => rangeOf(s, seg)),
      );
      const inRamp = inAny(ramps);
      return { includes: (k) => !inRamp(k), words: "steady (ramps excluded)" };
    }
    case "peak":
      return {
        includes: inAny(scenarios.flatMap((s) => peakSegments(s).map((seg) => rangeOf(s, seg)))),
        words: "peak",
      };
  }
}

/** A segment's time range; the scenario's last segment reaches through its gracefulStop. */
function rangeOf(s: TimelineScenario, seg: TimelineSegment): Range {
  return { startMs: seg.startMs, endMs: seg.endMs >= s.endMs ? seg.endMs + s.gracefulStopMs : seg.endMs };
}

/**
 * Where a scenario's planned load is at its highest: the stages that hold the maximum level
 * (from = to = max), else the stages that reach or leave it; the whole scenario for constant load.
 */
export function peakSegments(s: TimelineScenario): TimelineSegment[] {
  let max = Number.NEGATIVE_INFINITY;
  for (const seg of s.segments) max = Math.max(max, seg.from, seg.to);
  const plateaus = s.segments.filter((seg) => seg.from === max && seg.to === max);
  if (plateaus.length > 0) return plateaus;
  return s.segments.filter((seg) => seg.from === max || seg.to === max);
}

/** A verdict's window description from the offsets of the intervals it covered. */
export function describeWindow(
  kind: VerdictWindow["kind"],
  words: string,
  startMs: number | null,
  endMs: number | null,
): VerdictWindow {
  const span = startMs !== null && endMs !== null ? ` (${offset(startMs)}–${offset(endMs)})` : "";
  return { kind, text: `${words}${span}`, startMs, endMs };
}

/** An offset from the run's start for people, to a tenth of a second: "20s", "9.5s", "1m30s". */
export function offset(ms: number): string {
  const tenths = Math.max(0, Math.round(ms / 100));
  if (tenths === 0) return "0s";
  if (tenths % 10 === 0 || tenths >= 600) return formatDuration(Math.round(tenths / 10) * 1000);
  return `${tenths / 10}s`;
}
