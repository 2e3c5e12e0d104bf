import type { CriteriaReport, CriterionResult } from "./verdict.js";

/**
 * JUnit XML for CI servers: one test case per criteria row. `pass` is a passed case; `warn` is a
 * passed case with a `<system-out>` note (CI shows it, the build stays green); `fail` is a
 * `<failure>`, with `no data` as its message when nothing was measured.
 */
export function renderJUnit(report: CriteriaReport | null, planName: string): string {
  const rows = report?.rows ?? [];
  const failures = rows.filter((r) => r.verdict === "fail").length;
  const suite = `${planName} criteria`;
  let out = `<?xml version="1.0" encoding="UTF-8"?>\n`;
  out += `<testsuites name="strain" tests="${rows.length}" failures="${failures}" errors="0">\n`;
  out += `  <testsuite name="${xml(suite)}" tests="${rows.length}" failures="${failures}" errors="0" skipped="0">\n`;
  for (const r of rows) out += testcase(r, planName);
  out += "  </testsuite>\n</testsuites>\n";
  return out;
}

function testcase(r: CriterionResult, planName: string): string {
  const open = `    <testcase classname="${xml(`strain.${planName}`)}" name="${xml(r.label)}" time="0"`;
  const detail = describe(r);
  if (r.verdict === "pass")
    return `${open}>\n      <system-out>${xml(detail)}</system-out>\n    </testcase>\n`;
  if (r.verdict === "warn") {
    return `${open}>\n      <system-out>${xml(`WARN: ${r.reason ?? "misses its target"}. ${detail}`)}</system-out>\n    </testcase>\n`;
  }
  const message = r.reason ?? "misses its threshold";
  return `${open}>\n      <failure message="${xml(message)}" type="criterion">${xml(detail)}</failure>\n    </testcase>\n`;
}

function describe(r: CriterionResult): string {
  const limits = [
    r.target !== undefined ? `target ${r.target}` : "",
    r.threshold !== undefined ? `threshold ${r.threshold}` : "",
  ]
    .filter(Boolean)
    .join(", ");
  return `${r.text}: observed ${r.observedText} (${limits}; ${r.samples} samples; ${r.window.text})`;
}

function xml(s: string): string {
  let out = "";
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    // XML 1.0 forbids most control characters, even escaped: they are dropped.
    if (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) continue;
    out += XML_ESCAPES[ch] ?? ch;
  }
  return out;
}

const XML_ESCAPES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&apos;",
};
