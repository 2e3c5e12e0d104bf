// biome-ignore-all lint/suspicious/noExplicitAny: browser code; the package compiles without lib.dom, so DOM objects are untyped here.
import type { CompareData } from "./compare.js";

/**
 * compare.html's script, run in the browser: A and B overlaid on one time axis (seconds since
 * each run's start), the latency group and percentile chosen in <select>s; sortable tables.
 * Embedded as source (`String(compareApp)`): it uses nothing but its parameters.
 */
export function compareApp(data: CompareData, uPlot: any, doc: any, win: any): void {
  const HEIGHT = 260;
  const charts: { el: any; u: any }[] = [];
  const clock = (s: number): string => {
    const t = Math.round(s);
    const m = Math.floor(t / 60);
    const sec = t % 60;
    return `${m}:${String(sec).padStart(2, "0")}`;
  };
  const short = (v: number): string => `${+v.toFixed(Math.abs(v) < 1 ? 3 : Math.abs(v) < 100 ? 2 : 0)}`;
  const width = (el: any): number => Math.max(300, el.clientWidth || 800);

  function opts(title: string, unit: string, el: any): any {
    return {
      width: width(el),
      height: HEIGHT,
      title,
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
          label: unit,
          size: 64,
          values: (_u: any, vals: number[]) => vals.map((v) => (v === null ? "" : short(v))),
        },
      ],
      series: [
        { label: "time", value: (_u: any, v: number | null) => (v === null ? "–" : clock(v)) },
        { label: "A", stroke: "#7f7f7f", dash: [6, 4], width: 1.5, spanGaps: true },
        { label: "B", stroke: "#1f77b4", width: 1.5, spanGaps: true },
      ],
    };
  }

  function overlay(
    a: { x: number[]; y: (number | null)[] } | null,
    b: { x: number[]; y: (number | null)[] } | null,
  ): any[] {
    const ta = a ? [a.x, a.y] : [[], []];
    const tb = b ? [b.x, b.y] : [[], []];
    return uPlot.join([ta, tb]);
  }

  const latEl = doc.querySelector('[data-chart="compare-latency"]');
  const groupSel = doc.getElementById("compare-group");
  const pSel = doc.getElementById("compare-p");
  let latency: any = null;
  const latencyData = () => {
    const g = data.groups.find((x) => x.key === (groupSel ? groupSel.value : "all")) ?? data.groups[0];
    const p: "p50" | "p95" | "p99" = pSel ? pSel.value : "p95";
    if (!g) return { title: "Latency", table: [[], [], []] };
    return {
      title: `Latency ${p}: ${g.label}`,
      table: overlay(g.a ? { x: g.a.x, y: g.a[p] } : null, g.b ? { x: g.b.x, y: g.b[p] } : null),
    };
  };
  if (latEl && data.groups.length > 0) {
    const d = latencyData();
    latency = new uPlot(opts(d.title, "ms", latEl), d.table, latEl);
    latEl.setAttribute("data-drawn", "1");
    charts.push({ el: latEl, u: latency });
    const update = () => {
      const next = latencyData();
      latency.setData(next.table);
      const title = latEl.querySelector(".u-title");
      if (title) title.textContent = next.title;
    };
    if (groupSel) groupSel.addEventListener("change", update);
    if (pSel) pSel.addEventListener("change", update);
  }

  const tpEl = doc.querySelector('[data-chart="compare-throughput"]');
  if (tpEl) {
    const t = data.throughput;
    const u = new uPlot(
      opts("Throughput (ok)", "req/s", tpEl),
      overlay({ x: t.a.x, y: t.a.ok }, { x: t.b.x, y: t.b.ok }),
      tpEl,
    );
    tpEl.setAttribute("data-drawn", "1");
    charts.push({ el: tpEl, u });
  }

  for (const table of Array.from(doc.querySelectorAll("table.sortable")) as any[]) {
    const head = table.tHead?.rows[0];
    if (!head) continue;
    Array.from(head.cells as any[]).forEach((th: any, col: number) => {
      th.addEventListener("click", () => {
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
        const rows = Array.from(body.rows as any[]).sort((a, b) => {
          const x = key(a);
          const y = key(b);
          const r =
            typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y));
          return dir === "ascending" ? r : -r;
        });
        for (const r of rows) body.appendChild(r);
      });
    });
  }

  win.addEventListener("resize", () => {
    for (const c of charts) c.u.setSize({ width: width(c.el), height: HEIGHT });
  });
  win.strainReport = { charts: charts.length };
}
