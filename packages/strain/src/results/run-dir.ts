import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { join } from "node:path";
import type { ResolvedCriterion } from "../criteria/resolved.js";
import type { RunTimeline } from "../criteria/timeline.js";
import type { CriteriaAbort } from "../criteria/verdict.js";
import { ErrorCodes, StrainError } from "../errors.js";
import type { IntervalSnapshot } from "../metrics/types.js";
import type { MonitorExtras } from "../monitors/types.js";
import type { ValidityRules } from "../monitors/validity.js";

/**
 * The run directory: a stable, versioned format.
 *
 *   runs/<UTC time>-<plan>/
 *     run.json        what ran: plan, options, versions, host, start; criteria rows and the
 *                     plan's timeline (stages, rates), so verdicts can be recomputed
 *     series.ndjson   one line per event, appended and fsync'd as it happens:
 *                       {"type":"interval", ...IntervalSnapshot}   merged over workers
 *                       {"type":"warning", time, message}
 *                       {"type":"monitors", time, extras}          end-of-run monitor results
 *                       {"type":"end", time, status, reason?}
 *     errors.ndjson   sampled error details
 *     summary.json    totals, percentiles, request classes (rebuildable from series.ndjson)
 *
 * A crash or kill -9 loses at most the interval being written; readers skip a truncated last line.
 */
export const RUN_FORMAT = "strain-run/1";

/** `incomplete`: the series has no end line (the coordinator was killed); rebuilt by `strain report`. */
export type RunStatus = "completed" | "aborted" | "failed" | "incomplete";

export type SeriesLine =
  | ({ type: "interval" } & IntervalSnapshot)
  | { type: "warning"; time: number; message: string }
  | { type: "monitors"; time: number; extras: MonitorExtras[] }
  | {
      type: "end";
      time: number;
      status: RunStatus;
      reason?: string;
      exitCode?: number;
      /** Error details seen but not written to errors.ndjson (sampling). */
      errorsNotSampled?: number;
      /** The `abortOnFail` criterion that stopped the run. */
      abortedBy?: CriteriaAbort;
    };

export interface RunInfo {
  format: typeof RUN_FORMAT;
  plan: { name: string; path: string; description?: string };
  options: { workers: number; intervalMs: number; env: string[] };
  scenarios: { name: string; executor: string; plannedDurationMs: number; flows: string[] }[];
  /** The resolved criteria rows (absent in run directories older than criteria). */
  criteria?: ResolvedCriterion[];
  /** Run-validity rules (generator saturation, drops) the summary judges the run by. */
  validityRules?: ValidityRules;
  /** The plan's load over time: what criteria windows and arrival targets are computed from. */
  timeline?: RunTimeline;
  versions: { strain: string; node: string };
  host: { hostname: string; platform: string; arch: string; cpus: number };
  /** Epoch ms of interval 0 (null until the load starts). */
  runStartEpoch: number | null;
  startedAt: string;
}

/** Make `runs/<UTC time>-<plan>/` (suffixing -2, -3… if it exists) and return its path. */
export function createRunDir(runsDir: string, planName: string, now = new Date()): string {
  const stamp = now
    .toISOString()
    .replace(/[:]/g, "")
    .replace(/\.\d+Z$/, "Z");
  const safe = planName.replace(/[^A-Za-z0-9._-]+/g, "-").slice(0, 60) || "plan";
  const base = join(runsDir, `${stamp}-${safe}`);
  for (let i = 1; ; i++) {
    const dir = i === 1 ? base : `${base}-${i}`;
    try {
      mkdirSync(dir, { recursive: false });
      return dir;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "EEXIST") continue;
      if ((err as NodeJS.ErrnoException).code === "ENOENT") {
        mkdirSync(runsDir, { recursive: true });
        i--;
        continue;
      }
      throw runDirError(`cannot create run directory ${dir}`, err);
    }
  }
}

function runDirError(message: string, err: unknown): StrainError {
  const code = (err as NodeJS.ErrnoException).code;
  const hint =
    code === "ENOSPC"
      ? "the disk is full: free space and run again"
      : code === "EACCES" || code === "EPERM"
        ? "no permission to write there: choose another --out-dir"
        : undefined;
  return new StrainError(ErrorCodes.RUN_DIR, `${message}${code ? ` (${code})` : ""}`, {
    cause: err,
    ...(hint !== undefined ? { hint } : {}),
  });
}

/** Appends NDJSON lines and fsyncs each batch, so what was written survives a crash. */
export class NdjsonAppender {
  private fd: number;
  constructor(readonly path: string) {
    try {
      this.fd = openSync(path, "a");
    } catch (err) {
      throw runDirError(`cannot open ${path}`, err);
    }
  }
  append(lines: readonly unknown[]): void {
    if (lines.length === 0) return;
    let text = "";
    for (const l of lines) text += `${JSON.stringify(l)}\n`;
    try {
      writeSync(this.fd, text);
      fsyncSync(this.fd);
    } catch (err) {
      throw runDirError(`cannot write ${this.path}`, err);
    }
  }
  close(): void {
    try {
      closeSync(this.fd);
    } catch {
      // already closed
    }
  }
}

/** Write a JSON file atomically (temp file + rename): readers never see half a summary. */
export function writeJsonAtomic(path: string, value: unknown): void {
  const tmp = `${path}.tmp`;
  try {
    writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`);
    renameSync(tmp, path);
  } catch (err) {
    throw runDirError(`cannot write ${path}`, err);
  }
}

export interface SeriesRead {
  lines: SeriesLine[];
  /** True when the last line was cut short (crash mid-write) and was skipped. */
  truncated: boolean;
  /** Lines that were not valid JSON elsewhere than at the end. */
  corrupt: number;
}

/** Read series.ndjson, tolerating a truncated last line. */
export function readSeries(dir: string): SeriesRead {
  const path = join(dir, "series.ndjson");
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new StrainError(ErrorCodes.RUN_DIR_READ, `cannot read ${path}`, {
      cause: err,
      hint: "give the path of a run directory (it holds series.ndjson)",
    });
  }
  const raw = text.split("\n");
  const lines: SeriesLine[] = [];
  let truncated = false;
  let corrupt = 0;
  for (let i = 0; i < raw.length; i++) {
    const line = raw[i]!;
    if (line === "") continue;
    try {
      lines.push(JSON.parse(line) as SeriesLine);
    } catch {
      if (i >= raw.length - 2) truncated = true;
      else corrupt++;
    }
  }
  return { lines, truncated, corrupt };
}

export function readRunInfo(dir: string): RunInfo | null {
  try {
    return JSON.parse(readFileSync(join(dir, "run.json"), "utf8")) as RunInfo;
  } catch {
    return null;
  }
}
