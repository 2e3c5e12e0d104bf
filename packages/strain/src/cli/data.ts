/**
 * `strain data <dataset> --db <url>`: generate a dataset into PostgreSQL at COPY speed, with a
 * progress bar per table, then a table of rows and rows/s; optionally export CSV feeders.
 */
import { availableParallelism, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { type ExportSpec, exportFeeders, parseExportList } from "../data/export.js";
import { connectDatabase, type LoadProgress, type LoadResult, loadDataset } from "../data/load.js";
import { redactDbUrl } from "../data/pg-errors.js";
import { BUILTIN_DATASETS, prepareDatasetSource, resolveDataset } from "../data/source.js";
import { ErrorCodes, ExitCodes, hasCode, StrainError } from "../errors.js";
import { type CliIO, formatError } from "./io.js";

export interface DataFlags {
  db?: string;
  scale: string;
  seed: string;
  workers?: number;
  tables?: string;
  append?: boolean;
  truncate?: boolean;
  keepIndexes?: boolean;
  locale?: string;
  export?: string;
  sample: string;
  exportDir: string;
  quiet?: boolean;
}

/** `10k`, `2.5M`, `50m`, `1_000` → a whole number. */
export function parseCount(text: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)([kKmMbB]?)$/.exec(text.replace(/[_,]/g, ""));
  const mult = { "": 1, k: 1e3, m: 1e6, b: 1e9 } as const;
  const n = m === null ? Number.NaN : Number(m[1]) * mult[m[2]!.toLowerCase() as keyof typeof mult];
  if (!Number.isSafeInteger(n) || n < 0)
    throw new StrainError(
      ErrorCodes.USAGE,
      `${flag} expects a whole number such as 5000, 10k or 2M (got "${text}")`,
    );
  return n;
}

export function listDatasets(): string {
  return Object.entries(BUILTIN_DATASETS)
    .map(
      ([name, b]) =>
        `${name.padEnd(18)} ${b.description}${b.options.length > 0 ? ` (options: --${b.options.join(", --")})` : ""}\n`,
    )
    .join("");
}

export async function dataCommand(dataset: string, flags: DataFlags, io: CliIO): Promise<number> {
  let exportSpecs: ExportSpec[] | undefined;
  let scale: number;
  let seed: number;
  let sample: number;
  const url = flags.db ?? io.env.STRAIN_DATABASE_URL ?? io.env.DATABASE_URL;
  try {
    if (url === undefined || url === "")
      throw new StrainError(
        ErrorCodes.USAGE,
        "strain data needs a database: --db postgres://user:password@host:port/database",
        {
          hint: "or set STRAIN_DATABASE_URL",
        },
      );
    scale = parseCount(flags.scale, "--scale");
    seed = parseCount(flags.seed, "--seed");
    sample = parseCount(flags.sample, "--sample");
    if (flags.export !== undefined) exportSpecs = parseExportList(flags.export);
  } catch (err) {
    io.stderr.write(formatError(err));
    return ExitCodes.USAGE;
  }

  const options: Record<string, string> = {};
  if (flags.locale !== undefined) options.locale = flags.locale;
  let progress: DataProgress | undefined;
  const graceful = new AbortController();
  const kill = new AbortController();
  let signals = 0;
  const unsubscribe = io.onSignal((signal) => {
    signals++;
    if (signals === 1) {
      io.stderr.write(
        `\nstrain: ${signal} received: finishing the chunks in flight, then stopping (press Ctrl-C again to stop now)\n`,
      );
      graceful.abort();
    } else {
      io.stderr.write(`strain: second ${signal}: stopping now; chunks in flight roll back\n`);
      kill.abort();
    }
  });
  try {
    const source = await prepareDatasetSource(dataset, options, join(tmpdir(), `strain-data-${process.pid}`));
    const ds = await resolveDataset(source);
    const tables = flags.tables
      ?.split(",")
      .map((t) => t.trim())
      .filter((t) => t !== "");
    progress = new DataProgress(io, flags.quiet === true);
    const p = progress;
    const result = await loadDataset({
      source,
      dataset: ds,
      databaseUrl: url,
      scale,
      seed,
      workers: flags.workers ?? availableParallelism(),
      ...(tables === undefined ? {} : { tables }),
      append: flags.append === true,
      truncate: flags.truncate === true,
      keepIndexes: flags.keepIndexes === true,
      signal: graceful.signal,
      killSignal: kill.signal,
      observer: {
        onStart: (info) =>
          p.line(
            info.resumed
              ? `resuming ${ds.name} into ${redactDbUrl(url)}: ${info.chunksDone} of ${info.chunksTotal} chunks already loaded`
              : `loading ${ds.name} (scale ${scale.toLocaleString("en-US")} ${ds.root}, seed ${seed}${info.firstRoot > 0 ? `, appending after ${info.firstRoot.toLocaleString("en-US")}` : ""}) into ${redactDbUrl(url)}: ${info.chunksTotal} chunks, ~${(info.estimatedBytes / 1e6).toFixed(0)} MB`,
          ),
        onPhase: (phase, detail) => {
          if (phase !== "loading") p.line(`${phase}: ${detail}`);
        },
        onProgress: (pr) => p.update(pr),
        onWarning: (m) => p.line(`warning: ${m}`),
      },
    });
    progress.close();
    io.stdout.write(renderResult(ds.name, result));
    if (result.interrupted) {
      io.stderr.write(
        `strain: interrupted after ${result.chunks.thisRun} chunks this run; what is loaded stays: rerun the same command to load the rest\n`,
      );
      return ExitCodes.ABORTED_BY_SIGNAL;
    }
    if (exportSpecs !== undefined) {
      const client = await connectDatabase(url);
      try {
        const files = await exportFeeders(
          client,
          exportSpecs,
          sample,
          resolve(io.cwd, flags.exportDir),
          seed,
        );
        for (const f of files) io.stdout.write(`feeder ${f.file}: ${f.rows.toLocaleString("en-US")} rows\n`);
      } finally {
        await client.end().catch(() => undefined);
      }
    }
    return ExitCodes.OK;
  } catch (err) {
    progress?.close();
    io.stderr.write(formatError(err));
    if (hasCode(err, ErrorCodes.USAGE)) return ExitCodes.USAGE;
    if (hasCode(err, ErrorCodes.DATASET_INVALID) || hasCode(err, ErrorCodes.PLAN_LOAD))
      return ExitCodes.INVALID_CONFIG;
    if (signals > 0) return ExitCodes.ABORTED_BY_SIGNAL;
    return ExitCodes.DATA_FAILED;
  } finally {
    unsubscribe();
  }
}

