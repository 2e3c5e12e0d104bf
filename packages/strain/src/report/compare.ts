import { basename } from "node:path";
import type { Verdict } from "../criteria/verdict.js";
import type { LatencyRow, Summary } from "../results/summary.js";
import { formatMs } from "../results/text-summary.js";
import { type CollectedRun, collectRun } from "./collect-run.js";
import { compareApp } from "./compare-app.js";
import { downsampleMinMax } from "./downsample.js";
import { round4 } from "./interval-series.js";
import { renderPage } from "./page.js";
import { esc } from "./report-sections.js";

/**
 * Run comparison (`strain compare <runA> <runB>`): B against A, per request name and transaction,
 * and criteria row by row. What counts as a regression, with tolerance t (10% → 0.1):
 *
 *   p50 / p95 / p99   B > A × (1 + t), and B − A ≥ 1 ms (timer noise is not a regression), judged
 *                     only when both runs have ≥ 10 samples beyond the percentile (p99: 1,000
 *                     requests; on 200, p99 is the second-worst sample, not evidence)
 *   throughput        B < A × (1 − t)   (requests or transactions per second)
 *   errors            B − A > max(0.1, A × t) percentage points
 *   criteria          a row's verdict got worse (pass → warn → fail), or it vanished
 */
export interface CompareOptions {
  /** Tolerance, percent (10 = 10%). */
  tolerancePercent: number;
  /** Latency changes smaller than this never count, ms. Default 1. */
  minDeltaMs?: number;
  /** A percentile is judged only with at least this many samples beyond it in both runs. Default 10. */
  minTailSamples?: number;
}

export interface Delta {
  a: number | null;
  b: number | null;
  /** b − a. */
  change: number | null;
  /** (b − a) / a × 100; null when a is 0 or missing. */
  percent: number | null;
  regression: boolean;
  /** Latency: too few samples beyond the percentile in a run to judge it (shown, never a regression). */
  fewSamples?: boolean;
}

export interface NameDiff {
  name: string;
  kind: "request" | "transaction";
  presence: "both" | "only-a" | "only-b";
  p50: Delta;
  p95: Delta;
  p99: Delta;
  /** Per second. */
  throughput: Delta;
  /** Share of failed requests (transactions: failed transactions), percent. */
  errorRate: Delta;
  /** Plain sentences, one per regression of this row. */
  regressions: string[];
}

export interface VerdictChange {
  label: string;
  a: Verdict | null;
  b: Verdict | null;
  observedA: string | null;
  observedB: string | null;
  worse: boolean;
}

export interface RunRef {
  dir: string;
  plan: string;
  startedAt: string | null;
  status: string;
}

export interface RunComparison {
  a: RunRef;
  b: RunRef;
  tolerancePercent: number;
  rows: NameDiff[];
  criteria: VerdictChange[];
  /** Every regression, in words. */
  regressions: string[];
  regressed: boolean;
}

const RANK: Record<Verdict, number> = { pass: 0, warn: 1, fail: 2 };
const PERCENT = { p50: 50, p95: 95, p99: 99 } as const;

/** Compare two summaries (B against A). */
export function compareSummaries(
  a: Summary,
  b: Summary,
  opts: CompareOptions,
  dirs: { a: string; b: string } = { a: "A", b: "B" },
): RunComparison {
  const t = opts.tolerancePercent / 100;
  const minMs = opts.minDeltaMs ?? 1;
  const tail = opts.minTailSamples ?? 10;
  const rows: NameDiff[] = [];
  for (const kind of ["request", "transaction"] as const) {
    const pick = (s: Summary) => (kind === "request" ? (s.requestsByName ?? []) : (s.transactions ?? []));
    const inA = new Map(pick(a).map((r) => [r.name, r] as const));
    const inB = new Map(pick(b).map((r) => [r.name, r] as const));
    const names = [...new Set([...inA.keys(), ...inB.keys()])].sort();
    for (const name of names) rows.push(diffRow(name, kind, inA.get(name), inB.get(name), t, minMs, tail));
  }
  const criteria = diffCriteria(a, b);
  const regressions: string[] = [];
  for (const r of rows) for (const why of r.regressions) regressions.push(`${r.kind} ${r.name}: ${why}`);
  for (const c of criteria)
    if (c.worse)
      regressions.push(
        `criterion ${c.label}: ${c.a ?? "absent"} → ${c.b ?? "absent"}${c.observedB !== null ? ` (observed ${c.observedB})` : ""}`,
      );
  return {
    a: ref(a, dirs.a),
    b: ref(b, dirs.b),
    tolerancePercent: opts.tolerancePercent,
    rows,
    criteria,
    regressions,
    regressed: regressions.length > 0,
  };
}

