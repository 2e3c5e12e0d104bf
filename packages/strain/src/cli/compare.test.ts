import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { writeSyntheticRun } from "../../test/integration/report-fixture.js";
import { ExitCodes } from "../errors.js";
import { compareCommand, parseTolerance } from "./compare.js";
import type { CliIO } from "./io.js";

const root = mkdtempSync(join(tmpdir(), "strain-compare-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function io(): CliIO & { out: string; err: string } {
  const o = {
    out: "",
    err: "",
    stdout: {
      write: (s: string) => {
        o.out += s;
      },
    },
    stderr: {
      write: (s: string) => {
        o.err += s;
      },
    },
    isTTY: false,
    env: {},
    cwd: root,
    onSignal: () => () => {},
  };
  return o;
}

describe("strain compare (in process)", () => {
  const a = join(root, "a");
  const same = join(root, "same");
  const slower = join(root, "slower");
  writeSyntheticRun(a, { intervals: 20, tagSets: 3, perInterval: 60 });
  writeSyntheticRun(same, { intervals: 20, tagSets: 3, perInterval: 60 });
  // Route 0 answers in 900 ms for one interval of 20: its p99 (judged: 1,200 samples) jumps.
  writeSyntheticRun(slower, { intervals: 20, tagSets: 3, perInterval: 60, spike: { interval: 3, ms: 900 } });

  it("identical runs: exit 0, 'no regression', compare.html written", async () => {
    const c = io();
    expect(await compareCommand(a, same, { failOnRegression: "10%" }, c)).toBe(ExitCodes.OK);
    expect(c.out).toContain("no regression beyond 10%");
    const html = readFileSync(join(root, "compare.html"), "utf8");
    expect(html).toContain("NO REGRESSION");
  });

  it("a regression exits 99 with --fail-on-regression, 0 without it (the diff is shown either way)", async () => {
    const c = io();
    expect(await compareCommand(a, slower, { failOnRegression: "10%", html: "out/../cmp.html" }, c)).toBe(
      ExitCodes.CRITERIA_FAILED,
    );
    expect(c.out).toMatch(/request \/api\/route-0: p99 .* → 900ms/);
    expect(readFileSync(join(root, "cmp.html"), "utf8")).toContain("REGRESSED");
    const d = io();
    expect(await compareCommand(a, slower, {}, d)).toBe(ExitCodes.OK);
    expect(d.out).toContain("regression");
  });

  it("bad tolerance or a missing run directory: usage error, exit 2, nothing written", async () => {
    const c = io();
    expect(await compareCommand(a, same, { failOnRegression: "ten", html: "never.html" }, c)).toBe(
      ExitCodes.USAGE,
    );
    expect(c.err).toContain("--fail-on-regression 'ten': expected a percentage");
    const d = io();
    expect(await compareCommand(a, join(root, "missing"), { html: "never.html" }, d)).toBe(ExitCodes.USAGE);
    expect(d.err).toContain("series.ndjson");
    expect(existsSync(join(root, "never.html"))).toBe(false);
  });

  it("parses tolerances", () => {
    expect(parseTolerance("10%")).toBe(10);
    expect(parseTolerance(" 2.5 % ")).toBe(2.5);
    expect(parseTolerance("30")).toBe(30);
    expect(() => parseTolerance("-5%")).toThrow(expect.objectContaining({ code: "STRAIN_ERR_USAGE" }));
  });
});
