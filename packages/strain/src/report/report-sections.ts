import type { CriteriaReport } from "../criteria/verdict.js";
import type { ErrorSample } from "../engine/vu-runtime.js";
import type { RunValidity } from "../monitors/validity.js";
import type { RunInfo } from "../results/run-dir.js";
import type { Summary } from "../results/summary.js";
import { formatMs } from "../results/text-summary.js";
import type { LoadedRun } from "./load-run.js";

/**
 * The report's server-rendered sections: plain HTML strings (the page's script only adds sorting
 * and charts). Every value from the run directory is escaped; nothing here reads secrets (the
 * run directory never holds them).
 */

/** Escape text for HTML content and attribute values. */
export function esc(s: string | number): string {
  return String(s).replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}
const ESCAPES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Validity as the report shows it: the run's own, or recomputed with the default rules. */
export interface ValidityView {
  validity: RunValidity;
  /** False when the series had no generator samples: only drops could be judged. */
  generatorMonitored: boolean;
  /** True when read from summary.json, false when recomputed here. */
  fromSummary: boolean;
}

export type BannerLevel = "pass" | "warn" | "fail";

/** The verdict banner: one sentence each for the run, its criteria and its validity. */
export function renderBanner(run: LoadedRun, validity: ValidityView): string {
  const s = run.summary;
  const sentences: { level: BannerLevel; text: string; id: string }[] = [];
  const total = s.requests?.scheduled ?? 0;
  const duration = clockOf(s.durationMs ?? 0);
  switch (s.status) {
    case "completed":
      sentences.push({
        id: "status",
        level: "pass",
        text: `The run completed: ${num(total)} requests scheduled in ${duration}.`,
      });
      break;
    case "aborted":
      sentences.push({
        id: "status",
        level: "warn",
        text: `The run was aborted after ${duration}${s.reason ? `: ${s.reason}` : ""}.`,
      });
      break;
    case "failed":
      sentences.push({
        id: "status",
        level: "fail",
        text: `The run failed${s.reason ? `: ${s.reason}` : ""}.`,
      });
      break;
    default:
      sentences.push({
        id: "status",
        level: "warn",
        text: `The run never wrote its end (killed or crashed): this report covers its ${num(s.intervals ?? 0)} complete intervals.`,
      });
  }
  sentences.push({ id: "criteria", ...criteriaSentence(s.criteria ?? null) });
  sentences.push({ id: "validity", ...validitySentence(validity) });
  const level = sentences.reduce<BannerLevel>((m, x) => worse(m, x.level), "pass");
  const word = { pass: "PASS", warn: "WARN", fail: "FAIL" }[level];
  let out = `<section id="verdict" class="banner ${level}" data-level="${level}">\n`;
  out += `<div class="banner-word">${word}</div>\n<ul>\n`;
  for (const x of sentences) out += `<li class="${x.level}" data-sentence="${x.id}">${esc(x.text)}</li>\n`;
  out += "</ul>\n</section>\n";
  return out;
}

function criteriaSentence(c: CriteriaReport | null): { level: BannerLevel; text: string } {
  if (c === null || c.rows.length === 0)
    return { level: "pass", text: "This plan has no criteria: no verdict was asked for." };
  const { pass, warn, fail } = c.counts;
  const parts = [`${pass} passed`, `${warn} warned`, `${fail} failed`];
  const stop = c.abortedBy !== undefined ? `; the run was stopped early: ${c.abortedBy.message}` : "";
  return {
    level: c.verdict,
    text: `Criteria ${c.verdict.toUpperCase()}: of ${c.rows.length} rows, ${parts.join(", ")}${stop}.`,
  };
}

function validitySentence(v: ValidityView): { level: BannerLevel; text: string } {
  const { validity } = v;
  if (validity.status !== "valid") {
    const m = validity.message.replace(/\.?$/, ".");
    return { level: "warn", text: `Run validity: ${m.charAt(0).toLowerCase()}${m.slice(1)}` };
  }
  if (!v.generatorMonitored)
    return {
      level: "pass",
      text: "Run validity: no iteration was dropped beyond the limit; the load generator itself was not monitored in this run.",
    };
  return {
    level: "pass",
    text: "Run validity: the load generator kept up (no saturation, no excess drops).",
  };
}