function ref(s: Summary, dir: string): RunRef {
  return { dir, plan: s.plan, startedAt: s.startedAt ?? null, status: s.status };
}

function diffRow(
  name: string,
  kind: "request" | "transaction",
  a: LatencyRow | undefined,
  b: LatencyRow | undefined,
  t: number,
  minMs: number,
  tail: number,
): NameDiff {
  const presence = a !== undefined && b !== undefined ? "both" : a !== undefined ? "only-a" : "only-b";
  const lat = (k: "p50" | "p95" | "p99"): Delta => {
    const va = a !== undefined && a.count > 0 ? a[k] : null;
    const vb = b !== undefined && b.count > 0 ? b[k] : null;
    const d = delta(va, vb);
    const beyond = 1 - PERCENT[k] / 100;
    const enough = (r: LatencyRow | undefined) => r !== undefined && r.count * beyond >= tail;
    if (va !== null && vb !== null && !(enough(a) && enough(b))) d.fewSamples = true;
    d.regression = va !== null && vb !== null && !d.fewSamples && vb > va * (1 + t) && vb - va >= minMs;
    return d;
  };
  const p50 = lat("p50");
  const p95 = lat("p95");
  const p99 = lat("p99");
  const throughput = delta(a?.perSecond ?? null, b?.perSecond ?? null);
  throughput.regression =
    throughput.a !== null && throughput.b !== null && throughput.b < throughput.a * (1 - t);
  const errorRate = delta(errorShare(a, kind), errorShare(b, kind));
  errorRate.regression =
    errorRate.a !== null &&
    errorRate.b !== null &&
    errorRate.b - errorRate.a > Math.max(0.1, errorRate.a * t);
  const regressions: string[] = [];
  for (const [label, d] of [
    ["p50", p50],
    ["p95", p95],
    ["p99", p99],
  ] as const)
    if (d.regression)
      regressions.push(`${label} ${formatMs(d.a!)} → ${formatMs(d.b!)} (${signed(d.percent)})`);
  if (throughput.regression)
    regressions.push(
      `throughput ${throughput.a!.toFixed(1)}/s → ${throughput.b!.toFixed(1)}/s (${signed(throughput.percent)})`,
    );
  if (errorRate.regression)
    regressions.push(`errors ${errorRate.a!.toFixed(2)}% → ${errorRate.b!.toFixed(2)}%`);
  return { name, kind, presence, p50, p95, p99, throughput, errorRate, regressions };
}

/** Failed share in percent: requests with an error class other than ok; transactions that failed. */
function errorShare(r: LatencyRow | undefined, kind: "request" | "transaction"): number | null {
  if (r === undefined) return null;
  if (kind === "transaction") return r.count > 0 ? (100 * (r.failed ?? 0)) / r.count : 0;
  const e = r.errors ?? { http_error: 0, net_error: 0, in_flight_at_stop: 0 };
  const total = r.count + e.in_flight_at_stop;
  return total > 0 ? (100 * (e.http_error + e.net_error + e.in_flight_at_stop)) / total : 0;
}

function delta(a: number | null, b: number | null): Delta {
  const change = a !== null && b !== null ? b - a : null;
  const percent = change !== null && a !== null && a !== 0 ? (100 * change) / a : null;
  return { a, b, change, percent, regression: false };
}

