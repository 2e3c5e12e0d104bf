import { isAscii } from "node:buffer";
import { closeSync, existsSync, openSync, readFileSync, readSync } from "node:fs";
import { join } from "node:path";
import type { CriteriaAbort } from "../criteria/verdict.js";
import type { ErrorSample } from "../engine/vu-runtime.js";
import { ErrorCodes, StrainError } from "../errors.js";
import type { IntervalSnapshot } from "../metrics/types.js";
import type { MonitorExtras } from "../monitors/types.js";
import { type RunInfo, type RunStatus, readRunInfo, type SeriesLine } from "../results/run-dir.js";
import { buildSummary, type Summary } from "../results/summary.js";

/** What a report needs of a run directory besides the interval stream. */
export interface LoadedRun {
  dir: string;
  /** run.json (null when missing or unreadable). */
  info: RunInfo | null;
  /** summary.json, or rebuilt in memory from series.ndjson when it is missing or unreadable. */
  summary: Summary;
  summaryRebuilt: boolean;
  /** The series' end line (null for a run that never wrote one). */
  end: EndLine | null;
  /** Warnings of the series and of the summary, each once, in order. */
  warnings: string[];
  /** The last line of series.ndjson was cut short and skipped. */
  truncated: boolean;
  /** Unparseable lines elsewhere. */
  corrupt: number;
  /** Intervals read. */
  intervals: number;
}

export type EndLine = Extract<SeriesLine, { type: "end" }>;

/** The files of a run directory read before its series: run.json and summary.json (null when missing). */
export interface RunFiles {
  dir: string;
  seriesPath: string;
  info: RunInfo | null;
  written: Summary | null;
}

/** Throws STRAIN_ERR_RUN_DIR_READ when `dir` has no series.ndjson. */
export function readRunFiles(dir: string): RunFiles {
  const seriesPath = join(dir, "series.ndjson");
  if (!existsSync(seriesPath)) {
    throw new StrainError(ErrorCodes.RUN_DIR_READ, `cannot read ${seriesPath}`, {
      hint: "give the path of a run directory (it holds series.ndjson)",
    });
  }
  return { dir, seriesPath, info: readRunInfo(dir), written: readSummary(dir) };
}

/** The non-interval lines of a series (or of a range of it). */
export interface SeriesRest {
  warnings: string[];
  monitors: MonitorExtras[] | null;
  end: EndLine | null;
  truncated: boolean;
  corrupt: number;
  intervals: number;
}

/**
 * The LoadedRun of a directory whose series was read: summary.json as written (the coordinator
 * writes it at the end, `strain report` rebuilds it), or — when it is missing — rebuilt in
 * memory from `snapshots` (every interval, every entry; nothing is written).
 */
export function loadedRun(
  files: RunFiles,
  rest: SeriesRest,
  snapshots: readonly IntervalSnapshot[],
): LoadedRun {
  const summary =
    files.written ??
    rebuild(files.dir, files.info, [...snapshots], rest.warnings, rest.end, rest.monitors ?? []);
  const warnings: string[] = [];
  for (const w of [...rest.warnings, ...(summary.warnings ?? [])])
    if (!warnings.includes(w)) warnings.push(w);
  return {
    dir: files.dir,
    info: files.info,
    summary,
    summaryRebuilt: files.written === null,
    end: rest.end,
    warnings,
    truncated: rest.truncated,
    corrupt: rest.corrupt,
    intervals: rest.intervals,
  };
}

function readSummary(dir: string): Summary | null {
  try {
    const s = JSON.parse(readFileSync(join(dir, "summary.json"), "utf8")) as Summary;
    return typeof s === "object" && s !== null && Array.isArray(s.requestsByName) ? s : null;
  } catch {
    return null;
  }
}

function rebuild(
  dir: string,
  info: RunInfo | null,
  snapshots: IntervalSnapshot[],
  warnings: string[],
  end: EndLine | null,
  monitors: MonitorExtras[],
): Summary {
  const status: RunStatus = end?.status ?? "incomplete";
  const abortedBy: CriteriaAbort | undefined = end?.abortedBy;
  return buildSummary({
    info,
    snapshots,
    warnings,
    status,
    ...(end?.reason !== undefined ? { reason: end.reason } : {}),
    ...(end !== null ? { endedAt: end.time } : {}),
    ...(abortedBy !== undefined ? { criteriaAbort: abortedBy } : {}),
    errorsSampled: readErrorSamples(dir, Number.POSITIVE_INFINITY).length,
    errorsDropped: end?.errorsNotSampled ?? 0,
    monitors,
  });
}

/**
 * Call `fn` for each JSON line of series.ndjson between byte offsets `from` and `to` (a range
 * starts at a line's first byte), read in 4 MiB chunks. With `keep`, interval lines hold only
 * the entries of those metrics. A bad last line (cut short by a crash) sets `truncated`; bad lines
 * elsewhere are counted in `corrupt`.
 */
