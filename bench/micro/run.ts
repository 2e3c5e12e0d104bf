/**
 * Micro-benchmarks of Strain's hot pieces, on its built modules (packages/strain/dist):
 * histogram record, snapshot encode / decode / merge, the scheduler's next start, request building.
 *
 *   npm run bench:micro -w bench -- [--no-docs]
 *
 * Each group runs in its own process pinned to core 0 (a fresh JIT, so one group's call sites do
 * not turn another's megamorphic). Writes the table into docs/benchmarks.md (micro markers).
 */
import { execFileSync } from "node:child_process";
import { cpus } from "node:os";
import { fileURLToPath } from "node:url";
import { replaceSection } from "../docs-section.js";
import { histogramCases } from "./histogram-record.js";
import { type MicroCase, type MicroResult, timeCase } from "./measure.js";
import { requestBuildCases } from "./request-build.js";
import { schedulerCases } from "./scheduler-tick.js";
import { snapshotCases } from "./snapshot-codec.js";

const GROUPS: Record<string, () => MicroCase[]> = {
  histogram: histogramCases,
  snapshot: snapshotCases,
  scheduler: schedulerCases,
  request: requestBuildCases,
};

const SELF = fileURLToPath(import.meta.url);
const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** Run every group, each in a pinned child process; returns the results in group order. */
export function runMicro(log: (line: string) => void): MicroResult[] {
  const results: MicroResult[] = [];
  for (const group of Object.keys(GROUPS)) {
    const out = execFileSync(
      "taskset",
      ["-c", "0", process.execPath, "--import", "tsx", SELF, "--group", group],
      {
        cwd: REPO_ROOT,
        encoding: "utf8",
      },
    );
    for (const r of JSON.parse(out) as MicroResult[]) {
      log(`  ${r.name}: ${formatNs(r.nsPerOp)} per ${r.unit}`);
      results.push(r);
    }
  }
  return results;
}

function formatNs(ns: number): string {
  if (ns >= 1e6) return `${(ns / 1e6).toFixed(2)} ms`;
  if (ns >= 1e4) return `${(ns / 1e3).toFixed(1)} µs`;
  return `${ns.toFixed(ns < 100 ? 1 : 0)} ns`;
}

/** The Markdown section: ns per operation, median of 9 batches with their range. */
export function renderMicro(results: readonly MicroResult[]): string {
  const rows = results.map(
    (r) => `| ${r.name} | ${formatNs(r.nsPerOp)} | ${formatNs(r.minNs)} – ${formatNs(r.maxNs)} | ${r.unit} |`,
  );
  return `Measured ${new Date().toISOString().replace(/\.\d+Z$/, "Z")} on ${cpus()[0]?.model ?? "unknown CPU"}, Node ${process.version}, pinned to core 0 (\`npm run bench:micro -w bench\`).

| operation | median | range over 9 batches | per |
| --- | ---: | ---: | --- |
${rows.join("\n")}
`;
}

if (process.argv[1] === SELF) {
  const at = process.argv.indexOf("--group");
  if (at >= 0) {
    const make = GROUPS[process.argv[at + 1] ?? ""];
    if (make === undefined) throw new Error(`unknown group ${process.argv[at + 1]}`);
    const results: MicroResult[] = [];
    for (const c of make()) results.push(await timeCase(c));
    process.stdout.write(JSON.stringify(results));
  } else {
    const results = runMicro((l) => process.stdout.write(`${l}\n`));
    if (!process.argv.includes("--no-docs")) replaceSection("micro", renderMicro(results));
  }
}