function diffCriteria(a: Summary, b: Summary): VerdictChange[] {
  const rowsA = a.criteria?.rows ?? [];
  const rowsB = b.criteria?.rows ?? [];
  const byA = new Map(rowsA.map((r) => [r.label, r] as const));
  const byB = new Map(rowsB.map((r) => [r.label, r] as const));
  const labels = [...new Set([...byA.keys(), ...byB.keys()])];
  return labels.map((label) => {
    const ra = byA.get(label);
    const rb = byB.get(label);
    const va = ra?.verdict ?? null;
    const vb = rb?.verdict ?? null;
    return {
      label,
      a: va,
      b: vb,
      observedA: ra?.observedText ?? null,
      observedB: rb?.observedText ?? null,
      worse: va !== null && (vb === null || RANK[vb] > RANK[va]),
    };
  });
}

function signed(p: number | null): string {
  if (p === null) return "n/a";
  return `${p >= 0 ? "+" : ""}${p.toFixed(1)}%`;
}

/** Read two run directories (summary, series) and compare them. */
export function compareRuns(
  dirA: string,
  dirB: string,
  opts: CompareOptions,
): { comparison: RunComparison; a: CollectedRun; b: CollectedRun } {
  const a = collectRun(dirA);
  const b = collectRun(dirB);
  return { comparison: compareSummaries(a.run.summary, b.run.summary, opts, { a: dirA, b: dirB }), a, b };
}

/** The terminal diff: one line per request name and transaction, then criteria changes and the verdict. */
export function renderCompareText(c: RunComparison, opts: { color: boolean }): string {
  const paint = (code: number, s: string) => (opts.color ? `\x1b[${code}m${s}\x1b[0m` : s);
  let out = `\nA: ${basename(c.a.dir)} (${c.a.plan}, ${c.a.status})\nB: ${basename(c.b.dir)} (${c.b.plan}, ${c.b.status})\n\n`;
  const head = ["NAME", "P50 A → B", "P95 A → B", "P99 A → B", "REQ/S A → B", "ERRORS A → B"];
  const cells = c.rows.map((r) => [
    `${r.kind === "transaction" ? "tx " : ""}${r.name}${r.presence === "only-a" ? " (only in A)" : r.presence === "only-b" ? " (only in B)" : ""}`,
    msCell(r.p50),
    msCell(r.p95),
    msCell(r.p99),
    numCell(r.throughput, (v) => v.toFixed(1)),
    errCell(r.errorRate),
  ]);
  const flags = c.rows.map((r) => [
    false,
    r.p50.regression,
    r.p95.regression,
    r.p99.regression,
    r.throughput.regression,
    r.errorRate.regression,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((row) => row[i]!.length)));
  out += `${head
    .map((h, i) => h.padEnd(widths[i]!))
    .join("  ")
    .trimEnd()}\n`;
  cells.forEach((row, ri) => {
    out += `${row
      .map((cell, i) => {
        const padded = cell.padEnd(widths[i]!);
        return flags[ri]![i] ? paint(31, padded) : padded;
      })
      .join("  ")
      .trimEnd()}\n`;
  });
  if (c.rows.some((r) => r.p50.fewSamples || r.p95.fewSamples || r.p99.fewSamples))
    out += `* fewer than 10 samples beyond this percentile in a run: shown, not judged\n`;
  const changed = c.criteria.filter((x) => x.a !== x.b);
  if (c.criteria.length > 0) {
    out += `\ncriteria: ${changed.length === 0 ? "no verdict changed" : `${changed.length} verdicts changed`}\n`;
    for (const x of changed)
      out += `  ${x.worse ? paint(31, "worse") : "better"}  ${x.label}: ${x.a ?? "absent"} → ${x.b ?? "absent"}${
        x.observedB !== null ? ` (observed ${x.observedA ?? "-"} → ${x.observedB})` : ""
      }\n`;
  }
  if (c.regressed) {
    out += `\n${paint(31, `${c.regressions.length} regression${c.regressions.length === 1 ? "" : "s"}`)} beyond ${c.tolerancePercent}%:\n`;
    for (const r of c.regressions) out += `  - ${r}\n`;
  } else out += `\n${paint(32, "no regression")} beyond ${c.tolerancePercent}%\n`;
  return out;
}

