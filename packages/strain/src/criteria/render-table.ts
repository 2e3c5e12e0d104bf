import type { CriteriaReport, CriterionResult, Verdict } from "./verdict.js";

export interface CriteriaTableOptions {
  /** Colour the verdicts (green pass, yellow warn, red fail): on a TTY only. */
  color: boolean;
}

const COLOR: Record<Verdict, number> = { pass: 32, warn: 33, fail: 31 };

/** Longer labels (text rows, k6 expressions) are cut with "…"; summary.json keeps them whole. */
const LABEL_WIDTH = 44;

/**
 * The criteria table for the terminal, printed with the end summary:
 *
 *   CRITERION                    VERDICT  OBSERVED  TARGET  THRESHOLD  SAMPLES  WINDOW
 *   User authentication (login)  pass     102ms     <=2s    <=5s            40  whole run (0s–12s)
 *   Database deadlocks           fail     -         <=0     <=0              0  whole run — no data
 */
export function renderCriteriaTable(report: CriteriaReport, opts: CriteriaTableOptions): string {
  if (report.rows.length === 0) return "";
  const paint = (v: Verdict, text: string) => (opts.color ? `\x1b[${COLOR[v]}m${text}\x1b[0m` : text);
  const head = ["CRITERION", "VERDICT", "OBSERVED", "TARGET", "THRESHOLD", "SAMPLES", "WINDOW"];
  const cells = report.rows.map((r) => [
    r.label.length > LABEL_WIDTH ? `${r.label.slice(0, LABEL_WIDTH - 1)}…` : r.label,
    r.verdict,
    r.observedText,
    r.target ?? "-",
    r.threshold ?? "-",
    String(r.samples),
    windowCell(r),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[], verdict?: Verdict) =>
    c
      .map((text, i) => {
        const padded = i === 5 ? text.padStart(widths[i]!) : i === 6 ? text : text.padEnd(widths[i]!);
        return i === 1 && verdict !== undefined ? paint(verdict, padded) : padded;
      })
      .join("  ")
      .trimEnd();
  let out = `${line(head)}\n`;
  report.rows.forEach((r, i) => {
    out += `${line(cells[i]!, r.verdict)}\n`;
  });
  const { pass, warn, fail } = report.counts;
  out += `criteria: ${pass} pass, ${warn} warn, ${fail} fail → ${paint(report.verdict, report.verdict.toUpperCase())}\n`;
  if (report.abortedBy !== undefined) out += `stopped early: ${report.abortedBy.message}\n`;
  return out;
}

function windowCell(r: CriterionResult): string {
  const notes: string[] = [];
  if (r.reason !== undefined && r.verdict === "fail" && r.observed === null) notes.push(r.reason);
  if (r.window.windowsWithoutData)
    notes.push(`${r.window.windowsWithoutData} of ${r.window.windows} windows without data`);
  return notes.length > 0 ? `${r.window.text} — ${notes.join("; ")}` : r.window.text;
}