function num(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

function clock(seconds: number): string {
  if (!Number.isFinite(seconds)) return "--:--";
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${ss}` : `${m}:${ss}`;
}

/** The final table: rows and rows/s per table, then where the time went. */
export function renderResult(name: string, r: LoadResult): string {
  if (r.alreadyLoaded) {
    const rows = r.tables.reduce((s, t) => s + t.rows, 0);
    return `${name} is already loaded with this seed and scale (${num(rows)} rows); nothing to do. Use --truncate to load it again, or --append for more.\n`;
  }
  const w = Math.max(5, ...r.tables.map((t) => t.name.length));
  let out = `\n${"table".padEnd(w)}  ${"rows".padStart(13)}  ${"rows/s".padStart(11)}\n`;
  let rows = 0;
  let rate = 0;
  for (const t of r.tables) {
    out += `${t.name.padEnd(w)}  ${num(t.rows).padStart(13)}  ${num(t.rowsPerSecond).padStart(11)}\n`;
    rows += t.rows;
    rate += t.rowsPerSecond;
  }
  out += `${"total".padEnd(w)}  ${num(rows).padStart(13)}  ${num(rate).padStart(11)}\n`;
  out += `\nload ${r.seconds.load.toFixed(1)} s, indexes and keys ${r.seconds.rebuild.toFixed(1)} s (${r.rebuilt} rebuilt), ANALYZE ${r.seconds.analyze.toFixed(1)} s, total ${r.seconds.total.toFixed(1)} s${r.resumed ? " (resumed)" : ""}\n`;
  return out;
}

const PLAIN_EVERY_MS = 5_000;
const BAR = 20;

/** A bar per table on a TTY (rows, rows/s, ETA), redrawn at most 5 times a second; plain lines otherwise. */
class DataProgress {
  private drawn = 0;
  private lastDraw = 0;
  private lastPlain = 0;
  private closed = false;

  constructor(
    private readonly io: CliIO,
    private readonly quiet: boolean,
  ) {}

  line(text: string): void {
    if (this.quiet) return;
    this.clear();
    this.io.stderr.write(`${text}\n`);
  }

  update(p: LoadProgress): void {
    if (this.quiet || this.closed) return;
    const now = Date.now();
    const doneAll = p.chunksDone === p.chunksTotal;
    const share = p.chunksTotal > 0 ? p.chunksDone / p.chunksTotal : 1;
    const runShare = p.chunksThisRun / Math.max(1, p.chunksTotal);
    const eta = runShare > 0 ? (p.elapsed * (1 - share)) / runShare : Number.POSITIVE_INFINITY;
    if (this.io.isTTY) {
      if (now - this.lastDraw < 200 && !doneAll) return;
      this.lastDraw = now;
      this.clear();
      const w = Math.max(...p.tables.map((t) => t.name.length));
      let text = "";
      for (const t of p.tables) {
        const f = t.expected > 0 ? Math.min(1, t.rows / t.expected) : 1;
        const filled = Math.round(f * BAR);
        const rate = p.elapsed > 0 ? t.runRows / p.elapsed : 0;
        text += `${t.name.padEnd(w)} ${"█".repeat(filled)}${"░".repeat(BAR - filled)} ${num(t.rows).padStart(12)} / ${num(t.expected).padEnd(12)} ${num(rate).padStart(10)} rows/s  ETA ${clock(eta)}\n`;
      }
      this.io.stderr.write(text);
      this.drawn = p.tables.length;
      return;
    }
    if (now - this.lastPlain < PLAIN_EVERY_MS && !doneAll) return;
    this.lastPlain = now;
    const rows = p.tables.reduce((s, t) => s + t.rows, 0);
    const runRows = p.tables.reduce((s, t) => s + t.runRows, 0);
    this.io.stderr.write(
      `chunks ${p.chunksDone}/${p.chunksTotal} (${(share * 100).toFixed(0)}%)  rows ${num(rows)}  ${num(runRows / Math.max(0.001, p.elapsed))} rows/s  ETA ${clock(eta)}\n`,
    );
  }

  private clear(): void {
    if (this.drawn > 0 && this.io.isTTY) this.io.stderr.write(`\x1b[${this.drawn}A\x1b[J`);
    this.drawn = 0;
  }

  close(): void {
    this.closed = true;
  }
}