function msCell(d: Delta): string {
  if (d.a === null && d.b === null) return "-";
  const a = d.a === null ? "-" : formatMs(d.a);
  const b = d.b === null ? "-" : formatMs(d.b);
  return `${a} → ${b}${d.percent !== null ? ` (${signed(d.percent)})` : ""}${d.fewSamples ? " *" : ""}`;
}

function numCell(d: Delta, f: (v: number) => string): string {
  const a = d.a === null ? "-" : f(d.a);
  const b = d.b === null ? "-" : f(d.b);
  return `${a} → ${b}${d.percent !== null ? ` (${signed(d.percent)})` : ""}`;
}

function errCell(d: Delta): string {
  const a = d.a === null ? "-" : `${d.a.toFixed(2)}%`;
  const b = d.b === null ? "-" : `${d.b.toFixed(2)}%`;
  return `${a} → ${b}`;
}

/** Data of compare.html: the diff and, per latency group, both runs' series (seconds since each start). */
export interface CompareData {
  v: 1;
  groups: {
    key: string;
    label: string;
    a: { x: number[]; p50: V; p95: V; p99: V } | null;
    b: { x: number[]; p50: V; p95: V; p99: V } | null;
  }[];
  throughput: { a: { x: number[]; ok: V }; b: { x: number[]; ok: V } };
}
type V = (number | null)[];

