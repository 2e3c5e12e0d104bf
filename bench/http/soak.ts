/**
 * Soak: Strain at a fixed 5,000 req/s against nginx for a long time, its worker's RSS and heap
 * sampled every 10 s by Strain's own generator monitor (generator_rss_bytes,
 * generator_heap_used_bytes in series.ndjson). Goal: < 5% growth after warm-up.
 *
 *   npm run bench:soak -w bench -- [--duration 30m] [--warmup 2m] [--rate 5000] [--no-docs]
 *
 * Growth compares the lowest sample of the first and of the last tenth after warm-up (see
 * growthAfterWarmup). Writes a sparkline chart and the figures into docs/benchmarks.md (http-soak markers).
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { replaceSection } from "../docs-section.js";
import { describeMachine } from "./machine.js";
import { startNginx } from "./nginx-target.js";
import { measure } from "./rounds.js";
import { createStrain } from "./tool-strain.js";

const SAMPLE_EVERY_S = 10;
const SPARKS = "▁▂▃▄▅▆▇█";

export interface SoakOptions {
  seconds: number;
  warmupSeconds: number;
  rate: number;
  connections: number;
  log(line: string): void;
}

export interface SoakSample {
  atSeconds: number;
  rssBytes: number;
  heapBytes: number;
}

export interface SoakResult {
  samples: SoakSample[];
  rssGrowth: number;
  heapGrowth: number;
  markdown: string;
  /** The chart, for docs/img/soak.svg. */
  svg: string;
}

interface SeriesLine {
  type: string;
  index?: number;
  entries?: { metric: string; type: string; value?: number }[];
}

/** One sample per 10 s from the run's interval lines (the generator monitor's gauges). */
function samplesFrom(runDir: string, intervalMs: number): SoakSample[] {
  const out: SoakSample[] = [];
  const every = Math.max(1, Math.round((SAMPLE_EVERY_S * 1000) / intervalMs));
  for (const line of readFileSync(join(runDir, "series.ndjson"), "utf8").split("\n")) {
    if (line === "") continue;
    const l = JSON.parse(line) as SeriesLine;
    if (l.type !== "interval" || l.index === undefined || (l.index + 1) % every !== 0) continue;
    const value = (metric: string) =>
      (l.entries ?? []).filter((e) => e.metric === metric).reduce((s, e) => s + (e.value ?? 0), 0);
    out.push({
      atSeconds: ((l.index + 1) * intervalMs) / 1000,
      rssBytes: value("generator_rss_bytes"),
      heapBytes: value("generator_heap_used_bytes"),
    });
  }
  return out;
}

/**
 * A line chart of RSS and heap used (MB) over time as a standalone SVG: what docs/benchmarks.md
 * shows for the soak. The warm-up is shaded; the y axis starts at 0 so growth is not exaggerated.
 */
