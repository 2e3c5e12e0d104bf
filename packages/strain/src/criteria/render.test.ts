import { describe, expect, it } from "vitest";
import { renderJUnit } from "./junit.js";
import { renderCriteriaTable } from "./render-table.js";
import { type CriterionResult, reportOf } from "./verdict.js";

function row(
  label: string,
  verdict: CriterionResult["verdict"],
  extra: Partial<CriterionResult> = {},
): CriterionResult {
  return {
    label,
    text: `${label} text`,
    metric: "http_req_duration",
    where: "",
    stat: "p(95)",
    target: "<=2s",
    threshold: "<=5s",
    verdict,
    observed: 1200,
    observedText: "1.2s",
    unit: "ms",
    samples: 40,
    window: { kind: "run", text: "whole run (0s–12s)", startMs: 0, endMs: 12_000 },
    abortOnFail: false,
    ...extra,
  };
}

const report = reportOf([
  row("Login", "pass"),
  row("Search & <find>", "warn", { observedText: "6.011s", reason: "misses target <=5s" }),
  row("Deadlocks", "fail", { observed: null, observedText: "-", reason: "no data", samples: 0 }),
]);

describe("criteria table", () => {
  it("is plain text when not on a TTY", () => {
    const text = renderCriteriaTable(report, { color: false });
    expect(text).not.toContain("\u001b[");
    expect(text.split("\n")).toEqual([
      "CRITERION        VERDICT  OBSERVED  TARGET  THRESHOLD  SAMPLES  WINDOW",
      "Login            pass     1.2s      <=2s    <=5s            40  whole run (0s–12s)",
      "Search & <find>  warn     6.011s    <=2s    <=5s            40  whole run (0s–12s)",
      "Deadlocks        fail     -         <=2s    <=5s             0  whole run (0s–12s) — no data",
      "criteria: 1 pass, 1 warn, 1 fail → FAIL",
      "",
    ]);
  });

  it("colours the verdicts on a TTY: green pass, yellow warn, red fail", () => {
    const text = renderCriteriaTable(report, { color: true });
    expect(text).toContain("\u001b[32mpass   \u001b[0m");
    expect(text).toContain("\u001b[33mwarn   \u001b[0m");
    expect(text).toContain("\u001b[31mfail   \u001b[0m");
    expect(text).toContain("\u001b[31mFAIL\u001b[0m");
  });

  it("says which row stopped the run", () => {
    const stopped = reportOf([row("Login", "fail")], {
      label: "Login",
      observedText: "1.2s",
      threshold: "<=5s",
      window: "whole run (0s–3s)",
      atMs: 3000,
      message: 'criterion "Login" failed (abortOnFail): ...',
    });
    expect(renderCriteriaTable(stopped, { color: false })).toContain(
      'stopped early: criterion "Login" failed (abortOnFail): ...',
    );
  });
});

describe("JUnit", () => {
  it("one test case per row: pass, warn as a passed case with a note, fail as a failure", () => {
    const xml = renderJUnit(report, "shop");
    expect(xml).toContain('<testsuites name="strain" tests="3" failures="1" errors="0">');
    expect(xml).toContain('<testsuite name="shop criteria" tests="3" failures="1" errors="0" skipped="0">');
    expect(xml.match(/<testcase /g)).toHaveLength(3);
    expect(xml).toMatch(
      /<testcase classname="strain.shop" name="Login" time="0">\s*<system-out>Login text: observed 1.2s/,
    );
    expect(xml).toMatch(
      /name="Search &amp; &lt;find&gt;" time="0">\s*<system-out>WARN: misses target &lt;=5s\. Search &amp; &lt;find&gt; text/,
    );
    expect(xml).toMatch(/name="Deadlocks" time="0">\s*<failure message="no data" type="criterion">/);
    expect(xml.match(/<failure /g)).toHaveLength(1);
  });

  it("drops characters XML cannot hold, and writes an empty suite without criteria", () => {
    expect(renderJUnit(reportOf([row("bell\u0007", "pass")]), "p")).toContain('name="bell"');
    expect(renderJUnit(null, "p")).toContain('tests="0" failures="0"');
  });
});
