/**
 * Micro-benchmark of the `farmer-registry` generator alone (no database): how fast rows are made.
 *
 *   npx tsx bench/data-generate.ts [--households 20000] [--runs 7] [--locale ke]
 *
 * Generates the households chunk by chunk (the dataset's chunkRoots, as the loader does) into a
 * ChunkOutput that only collects lines, dropped after each chunk. Reports the best of several runs
 * in process CPU time (the machine is shared: other processes only ever add time, and wall time
 * counts their work too):
 * - over all tables: ns per row, rows/s, µs per household;
 * - "floor": making the same number of lines of the same lengths from ready strings (one join of
 *   two pre-made pieces per line): what allocating the row strings alone costs on this machine;
 * - per table, "marginal": cpu(all tables) − cpu(all but this one), per row of it: what building
 *   its lines costs (noisy for tables with few rows); "alone": cpu(only this table wanted) per row,
 *   the draws of the streams it depends on included;
 *   and the average COPY line length (the dataset's bytesPerRow estimates start from it).
 */
import { farmerRegistry } from "../packages/strain/src/data/datasets/farmer-registry.js";

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
}

const households = Number(arg("households", "20000"));
const runs = Number(arg("runs", "7"));
const dataset = farmerRegistry({ locale: arg("locale", "ke") });
const tables = dataset.tables;
const chunk = dataset.chunkRoots ?? 1000;

interface Result {
  /** CPU ns (user + system, all threads: GC helpers included). */
  cpu: number;
  wall: number;
  rows: number[];
  chars: number[];
}

function measure(body: () => void): { cpu: number; wall: number } {
  const c0 = process.cpuUsage();
  const w0 = process.hrtime.bigint();
  body();
  const wall = Number(process.hrtime.bigint() - w0);
  const c = process.cpuUsage(c0);
  return { cpu: (c.user + c.system) * 1000, wall };
}

/** One generation of every household with `wanted` tables, a chunk's lines kept until the next. */
function once(wanted: (t: number) => boolean): Result {
  const rows = tables.map(() => 0);
  const chars = tables.map(() => 0);
  const t = measure(() => {
    for (let first = 0; first < households; first += chunk) {
      const lines: string[][] = tables.map(() => []);
      dataset.generate(first, Math.min(chunk, households - first), 1, {
        wants: wanted,
        row: (table, line) => lines[table]!.push(line),
      });
      for (let i = 0; i < lines.length; i++) {
        rows[i]! += lines[i]!.length;
        for (const l of lines[i]!) chars[i]! += l.length;
      }
    }
  });
  return { ...t, rows, chars };
}

function best<T extends { cpu: number }>(make: () => T): T {
  return Array.from({ length: runs }, make).sort((a, b) => a.cpu - b.cpu)[0]!;
}

/** The floor: the same number of lines, of the same lengths, joined from two ready pieces each. */
function floor(): { cpu: number; wall: number } {
  const pieces: [string, string][][] = [];
  for (let first = 0; first < households; first += chunk) {
    const lines: [string, string][] = [];
    dataset.generate(first, Math.min(chunk, households - first), 1, {
      wants: () => true,
      row: (_t, line) => lines.push([line.slice(0, 36), line.slice(37)]),
    });
    pieces.push(lines);
  }
  return best(() =>
    measure(() => {
      for (const lines of pieces) {
        const kept: string[] = [];
        for (const [a, b] of lines) kept.push([a, b].join("\t"));
      }
    }),
  );
}

once(() => true); // warm-up: JIT, day and name tables
const all = best(() => once(() => true));
const totalRows = all.rows.reduce((s, n) => s + n, 0);
const base = floor();

const pad = (s: string | number, n: number) => String(s).padStart(n);
const perRow = (ns: number, rows: number) => (ns / rows).toFixed(0);
console.log(
  `farmer-registry, ${households} households in chunks of ${chunk}, ${totalRows} rows, best of ${runs} runs (Node ${process.version})`,
);
console.log(
  `all tables: cpu ${(all.cpu / 1e6).toFixed(0)} ms = ${perRow(all.cpu, totalRows)} ns/row, ${Math.round(
    (totalRows / all.cpu) * 1e9,
  ).toLocaleString("en")} rows/s, ${(all.cpu / households / 1000).toFixed(1)} µs/household (wall ${perRow(
    all.wall,
    totalRows,
  )} ns/row)`,
);
console.log(
  `floor (same lines from ready pieces): ${perRow(base.cpu, totalRows)} ns/row cpu (wall ${perRow(base.wall, totalRows)})`,
);
console.log(
  `${"table".padEnd(18)}${pad("rows", 9)}${pad("rows/hh", 9)}${pad("marginal ns/row", 17)}${pad("alone ns/row", 14)}${pad("avg line B", 12)}`,
);
tables.forEach((t, i) => {
  // Interleaved, so both sides of the difference see the same machine load.
  let withAll = Number.POSITIVE_INFINITY;
  let without = Number.POSITIVE_INFINITY;
  for (let r = 0; r < runs; r++) {
    withAll = Math.min(withAll, once(() => true).cpu);
    without = Math.min(without, once((j) => j !== i).cpu);
  }
  const alone = best(() => once((j) => j === i));
  const rows = all.rows[i]!;
  console.log(
    `${t.name.padEnd(18)}${pad(rows, 9)}${pad((rows / households).toFixed(2), 9)}${pad(
      perRow(withAll - without, rows),
      17,
    )}${pad(perRow(alone.cpu, rows), 14)}${pad(Math.round(all.chars[i]! / rows), 12)}`,
  );
});