export function soakSvg(samples: readonly SoakSample[], warmupSeconds: number, title: string): string {
  const W = 760;
  const H = 300;
  const L = 56;
  const R = 30;
  const T = 36;
  const B = 40;
  const tMax = Math.max(1, ...samples.map((s) => s.atSeconds));
  const mbMax = Math.max(1, ...samples.map((s) => s.rssBytes / 1e6));
  const step = 10 ** Math.floor(Math.log10(mbMax));
  const yMax = Math.ceil(mbMax / step) * step;
  const x = (t: number) => L + (t / tMax) * (W - L - R);
  const y = (mb: number) => T + (1 - mb / yMax) * (H - T - B);
  const line = (pick: (s: SoakSample) => number) =>
    samples.map((s) => `${x(s.atSeconds).toFixed(1)},${y(pick(s) / 1e6).toFixed(1)}`).join(" ");
  const yTicks = Array.from({ length: 5 }, (_, i) => (yMax * i) / 4);
  const minutes = tMax / 60;
  const tStep = minutes > 20 ? 300 : minutes > 5 ? 60 : 10;
  const xTicks = Array.from({ length: Math.floor(tMax / tStep) + 1 }, (_, i) => i * tStep);
  const fmtT = (t: number) => (tStep >= 60 ? `${t / 60} min` : `${t} s`);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">
<rect width="${W}" height="${H}" fill="#fff"/>
<text x="${L}" y="20" font-size="14" font-weight="bold">${title}</text>
<rect x="${L}" y="${T}" width="${(x(Math.min(warmupSeconds, tMax)) - L).toFixed(1)}" height="${H - T - B}" fill="#eee"/>
<text x="${L + 4}" y="${T + 14}" fill="#777">warm-up</text>
${yTicks.map((v) => `<line x1="${L}" x2="${W - R}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#ddd"/><text x="${L - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${v} MB</text>`).join("\n")}
${xTicks.map((t) => `<text x="${x(t).toFixed(1)}" y="${H - B + 16}" text-anchor="middle">${fmtT(t)}</text>`).join("\n")}
<polyline fill="none" stroke="#1f77b4" stroke-width="2" points="${line((s) => s.rssBytes)}"/>
<polyline fill="none" stroke="#d62728" stroke-width="2" points="${line((s) => s.heapBytes)}"/>
<text x="${W - R}" y="20" text-anchor="end"><tspan fill="#1f77b4">━ RSS</tspan>  <tspan fill="#d62728">━ heap used</tspan></text>
</svg>
`;
}

/** An ASCII sparkline of `values` between their min and max. */
export function sparkline(values: readonly number[]): string {
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  return values
    .map(
      (v) =>
        SPARKS[
          hi === lo ? 0 : Math.min(SPARKS.length - 1, Math.floor(((v - lo) / (hi - lo)) * SPARKS.length))
        ],
    )
    .join("");
}

/**
 * Growth of the floor after warm-up: (lowest of the last window − lowest of the first window) /
 * the latter, a window being a tenth of the samples after warm-up (at least three). The floor,
 * because heap used swings 2–3× between collections (30–79 MB at 5,000 req/s here) and a sample
 * lands anywhere in that swing; what a leak raises is what survives each collection.
 */
export function growthAfterWarmup(
  values: readonly number[],
  times: readonly number[],
  warmupSeconds: number,
): number {
  const after = values.filter((_, i) => times[i]! > warmupSeconds);
  if (after.length < 2) return Number.NaN;
  const w = Math.min(after.length, Math.max(3, Math.ceil(after.length / 10)));
  const first = Math.min(...after.slice(0, w));
  const last = Math.min(...after.slice(-w));
  return (last - first) / first;
}

export async function runSoak(o: SoakOptions): Promise<SoakResult> {
  const workDir = mkdtempSync(join(tmpdir(), "strain-bench-soak-"));
  const nginx = await startNginx();
  try {
    const strain = createStrain("realistic", workDir);
    const inv = strain.invocation(
      { kind: "rate", connections: o.connections, seconds: o.seconds, rate: o.rate },
      nginx.url,
      false,
    )!;
    o.log(`soak: strain realistic at ${o.rate} req/s for ${o.seconds} s`);
    const m = await measure("strain realistic", inv, 1, o.seconds + 120, {
      url: nginx.url,
      targetCpu: () => nginx.cpuSeconds(),
      log: o.log,
    });
    const outDir = readdirSync(workDir)
      .filter((d) => d.startsWith("runs-"))
      .map((d) => join(workDir, d))[0]!;
    const runDir = join(outDir, readdirSync(outDir)[0]!);
    const summary = JSON.parse(readFileSync(join(runDir, "summary.json"), "utf8")) as {
      requests: { scheduled: number; ok: number; dropped: number };
      validity: { status: string };
    };
    const samples = samplesFrom(runDir, 1000);
    const times = samples.map((s) => s.atSeconds);
    const rssGrowth = growthAfterWarmup(
      samples.map((s) => s.rssBytes),
      times,
      o.warmupSeconds,
    );
    const heapGrowth = growthAfterWarmup(
      samples.map((s) => s.heapBytes),
      times,
      o.warmupSeconds,
    );
    const mb = (b: number) => (b / 1e6).toFixed(1);
    const pct = (g: number) => `${g >= 0 ? "+" : "−"}${Math.abs(g * 100).toFixed(1)}%`;
    const verdict = (g: number) =>
      Number.isNaN(g) ? "too few samples" : g < 0.05 ? "meets the < 5% goal" : "misses the < 5% goal";
    const rss = samples.map((s) => s.rssBytes);
    const heap = samples.map((s) => s.heapBytes);
    const step = Math.max(1, Math.ceil(samples.length / 12));
    const tableRows = samples
      .filter((_, i) => i % step === 0 || i === samples.length - 1)
      .map((s) => `| ${s.atSeconds} | ${mb(s.rssBytes)} | ${mb(s.heapBytes)} |`);
    const markdown = `${describeMachine([strain], [nginx.version])}

\`strain run\` of the realistic plan at ${o.rate} req/s for ${o.seconds} s (\`npm run bench:soak -w bench -- --duration ${o.seconds}s\`): ${summary.requests.ok} of ${summary.requests.scheduled} requests ok, ${summary.requests.dropped} dropped, run validity ${summary.validity.status}; ${((m.cpuSeconds * 1e6) / m.completed).toFixed(2)} µs of CPU per request over the whole run.

Worker memory every ${SAMPLE_EVERY_S} s (Strain's generator monitor), warm-up ${o.warmupSeconds} s:

![RSS and heap used of Strain's worker over the soak](img/soak.svg)

\`\`\`
RSS   ${sparkline(rss)}  ${mb(Math.min(...rss))}–${mb(Math.max(...rss))} MB
heap  ${sparkline(heap)}  ${mb(Math.min(...heap))}–${mb(Math.max(...heap))} MB
\`\`\`

${
  o.seconds < 600
    ? `A ${o.seconds} s check of the harness, not the soak: its windows of ${Math.max(3, Math.ceil(samples.filter((x) => x.atSeconds > o.warmupSeconds).length / 10))} samples are shorter than a garbage-collection cycle, so the growth below is noise; the goal is judged on \`--duration 30m\`.\n\n`
    : ""
}| after warm-up (floor of the first vs the last tenth) | growth | verdict |
| --- | ---: | --- |
| RSS | ${pct(rssGrowth)} | ${verdict(rssGrowth)} |
| heap used | ${pct(heapGrowth)} | ${verdict(heapGrowth)} |

