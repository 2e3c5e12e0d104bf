import { execFile } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempDir } from "../helpers/run-plan.js";
import { writeSyntheticRun } from "../integration/report-fixture.js";

// A 1-hour run with 50 request names (1,000 requests/s; series.ndjson ≈ 220 MB) renders into
// report.html in under 2 s and under 5 MB. Timed in a fresh Node process on the built package,
// as `strain report` runs it (a worker thread reads half the series there).

const RENDER = pathToFileURL(
  fileURLToPath(new URL("../../dist/report/render-report.js", import.meta.url)),
).href;

function node(script: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ["--input-type=module", "-e", script],
      { maxBuffer: 1 << 20 },
      (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout)),
    );
  });
}

describe("report of a 1-hour, 50-tag-set run", () => {
  const dir = join(tempDir("strain-hour-"), "run");

  beforeAll(() => {
    expect(existsSync(fileURLToPath(RENDER)), "run `npm run build` first (npm test does)").toBe(true);
    writeSyntheticRun(dir, {
      intervals: 3600,
      tagSets: 50,
      perInterval: 20,
      spike: { interval: 2222, ms: 1500 },
    });
  }, 120_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("renders in < 2 s and < 5 MB, keeps the one-second spike, and equals the one-thread rendering", async () => {
    const out = await node(`
      import { readFileSync, statSync } from "node:fs";
      import { renderReport, writeReport } from ${JSON.stringify(RENDER)};
      const t = performance.now();
      const path = writeReport(${JSON.stringify(dir)});
      const ms = performance.now() - t;
      const html = readFileSync(path, "utf8");
      const same = renderReport(${JSON.stringify(dir)}, { parallel: false }) === html;
      const data = JSON.parse(/id="strain-data">(.*?)<\\/script>/s.exec(html)[1]);
      const route0 = data.latency.groups.find((g) => g.key === "name:/api/route-0");
      console.log(JSON.stringify({
        ms, bytes: statSync(path).size, same,
        points: data.latency.x.length,
        spike: Math.max(...route0.p99.filter((v) => v !== null)),
      }));
    `);
    const r = JSON.parse(out) as { ms: number; bytes: number; same: boolean; points: number; spike: number };
    expect(r.same).toBe(true);
    expect(r.points).toBeLessThanOrEqual(1000);
    expect(r.spike).toBeGreaterThanOrEqual(1500);
    expect(r.bytes).toBeLessThan(5 * 1024 * 1024);
    expect(r.ms, `rendered in ${Math.round(r.ms)} ms`).toBeLessThan(2000);
  });
});
