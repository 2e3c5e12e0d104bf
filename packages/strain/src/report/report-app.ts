// biome-ignore-all lint/suspicious/noExplicitAny: browser code; the package compiles without lib.dom, so DOM objects are untyped here.
import type { ReportData, TimeChartSpec } from "./report-data.js";

/**
 * The report page's script, run in the browser: sortable tables and uPlot charts from the data
 * embedded in the page. It is embedded as source (`String(reportApp)`), so it must not use
 * anything outside its own body but its parameters.
 */
export function reportApp(data: ReportData, uPlot: any, doc: any, win: any): void {
  const charts: { el: any; u: any }[] = [];
  const HEIGHT = 240;

  const clock = (s: number): string => {
    const t = Math.round(s);
    const h = Math.floor(t / 3600);
    const m = Math.floor((t % 3600) / 60);
    const sec = t % 60;
    const p = (n: number) => String(n).padStart(2, "0");
    return h > 0 ? `${h}:${p(m)}:${p(sec)}` : `${m}:${p(sec)}`;
  };
  const short = (v: number): string => {
    const a = Math.abs(v);
    if (a >= 1e9) return `${+(v / 1e9).toFixed(2)}G`;
    if (a >= 1e6) return `${+(v / 1e6).toFixed(2)}M`;
    if (a >= 1e4) return `${+(v / 1e3).toFixed(1)}k`;
    return `${+v.toFixed(a < 1 ? 3 : a < 100 ? 2 : 0)}`;
  };
  const fmt = (v: number | null, unit: string): string =>
    v === null || v === undefined ? "–" : `${short(v)}${unit ? ` ${unit}` : ""}`;
  const width = (el: any): number => Math.max(300, el.clientWidth || 800);

  function timeOpts(spec: Pick<TimeChartSpec, "title" | "unit" | "series">, el: any): any {
    return {
      width: width(el),
      height: HEIGHT,
      title: spec.title,
      // Every series drawn over time is ≥ 0: start the y axis at 0 so small changes do not look big.
      scales: {
        x: { time: false },
        y: { range: (_u: any, _min: number, max: number) => uPlot.rangeNum(0, max > 0 ? max : 1, 0.1, true) },
      },
      axes: [
        {
          // Whole seconds only: a 5 s run must not label 0:00, 0:01, 0:01 …
          incrs: [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400],
          values: (_u: any, vals: number[]) => vals.map((v) => (v === null ? "" : clock(v))),
        },
        {
          label: spec.unit,
          size: 64,
          values: (_u: any, vals: number[]) => vals.map((v) => (v === null ? "" : short(v))),
        },
      ],
      series: [
        { label: "time", value: (_u: any, v: number | null) => (v === null ? "–" : clock(v)) },
        ...spec.series.map((s) => ({
          label: s.label,
          stroke: s.color,
          width: 1.5,
          spanGaps: false,
          ...(s.dash ? { dash: [6, 4] } : {}),
          value: (_u: any, v: number | null) => fmt(v, spec.unit),
        })),
      ],
      cursor: { drag: { x: true, y: false } },
    };
  }

  function mount(el: any, opts: any, table: any[]): any {
    const u = new uPlot(opts, table, el);
    el.setAttribute("data-drawn", "1");
    charts.push({ el, u });
    return u;
  }

  function chartEl(id: string): any {
    return doc.querySelector(`[data-chart="${id}"]`);
  }

  for (const spec of data.charts) {
    const el = chartEl(spec.id);
    if (el) mount(el, timeOpts(spec, el), [spec.x, ...spec.series.map((s) => s.values)]);
  }
  for (const section of data.monitors)
    for (const spec of section.charts) {
      const el = chartEl(spec.id);
      if (el) mount(el, timeOpts(spec, el), [spec.x, ...spec.series.map((s) => s.values)]);
    }

  // Latency: one group at a time, chosen in the <select>.
  const lat = data.latency;
  const latEl = chartEl("latency");
  if (lat && latEl) {
    const select = doc.getElementById("latency-group");
    const first = lat.groups[0]!;
    const spec = {
      title: `Latency: ${first.label}`,
      unit: "ms",
      series: [
        { label: "p50", color: "#2ca02c", values: first.p50 },
        { label: "p95", color: "#ff7f0e", values: first.p95 },
        { label: "p99", color: "#d62728", values: first.p99 },
      ],
    };
    const u = mount(latEl, timeOpts(spec, latEl), [lat.x, first.p50, first.p95, first.p99]);
    if (select) {
      select.addEventListener("change", () => {
        const g = lat.groups.find((x) => x.key === select.value);
        if (!g) return;
        u.setData([lat.x, g.p50, g.p95, g.p99]);
        const title = latEl.querySelector(".u-title");
        if (title) title.textContent = `Latency: ${g.label}`;
      });
    }
  }

  // Latency distribution: bars over log-spaced bins.
  const dist = data.distribution;
  const distEl = chartEl("distribution");
  if (dist && distEl) {
    const share = dist.counts.map((c) => (dist.total > 0 ? (100 * c) / dist.total : 0));
    mount(
      distEl,
      {
        width: width(distEl),
        height: HEIGHT,
        title: "Latency distribution (all requests)",
        scales: { x: { time: false, distr: 3 } },
        axes: [
          { label: "ms", values: (_u: any, vals: number[]) => vals.map((v) => (v === null ? "" : short(v))) },
          { label: "% of requests", size: 64 },
        ],
        series: [
          { label: "latency", value: (_u: any, v: number | null) => (v === null ? "–" : `~${short(v)} ms`) },
          {
            label: "requests",
            stroke: "#1f77b4",
            fill: "rgba(31,119,180,0.45)",
            width: 1,
            paths: uPlot.paths.bars({ size: [0.9, 80] }),
            points: { show: false },
            value: (_u: any, v: number | null) => (v === null ? "–" : `${v.toFixed(2)}%`),
          },
        ],
      },
      [dist.x, share],
    );
  }

  // Sortable tables: click a header; numbers sort by data-v, text alphabetically.
  for (const table of Array.from(doc.querySelectorAll("table.sortable")) as any[]) {
    const head = table.tHead?.rows[0];
    if (!head) continue;
    Array.from(head.cells as any[]).forEach((th: any, col: number) => {
      th.setAttribute("role", "button");
      th.addEventListener("click", () => sortBy(table, col));
    });
  }

  function sortBy(table: any, col: number): void {
    const head = table.tHead.rows[0];
    const th = head.cells[col];
    const dir = th.getAttribute("aria-sort") === "descending" ? "ascending" : "descending";
    for (const c of Array.from(head.cells as any[])) c.removeAttribute("aria-sort");
    th.setAttribute("aria-sort", dir);
    const body = table.tBodies[0];
    const key = (row: any): number | string => {
      const cell = row.cells[col];
      const v = cell.getAttribute("data-v") ?? cell.textContent ?? "";
      const n = Number(v);
      return v !== "" && !Number.isNaN(n) ? n : String(v).toLowerCase();
    };
    const rows = Array.from(body.rows as any[]);
    rows.sort((a, b) => {
      const x = key(a);
      const y = key(b);
      const r = typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y));
      return dir === "ascending" ? r : -r;
    });
    for (const r of rows) body.appendChild(r);
  }

  win.addEventListener("resize", () => {
    for (const c of charts) c.u.setSize({ width: width(c.el), height: HEIGHT });
  });
  win.strainReport = { charts: charts.length };
}