function worse(a: BannerLevel, b: BannerLevel): BannerLevel {
  const rank = { pass: 0, warn: 1, fail: 2 };
  return rank[a] >= rank[b] ? a : b;
}

/** The criteria table, or nothing when the plan has none. */
export function renderCriteria(c: CriteriaReport | null): string {
  if (c === null || c.rows.length === 0) return "";
  let out = `<section id="criteria"><h2>Criteria</h2>\n<table class="sortable" id="criteria-table">\n<thead><tr>`;
  for (const h of ["Row", "Target", "Threshold", "Observed", "Samples", "Window", "Verdict"])
    out += `<th>${h}</th>`;
  out += "</tr></thead>\n<tbody>\n";
  for (const r of c.rows) {
    out += `<tr class="${r.verdict}">`;
    out += `<td title="${esc(r.text)}">${esc(r.label)}</td>`;
    out += `<td>${esc(r.target ?? "–")}</td><td>${esc(r.threshold ?? "–")}</td>`;
    out += `<td data-v="${r.observed ?? ""}">${esc(r.observedText)}</td>`;
    out += `<td class="n" data-v="${r.samples}">${num(r.samples)}</td>`;
    out += `<td>${esc(r.window.text)}</td>`;
    out += `<td class="verdict" data-v="${r.verdict}"><span class="pill ${r.verdict}">${r.verdict}</span>${
      r.reason !== undefined ? ` <span class="reason">${esc(r.reason)}</span>` : ""
    }</td></tr>\n`;
  }
  out += "</tbody></table>\n</section>\n";
  return out;
}

const LATENCY_COLS = ["p50", "p90", "p95", "p99", "p99.9", "max"] as const;

/** Requests and transactions: counts, rates, percentiles and error shares; sortable. */
export function renderRequests(s: Summary): string {
  const rows = [
    ...(s.requestsByName ?? []).map((r) => ({ r, kind: "request" as const })),
    ...(s.transactions ?? []).map((r) => ({ r, kind: "transaction" as const })),
  ];
  let out = `<section id="requests"><h2>Requests and transactions</h2>\n`;
  if (rows.length === 0) return `${out}<p class="empty">No request was made.</p></section>\n`;
  out += `<table class="sortable" id="requests-table">\n<thead><tr>`;
  const heads = [
    "Name",
    "Kind",
    "Count",
    "req/s",
    ...LATENCY_COLS,
    "HTTP errors",
    "Network errors",
    "In flight",
  ];
  heads.push("Failed");
  for (const h of heads) out += `<th>${esc(h)}</th>`;
  out += "</tr></thead>\n<tbody>\n";
  for (const { r, kind } of rows) {
    out += `<tr data-name="${esc(r.name)}" data-kind="${kind}">`;
    out += `<td>${esc(r.name)}</td><td>${kind}</td>`;
    out += `<td class="n" data-v="${r.count}">${num(r.count)}</td>`;
    out += `<td class="n" data-v="${r.perSecond}">${r.perSecond.toFixed(1)}</td>`;
    for (const k of LATENCY_COLS) out += msCell(r.count > 0 ? r[k] : null);
    const total = r.count + (r.errors?.in_flight_at_stop ?? 0);
    out += pctCell(r.errors?.http_error ?? 0, total);
    out += pctCell(r.errors?.net_error ?? 0, total);
    out += pctCell(r.errors?.in_flight_at_stop ?? 0, total);
    out += kind === "transaction" ? pctCell(r.failed ?? 0, r.count) : `<td data-v="-1">–</td>`;
    out += "</tr>\n";
  }
  out += "</tbody></table>\n";
  out += `<p class="hint">Click a column to sort. Error shares are of the requests (or transactions) of that row; latencies are from the HDR histograms of the whole run.</p>\n`;
  out += "</section>\n";
  return out;
}