| s | RSS MB | heap MB |
| ---: | ---: | ---: |
${tableRows.join("\n")}
`;
    o.log(`  RSS  ${sparkline(rss)} ${mb(Math.min(...rss))}–${mb(Math.max(...rss))} MB`);
    o.log(`  heap ${sparkline(heap)} ${mb(Math.min(...heap))}–${mb(Math.max(...heap))} MB`);
    o.log(`  RSS growth after warm-up ${pct(rssGrowth)}, heap ${pct(heapGrowth)}`);
    const svg = soakSvg(
      samples,
      o.warmupSeconds,
      `Strain worker memory at ${o.rate} req/s for ${Math.round(o.seconds / 60)} min`,
    );
    return { samples, rssGrowth, heapGrowth, markdown, svg };
  } finally {
    await nginx.stop();
    rmSync(workDir, { recursive: true, force: true });
  }
}

/** "30m", "120s", "2m30s" or plain seconds. */
function seconds(text: string): number {
  const m = /^(?:(\d+)m)?(?:(\d+)s?)?$/.exec(text.trim());
  if (m === null || (m[1] === undefined && m[2] === undefined)) throw new Error(`not a duration: ${text}`);
  return Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.once("SIGINT", () => process.exit(130));
  process.once("SIGTERM", () => process.exit(143));
  const { values } = parseArgs({
    options: {
      duration: { type: "string", default: "30m" },
      warmup: { type: "string" },
      rate: { type: "string", default: "5000" },
      "no-docs": { type: "boolean", default: false },
    },
  });
  const total = seconds(values.duration);
  const result = await runSoak({
    seconds: total,
    warmupSeconds:
      values.warmup !== undefined ? seconds(values.warmup) : Math.min(120, Math.round(total / 4)),
    rate: Number(values.rate),
    connections: 50,
    log: (l) => process.stdout.write(`${l}\n`),
  });
  if (!values["no-docs"]) {
    replaceSection("http-soak", result.markdown);
    const img = fileURLToPath(new URL("../../docs/img/soak.svg", import.meta.url));
    mkdirSync(dirname(img), { recursive: true });
    writeFileSync(img, result.svg);
  }
}