export function scanSeries(
  path: string,
  from: number,
  to: number,
  keep: ((metric: string) => boolean) | undefined,
  fn: (line: SeriesLine) => void,
): { truncated: boolean; corrupt: number } {
  const fd = openSync(path, "r");
  let buf = Buffer.allocUnsafe(4 << 20);
  let filled = 0;
  let position = from;
  let corrupt = 0;
  let pendingBad = false;
  const handle = (a: number, b: number) => {
    if (b <= a) return;
    if (pendingBad) corrupt++;
    pendingBad = false;
    try {
      // ASCII lines (nearly all) skip UTF-8 decoding.
      const text = buf.toString(isAscii(buf.subarray(a, b)) ? "latin1" : "utf8", a, b);
      fn(JSON.parse(keep === undefined ? text : withoutEntries(text, keep)) as SeriesLine);
    } catch (err) {
      if (err instanceof SyntaxError) pendingBad = true;
      else throw err;
    }
  };
  try {
    while (position < to) {
      if (filled === buf.length) {
        // A line longer than the buffer: grow it.
        const bigger = Buffer.allocUnsafe(buf.length * 2);
        buf.copy(bigger, 0, 0, filled);
        buf = bigger;
      }
      const n = readSync(fd, buf, filled, Math.min(buf.length - filled, to - position), position);
      if (n === 0) break;
      position += n;
      const end = filled + n;
      let start = 0;
      for (let nl = buf.indexOf(10, filled); nl >= 0 && nl < end; nl = buf.indexOf(10, start)) {
        handle(start, nl);
        start = nl + 1;
      }
      // Keep the partial last line at the front for the next read.
      buf.copy(buf, 0, start, end);
      filled = end - start;
    }
    handle(0, filled);
  } finally {
    closeSync(fd);
  }
  return { truncated: pendingBad, corrupt };
}

const ENTRIES = '"entries":[{"metric":"';
const NEXT_ENTRY = ',{"metric":"';

/**
 * An interval line with the entries of unwanted metrics cut out, for one JSON.parse of the rest.
 * JSON.parse costs in proportion to what it reads and builds: on a 1-hour, 50-tag-set series
 * (221 MB) parsing whole lines took 1.09 s, this 0.76 s (a report draws neither
 * http_req_waiting's histograms nor the rate and byte entries). String search, not Buffer
 * search: Buffer.indexOf's per-call cost ate the gain (1.0 s). Numbering repeated tag sets
 * instead of parsing them again saved nothing: the string building cost what parsing did.
 *
 *   {"type":"interval",…,"entries":[{"metric":"a",…},{"metric":"b",…},{"metric":"c",…}]}
 *                                   └── kept ──────┘ └── cut ───────┘ └── kept ──────┘
 *
 * An entry holds no array of objects, so `,{"metric":"` only ever starts the next entry. Any
 * line not in exactly this shape is returned whole.
 */
export function withoutEntries(line: string, keep: (metric: string) => boolean): string {
  const at = line.indexOf(ENTRIES);
  if (at < 0 || !line.startsWith('{"type":"interval"') || !line.endsWith("]}")) return line;
  const listEnd = line.length - 2;
  let out = line.slice(0, at + 11); // through "["
  let first = true;
  let runStart = -1;
  let runEnd = -1;
  for (let start = at + 11; start < listEnd; ) {
    let end = line.indexOf(NEXT_ENTRY, start);
    if (end < 0 || end > listEnd) end = listEnd;
    const nameStart = start + 11;
    const nameEnd = line.indexOf('"', nameStart);
    const name = line.slice(nameStart, nameEnd);
    if (name.includes("\\") || keep(name)) {
      if (runStart < 0) runStart = start;
      runEnd = end;
    } else if (runStart >= 0) {
      out += (first ? "" : ",") + line.slice(runStart, runEnd);
      first = false;
      runStart = -1;
    }
    start = end + 1;
  }
  if (runStart >= 0) out += (first ? "" : ",") + line.slice(runStart, runEnd);
  return `${out}]}`;
}

/** Sampled error details of errors.ndjson (at most `limit`; none when the file is missing). */
export function readErrorSamples(dir: string, limit: number): ErrorSample[] {
  let text: string;
  try {
    text = readFileSync(join(dir, "errors.ndjson"), "utf8");
  } catch {
    return [];
  }
  const out: ErrorSample[] = [];
  for (const line of text.split("\n")) {
    if (out.length >= limit) break;
    if (line.trim() === "") continue;
    try {
      out.push(JSON.parse(line) as ErrorSample);
    } catch {
      // a line cut short by a crash
    }
  }
  return out;
}