function msCell(v: number | null): string {
  if (v === null || !Number.isFinite(v)) return `<td class="n" data-v="-1">–</td>`;
  return `<td class="n" data-v="${v}">${esc(formatMs(v))}</td>`;
}

function pctCell(n: number, total: number): string {
  if (n === 0) return `<td class="n" data-v="0">0</td>`;
  const pct = total > 0 ? (100 * n) / total : 0;
  return `<td class="n bad" data-v="${pct}" title="${num(n)} of ${num(total)}">${pct < 0.01 ? "<0.01" : pct.toFixed(2)}% (${num(n)})</td>`;
}

/** A top query of the postgres monitor (monitors/pg-statements.ts TopQuery). */
interface TopQueryView {
  query: string;
  database?: string;
  calls: number;
  totalMs: number;
  meanMs: number;
  rows?: number;
  percent?: number;
}

/**
 * The top SQL table from summary.json's monitor extras. Read tolerantly: `monitors` may be an
 * array of `{ monitor, notes, data }` or an object keyed by monitor; the postgres monitor puts
 * its list in `data.topQueries`.
 */
export function topQueriesOf(s: Summary): TopQueryView[] {
  const extras = monitorExtras(s);
  for (const e of extras) {
    const list = e.data?.topQueries;
    if (Array.isArray(list))
      return list.filter(
        (q): q is TopQueryView => typeof q === "object" && q !== null && typeof q.query === "string",
      );
  }
  return [];
}

/** Plain-language notes of every monitor (for the metadata section). */
export function monitorNotesOf(s: Summary): string[] {
  return monitorExtras(s).flatMap((e) =>
    Array.isArray(e.notes) ? e.notes.map((n) => `${e.monitor ?? "monitor"}: ${String(n)}`) : [],
  );
}

interface ExtrasView {
  monitor?: string;
  notes?: unknown[];
  data?: Record<string, unknown>;
}

function monitorExtras(s: Summary): ExtrasView[] {
  const m = (s as { monitors?: unknown }).monitors;
  if (Array.isArray(m)) return m.filter((e): e is ExtrasView => typeof e === "object" && e !== null);
  if (typeof m === "object" && m !== null)
    return Object.entries(m as Record<string, unknown>)
      .filter(([, e]) => typeof e === "object" && e !== null)
      .map(([k, e]) => ({ monitor: k, ...(e as ExtrasView) }));
  return [];
}

/** Whole-run statistics of every monitor series (summary.json's `monitorSeries`), when present. */
export function renderMonitorStats(s: Summary): string {
  const list = (s as { monitorSeries?: Summary["monitorSeries"] }).monitorSeries;
  if (!Array.isArray(list) || list.length === 0) return "";
  let out = `<h3>Over the whole run</h3>\n<table class="sortable" id="monitor-stats">\n<thead><tr>`;
  for (const h of ["Series", "Tags", "Min", "Avg", "p95", "Max", "Total"]) out += `<th>${h}</th>`;
  out += "</tr></thead>\n<tbody>\n";
  const n = (v: number | undefined) =>
    v === undefined || !Number.isFinite(v)
      ? `<td class="n" data-v="-1">–</td>`
      : `<td class="n" data-v="${v}">${esc(short(v))}</td>`;
  for (const m of list) {
    const st = m.stats as unknown as Record<string, number | string>;
    const num = (k: string) => (typeof st[k] === "number" ? (st[k] as number) : undefined);
    const tags = Object.entries(m.tags)
      .map(([k, v]) => `${k}=${v}`)
      .join(" ");
    out += `<tr><td>${esc(m.metric)}</td><td>${esc(tags)}</td>`;
    switch (st.type) {
      case "trend":
        out += n(num("min")) + n(num("avg")) + n(num("p95")) + n(num("max")) + n(undefined);
        break;
      case "gauge":
        out += n(num("min")) + n(undefined) + n(undefined) + n(num("max")) + n(undefined);
        break;
      case "counter":
        out += n(undefined) + n(num("rate")) + n(undefined) + n(undefined) + n(num("count"));
        break;
      default:
        out += n(undefined) + n(num("rate")) + n(undefined) + n(undefined) + n(num("total"));
    }
    out += "</tr>\n";
  }
  out += `</tbody></table>\n<p class="hint">Levels (percentages, rates, ms): their statistics over the run's intervals; counters: the total and its mean per second (Avg).</p>\n`;
  return out;
}

