import type { RunObserver, RunResult } from "../engine/coordinator.js";
import { plannedDurationMs } from "../engine/executors/index.js";
import { Aggregator } from "../metrics/aggregate.js";
import type { IntervalSnapshot } from "../metrics/types.js";
import type { ResolvedPlan } from "../plan/resolved.js";
import { formatMs } from "../results/text-summary.js";
import type { CliIO } from "./io.js";

const PLAIN_EVERY_MS = 10_000;

interface ScenarioView {
  name: string;
  plannedMs: number;
}

/**
 * Live progress: on a TTY, one line per scenario redrawn every interval (elapsed / total, VUs,
 * req/s, p95, error %); otherwise a plain line every 10 s; nothing with --quiet.
 */
export function createProgress(io: CliIO, quiet: boolean): RunObserver & { close(): void } {
  let scenarios: ScenarioView[] = [];
  let runStart = 0;
  let drawnLines = 0;
  let lastPlain = 0;
  const write = (s: string) => io.stderr.write(s);

  function lineFor(view: ScenarioView, snap: IntervalSnapshot): string {
    const agg = new Aggregator().addAll([snap]);
    const filter = { scenario: view.name };
    const seconds = Math.max(0.001, (snap.end - snap.start) / 1000);
    const reqs = agg.stats("http_reqs", filter);
    const failed = agg.stats("http_req_failed", filter);
    const dur = agg.stats("http_req_duration", filter);
    const vus = agg.stats("vus", filter);
    const elapsed = Math.max(0, snap.end - runStart);
    const total = ` / ${clock(view.plannedMs)}`;
    const rps = reqs?.type === "counter" ? reqs.count / seconds : 0;
    const p95 = dur?.type === "trend" ? formatMs(dur.p95) : "-";
    const err = failed?.type === "rate" && failed.total > 0 ? (100 * failed.passes) / failed.total : 0;
    const v = vus?.type === "gauge" ? vus.value : 0;
    return `${view.name.padEnd(16)} ${clock(elapsed)}${total}  VUs ${String(v).padStart(4)}  ${rps.toFixed(0).padStart(6)} req/s  p95 ${p95.padStart(8)}  errors ${err.toFixed(2)}%`;
  }

  return {
    onStart(info: { plan: ResolvedPlan; runStartEpoch: number; runDir: string; workers: number }) {
      runStart = info.runStartEpoch;
      scenarios = info.plan.scenarios.map((s) => ({ name: s.name, plannedMs: plannedDurationMs(s) }));
      if (!quiet) write(`running ${info.plan.name} with ${info.workers} workers → ${info.runDir}\n`);
    },
    onSnapshot(snap) {
      if (quiet) return;
      const lines = scenarios.map((s) => lineFor(s, snap));
      if (io.isTTY) {
        if (drawnLines > 0) write(`\x1b[${drawnLines}A`);
        for (const l of lines) write(`\x1b[2K${l}\n`);
        drawnLines = lines.length;
      } else if (snap.end - lastPlain >= PLAIN_EVERY_MS) {
        lastPlain = snap.end;
        for (const l of lines) write(`${l}\n`);
      }
    },
    onWarning(message) {
      if (io.isTTY && drawnLines > 0) drawnLines = 0;
      write(`warning: ${message}\n`);
    },
    onLog(line) {
      if (!quiet) {
        drawnLines = 0;
        write(`${line}\n`);
      }
    },
    onEnd(_result: RunResult) {},
    close() {
      drawnLines = 0;
    },
  };
}

function clock(ms: number): string {
  const s = Math.floor(ms / 1000);
  return `${String(Math.floor(s / 60)).padStart(2, "0")}:${String(s % 60).padStart(2, "0")}`;
}
