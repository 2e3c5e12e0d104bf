/** Markdown tables of the HTTP benchmarks: medians over rounds with their spread. */

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const n = s.length;
  if (n === 0) return Number.NaN;
  return n % 2 === 1 ? s[(n - 1) / 2]! : (s[n / 2 - 1]! + s[n / 2]!) / 2;
}

/** "median (min–max)" with `digits` decimals; a single value alone. */
export function medianWithSpread(values: readonly number[], digits: number): string {
  if (values.length === 0) return "—";
  const f = (v: number) => v.toFixed(digits);
  const m = f(median(values));
  if (values.length === 1) return m;
  return `${m} (${f(Math.min(...values))}–${f(Math.max(...values))})`;
}

/** A GitHub-flavoured Markdown table; the first column left-aligned, the others right-aligned. */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]) =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(" | ")} |`;
  const rule = `| ${widths.map((w, i) => (i === 0 ? "-".repeat(w) : `${"-".repeat(w - 1)}:`)).join(" | ")} |`;
  return [line(header), rule, ...rows.map(line)].join("\n");
}

/** Milliseconds for latency tables: µs precision under 10 ms, then 1 decimal. */
export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || Number.isNaN(ms)) return "—";
  return ms < 10 ? ms.toFixed(3) : ms.toFixed(1);
}