/** 3 significant digits, with k / M / G for large values. */
function short(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e9) return `${(v / 1e9).toPrecision(3)}G`;
  if (a >= 1e6) return `${(v / 1e6).toPrecision(3)}M`;
  if (a >= 1e4) return `${(v / 1e3).toPrecision(3)}k`;
  return a === 0 ? "0" : String(Number(v.toPrecision(3)));
}

export function renderTopSql(s: Summary): string {
  const top = topQueriesOf(s);
  if (top.length === 0) return "";
  let out = `<section id="top-sql"><h2>Top SQL during the run</h2>\n<table class="sortable" id="sql-table">\n<thead><tr>`;
  for (const h of ["Query", "Database", "Calls", "Total", "Mean", "Rows", "Share"]) out += `<th>${h}</th>`;
  out += "</tr></thead>\n<tbody>\n";
  for (const q of top) {
    out += `<tr><td><code>${esc(q.query)}</code></td><td>${esc(q.database ?? "")}</td>`;
    out += `<td class="n" data-v="${q.calls}">${num(q.calls)}</td>`;
    out += msCell(q.totalMs);
    out += msCell(q.meanMs);
    out += `<td class="n" data-v="${q.rows ?? 0}">${num(q.rows ?? 0)}</td>`;
    out += `<td class="n" data-v="${q.percent ?? 0}">${(q.percent ?? 0).toFixed(1)}%</td></tr>\n`;
  }
  out +=
    '</tbody></table>\n<p class="hint">From pg_stat_statements, counted from the run\'s start to its end.</p></section>\n';
  return out;
}

/** Sampled error details grouped by what went wrong (errors.ndjson). */
export function renderErrorSamples(samples: readonly ErrorSample[], notSampled: number): string {
  if (samples.length === 0) return "";
  const groups = new Map<string, { s: ErrorSample; n: number; first: number }>();
  for (const s of samples) {
    const key = `${s.kind}\u0000${s.name ?? ""}\u0000${s.status ?? ""}\u0000${s.netError ?? ""}\u0000${s.message}`;
    const g = groups.get(key);
    if (g === undefined) groups.set(key, { s, n: 1, first: s.time });
    else g.n++;
  }
  const top = [...groups.values()].sort((a, b) => b.n - a.n).slice(0, 20);
  let out = `<section id="error-samples"><h2>Error samples</h2>\n<table class="sortable" id="errors-table">\n<thead><tr>`;
  for (const h of ["Kind", "Scenario", "Request", "Status", "Message", "Samples"]) out += `<th>${h}</th>`;
  out += "</tr></thead>\n<tbody>\n";
  for (const { s, n } of top) {
    out += `<tr><td>${esc(s.kind)}${s.netError ? ` (${esc(s.netError)})` : ""}</td><td>${esc(s.scenario)}</td>`;
    out += `<td>${esc(`${s.method ?? ""} ${s.name ?? ""}`.trim())}</td><td class="n">${esc(s.status ?? "")}</td>`;
    out += `<td>${esc(s.message)}</td><td class="n" data-v="${n}">${num(n)}</td></tr>\n`;
  }
  out += "</tbody></table>\n";
  out += `<p class="hint">${num(samples.length)} sampled error details${
    notSampled > 0 ? ` (${num(notSampled)} more were counted but not sampled)` : ""
  }; the 20 most frequent shown.</p></section>\n`;
  return out;
}

