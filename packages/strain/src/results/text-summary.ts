import { renderCriteriaTable } from "../criteria/render-table.js";
import { type MonitorUnit, monitorMetric } from "../monitors/monitor-metrics.js";
import type { LatencyRow, Summary } from "./summary.js";

export interface RenderOptions {
  color: boolean;
}

/** Milliseconds for people: 850µs, 12.3ms, 1.24s. */
export function formatMs(ms: number): string {
  if (ms < 1) return `${Math.round(ms * 1000)}µs`;
  if (ms < 100) return `${ms.toFixed(1)}ms`;
  if (ms < 1000) return `${Math.round(ms)}ms`;
  return `${(ms / 1000).toFixed(2)}s`;
}

function pad(s: string, n: number, right = false): string {
  return right ? s.padStart(n) : s.padEnd(n);
}

function errorsCell(r: LatencyRow): string {
  const parts: string[] = [];
  if (r.errors.http_error) parts.push(`http ${r.errors.http_error}`);
  if (r.errors.net_error) parts.push(`net ${r.errors.net_error}`);
  if (r.errors.in_flight_at_stop) parts.push(`in-flight ${r.errors.in_flight_at_stop}`);
  if (r.failed) parts.push(`failed ${r.failed}`);
  return parts.length === 0 ? "-" : parts.join(", ");
}

function table(title: string, rows: readonly LatencyRow[]): string {
  if (rows.length === 0) return "";
  const nameW = Math.max(title.length, ...rows.map((r) => r.name.length), 4) + 2;
  const cols = ["COUNT", "PER S", "P50", "P90", "P95", "P99", "MAX"];
  let out = `${pad(title, nameW) + cols.map((c) => pad(c, 9, true)).join("")}  ERRORS\n`;
  for (const r of rows) {
    out += pad(r.name, nameW);
    out += pad(String(r.count), 9, true);
    out += pad(r.perSecond.toFixed(1), 9, true);
    for (const v of [r.p50, r.p90, r.p95, r.p99, r.max]) out += pad(formatMs(v), 9, true);
    out += `  ${errorsCell(r)}\n`;
  }
  return out;
}

function formatLevel(value: number, unit: MonitorUnit): string {
  switch (unit) {
    case "percent":
      return `${value.toFixed(1)}%`;
    case "ms":
      return formatMs(value);
    case "bytes":
      return `${(value / 1e6).toFixed(1)}MB`;
    case "bytes_per_second":
      return `${(value / 1e6).toFixed(2)}MB/s`;
    case "per_second":
      return `${value.toFixed(1)}/s`;
    default:
      return Number.isInteger(value) ? String(value) : value.toFixed(2);
  }
}

/** Monitor series over the whole run, one row per tag set: what dstat users look at first. */
function monitorTable(s: Summary): string {
  const rows: string[][] = [];
  for (const { metric, tags, stats: st } of s.monitorSeries ?? []) {
    const m = monitorMetric(metric);
    if (m === undefined) continue;
    const t = Object.entries(tags)
      .map(([k, v]) => `${k}=${v}`)
      .join(",");
    const name = t === "" ? metric : `${metric}{${t}}`;
    if (st.type === "trend")
      rows.push([
        name,
        formatLevel(st.avg, m.unit),
        formatLevel(st.p95, m.unit),
        formatLevel(st.max, m.unit),
      ]);
    else if (st.type === "counter") rows.push([name, `${st.count} total`, "", ""]);
    else if (st.type === "gauge")
      rows.push([name, formatLevel(st.value, m.unit), "", formatLevel(st.max, m.unit)]);
  }
  if (rows.length === 0) return "";
  const w = Math.max(7, ...rows.map((r) => r[0]!.length)) + 2;
  let out = `${pad("MONITOR", w)}${pad("AVG", 12, true)}${pad("P95", 12, true)}${pad("MAX", 12, true)}\n`;
  for (const r of rows)
    out += `${pad(r[0]!, w)}${pad(r[1]!, 12, true)}${pad(r[2]!, 12, true)}${pad(r[3]!, 12, true)}\n`;
  return out;
}

/** The end-of-run summary for the terminal (plain text; colour only for the status word). */
export function renderSummary(s: Summary, opts: RenderOptions): string {
  const paint = (code: number, text: string) => (opts.color ? `\x1b[${code}m${text}\x1b[0m` : text);
  const statusColor = s.status === "completed" ? 32 : s.status === "aborted" ? 33 : 31;
  let out = `\n${s.plan}: ${paint(statusColor, s.status)}${s.reason ? ` (${s.reason})` : ""} — ${(s.durationMs / 1000).toFixed(1)} s, ${s.intervals} intervals\n\n`;
  const r = s.requests;
  out += `requests    ${r.scheduled} scheduled = ${r.ok} ok + ${r.http_error.total} http_error + ${r.net_error.total} net_error + ${r.dropped} dropped + ${r.in_flight_at_stop} in flight at stop${r.invariant.holds ? "" : paint(31, "  (does NOT add up: some requests were lost when workers were killed)")}\n`;
  const statuses = Object.entries(r.http_error.byStatus).map(([k, v]) => `${k}: ${v}`);
  if (statuses.length) out += `            http errors by status: ${statuses.join(", ")}\n`;
  const kinds = Object.entries(r.net_error.byKind)
    .filter(([, v]) => v > 0)
    .map(([k, v]) => `${k}: ${v}`);
  if (kinds.length) out += `            network errors: ${kinds.join(", ")}\n`;
  out += `iterations  ${s.iterations.completed} completed, ${s.iterations.failed} failed, ${s.iterations.dropped} dropped\n`;
  if (s.checks !== null) {
    const total = s.checks.passes + s.checks.fails;
    out += `checks      ${((100 * s.checks.passes) / Math.max(1, total)).toFixed(2)}% passed (${s.checks.passes}/${total})\n`;
  }
  const req = table("REQUEST", s.requestsByName);
  const tx = table("TRANSACTION", s.transactions);
  if (req) out += `\n${req}`;
  if (tx) out += `\n${tx}`;
  if (s.criteria !== null) out += `\n${renderCriteriaTable(s.criteria, opts)}`;
  const monitors = monitorTable(s);
  if (monitors) out += `\n${monitors}`;
  // Validity is said beside the verdict, never folded into it: a pass measured by a saturated
  // generator is still a pass of the criteria, but weak evidence.
  const v = s.validity;
  if (v !== undefined) {
    out +=
      v.status === "valid"
        ? `\nrun validity: ${paint(32, "valid")} (the load generator kept up with the plan)\n`
        : `\nrun validity: ${paint(33, v.status)}: ${v.message}\n`;
  }
  for (const m of s.monitors ?? []) for (const note of m.notes) out += `${m.monitor}: ${note}\n`;
  if (s.warnings.length) {
    out += `\nwarnings:\n`;
    for (const w of s.warnings) out += `  - ${w}\n`;
  }
  if (s.errors.sampled + s.errors.notSampled > 0) {
    out += `\nerror details: ${s.errors.sampled} sampled in errors.ndjson${s.errors.notSampled ? `, ${s.errors.notSampled} more not sampled` : ""}\n`;
  }
  return out;
}