/** compare.html: the diff table, criteria changes and overlaid latency charts (A vs B). */
export function renderCompareHtml(
  c: RunComparison,
  a: CollectedRun,
  b: CollectedRun,
  maxPoints = 1000,
): string {
  const series = (run: CollectedRun) => {
    const m = new Map<string, { label: string; x: number[]; p50: V; p95: V; p99: V }>();
    for (const g of run.series.latency) {
      const t = downsampleMinMax({ x: run.series.x, ys: [g.p50, g.p95, g.p99] }, maxPoints);
      const r = (y: V) => y.map((v) => (v === null ? null : round4(v)));
      m.set(g.key, { label: g.label, x: t.x, p50: r(t.ys[0]!), p95: r(t.ys[1]!), p99: r(t.ys[2]!) });
    }
    return m;
  };
  const sa = series(a);
  const sb = series(b);
  const keys = [...new Set([...sa.keys(), ...sb.keys()])].sort((x, y) =>
    x === "all" ? -1 : y === "all" ? 1 : x.localeCompare(y),
  );
  const strip = (s: { label: string; x: number[]; p50: V; p95: V; p99: V } | undefined) =>
    s === undefined ? null : { x: s.x, p50: s.p50, p95: s.p95, p99: s.p99 };
  const tp = (run: CollectedRun) => {
    const t = downsampleMinMax({ x: run.series.x, ys: [run.series.okPerSecond] }, maxPoints);
    return { x: t.x, ok: t.ys[0]!.map((v) => (v === null ? null : round4(v))) };
  };
  const data: CompareData = {
    v: 1,
    groups: keys.map((key) => ({
      key,
      label: (sa.get(key) ?? sb.get(key))!.label,
      a: strip(sa.get(key)),
      b: strip(sb.get(key)),
    })),
    throughput: { a: tp(a), b: tp(b) },
  };
  let body = `<header><h1>Compare: ${esc(c.a.plan)}${c.b.plan !== c.a.plan ? ` vs ${esc(c.b.plan)}` : ""}</h1>`;
  body += `<p>A: ${esc(basename(c.a.dir))} (${esc(c.a.startedAt ?? "")}) · B: ${esc(basename(c.b.dir))} (${esc(c.b.startedAt ?? "")})</p></header>\n`;
  const level = c.regressed ? "fail" : "pass";
  body += `<section id="verdict" class="banner ${level}" data-level="${level}"><div class="banner-word">${
    c.regressed ? "REGRESSED" : "NO REGRESSION"
  }</div><ul>`;
  if (c.regressed) for (const r of c.regressions) body += `<li class="fail">${esc(r)}</li>`;
  else
    body += `<li>No regression beyond ${c.tolerancePercent}% in latency, throughput, errors or criteria.</li>`;
  body += `</ul></section>\n`;
  body += `<section id="diff"><h2>Per request and transaction</h2>\n<table class="sortable" id="diff-table"><thead><tr>`;
  for (const h of [
    "Name",
    "Kind",
    "p50 A",
    "p50 B",
    "Δ p50",
    "p95 A",
    "p95 B",
    "Δ p95",
    "p99 A",
    "p99 B",
    "Δ p99",
    "req/s A",
    "req/s B",
    "Δ req/s",
    "errors A",
    "errors B",
  ])
    body += `<th>${h}</th>`;
  body += "</tr></thead><tbody>\n";
  for (const r of c.rows) {
    body += `<tr data-name="${esc(r.name)}"${r.regressions.length > 0 ? ' class="fail"' : ""}><td>${esc(r.name)}${
      r.presence !== "both"
        ? ` <span class="reason">(${r.presence === "only-a" ? "only in A" : "only in B"})</span>`
        : ""
    }</td><td>${r.kind}</td>`;
    for (const d of [r.p50, r.p95, r.p99]) body += msTd(d.a) + msTd(d.b) + pctTd(d);
    body += numTd(r.throughput.a) + numTd(r.throughput.b) + pctTd(r.throughput);
    body += errTd(r.errorRate.a) + errTd(r.errorRate.b, r.errorRate.regression);
    body += "</tr>\n";
  }
  body += `</tbody></table><p class="hint">Regression: latency up more than ${c.tolerancePercent}% (and ≥ 1 ms; * fewer than 10 samples beyond the percentile: not judged), throughput down more than ${c.tolerancePercent}%, errors up more than max(0.1, ${c.tolerancePercent}% of A) points.</p></section>\n`;
  if (c.criteria.length > 0) {
    body += `<section id="criteria-changes"><h2>Criteria</h2><table id="criteria-diff"><thead><tr><th>Row</th><th>A</th><th>B</th><th>Observed A</th><th>Observed B</th></tr></thead><tbody>\n`;
    for (const x of c.criteria)
      body += `<tr${x.worse ? ' class="fail"' : ""}><td>${esc(x.label)}</td><td>${pill(x.a)}</td><td>${pill(x.b)}</td><td>${esc(
        x.observedA ?? "–",
      )}</td><td>${esc(x.observedB ?? "–")}</td></tr>\n`;
    body += "</tbody></table></section>\n";
  }
  const options = data.groups.map((g) => `<option value="${esc(g.key)}">${esc(g.label)}</option>`).join("");
  body += `<section id="charts"><h2>Over time (A dashed, B solid)</h2>
<label class="select">Latency of <select id="compare-group">${options}</select> percentile <select id="compare-p"><option>p95</option><option>p50</option><option>p99</option></select></label>
<div class="charts"><figure><div class="chart" data-chart="compare-latency"></div></figure><figure><div class="chart" data-chart="compare-throughput"></div></figure></div></section>\n`;
  return renderPage({
    title: `Compare ${c.a.plan}: ${basename(c.a.dir)} vs ${basename(c.b.dir)}`,
    body,
    data,
    app: compareApp as Parameters<typeof renderPage>[0]["app"],
  });
}

function msTd(v: number | null): string {
  return v === null
    ? `<td class="n" data-v="-1">–</td>`
    : `<td class="n" data-v="${v}">${esc(formatMs(v))}</td>`;
}
function numTd(v: number | null): string {
  return v === null ? `<td class="n" data-v="-1">–</td>` : `<td class="n" data-v="${v}">${v.toFixed(1)}</td>`;
}
function errTd(v: number | null, bad = false): string {
  return v === null
    ? `<td class="n" data-v="-1">–</td>`
    : `<td class="n${bad ? " delta-bad" : ""}" data-v="${v}">${v.toFixed(2)}%</td>`;
}
function pctTd(d: Delta): string {
  if (d.percent === null) return `<td class="n" data-v="0">–</td>`;
  const cls = d.regression ? "delta-bad" : "";
  const few = d.fewSamples ? ` title="fewer than 10 samples beyond this percentile: not judged"` : "";
  return `<td class="n ${cls}" data-v="${d.percent}"${few}>${esc(signed(d.percent))}${d.fewSamples ? " *" : ""}</td>`;
}
function pill(v: Verdict | null): string {
  return v === null ? "–" : `<span class="pill ${v}">${v}</span>`;
}