/** Run metadata (plan, options, versions, host, start / end) and every warning. */
export function renderMetadata(run: LoadedRun, info: RunInfo | null, notes: readonly string[]): string {
  const s = run.summary;
  const rows: [string, string][] = [];
  const add = (k: string, v: string | undefined | null) => {
    if (v !== undefined && v !== null && v !== "") rows.push([k, v]);
  };
  add("Plan", info?.plan.name ?? s.plan);
  add("Description", info?.plan.description);
  add("Plan file", info?.plan.path);
  add("Status", `${s.status}${s.reason ? ` (${s.reason})` : ""}`);
  if (run.end?.exitCode !== undefined) add("Exit code", String(run.end.exitCode));
  add("Started", s.startedAt ?? info?.startedAt ?? null);
  add("Ended", s.endedAt);
  add("Duration", `${clockOf(s.durationMs ?? 0)} (${num(s.intervals ?? 0)} intervals)`);
  if (info !== null) {
    add("Workers", String(info.options.workers));
    add("Interval", `${info.options.intervalMs} ms`);
    add("Variables (names only)", info.options.env.length > 0 ? info.options.env.join(", ") : "none");
    for (const sc of info.scenarios)
      add(
        `Scenario ${sc.name}`,
        `${sc.executor}, planned ${clockOf(sc.plannedDurationMs)}; flows: ${sc.flows.join(", ")}`,
      );
    add("Strain", info.versions.strain);
    add("Node.js", info.versions.node);
    add("Host", `${info.host.hostname} (${info.host.platform}/${info.host.arch}, ${info.host.cpus} CPUs)`);
  }
  if (s.requests !== undefined) {
    add("Request classes", s.requests.invariant.expression);
    add(
      "Invariant",
      s.requests.invariant.holds ? "holds" : "does NOT hold (requests lost when workers were killed)",
    );
  }
  if (s.iterations !== undefined)
    add(
      "Iterations",
      `${num(s.iterations.completed)} completed, ${num(s.iterations.failed)} failed, ${num(s.iterations.dropped)} dropped`,
    );
  if (s.checks !== null && s.checks !== undefined) {
    const total = s.checks.passes + s.checks.fails;
    add("Checks", `${num(s.checks.passes)} of ${num(total)} passed`);
  }
  add("Run directory", run.dir);
  let out = `<section id="metadata"><h2>Run</h2>\n<table class="kv">\n<tbody>\n`;
  for (const [k, v] of rows) out += `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>\n`;
  out += "</tbody></table>\n";
  const warnings = [...run.warnings];
  if (run.truncated)
    warnings.push("The last line of series.ndjson was cut short (the run was killed); it was skipped.");
  if (run.corrupt > 0) warnings.push(`${run.corrupt} unreadable lines of series.ndjson were skipped.`);
  if (run.summaryRebuilt)
    warnings.push("summary.json was missing: the tables were rebuilt from series.ndjson for this report.");
  out += `<h3>Warnings</h3>\n`;
  out +=
    warnings.length === 0
      ? `<p class="empty" id="no-warnings">The run produced no warning.</p>\n`
      : `<ul id="warnings">\n${warnings.map((w) => `<li>${esc(w)}</li>`).join("\n")}\n</ul>\n`;
  if (notes.length > 0)
    out += `<h3>Monitor notes</h3>\n<ul>\n${notes.map((n) => `<li>${esc(n)}</li>`).join("\n")}\n</ul>\n`;
  out += "</section>\n";
  return out;
}

/** ms as m:ss or h:mm:ss. */
export function clockOf(ms: number): string {
  const t = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(t / 3600);
  const m = Math.floor((t % 3600) / 60);
  const sec = t % 60;
  const p = (n: number) => String(n).padStart(2, "0");
  return h > 0 ? `${h}:${p(m)}:${p(sec)}` : `${m}:${p(sec)}`;
}

export function num(n: number): string {
  return n.toLocaleString("en-US");
}
