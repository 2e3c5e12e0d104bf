#!/usr/bin/env node
/**
 * The `strain` command: a composition root. Parses arguments, calls the library, prints, and owns
 * the only process.exit.
 */
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Command, CommanderError } from "commander";
import { strainVersion } from "../engine/coordinator.js";
import { ErrorCodes, ExitCodes, hasCode } from "../errors.js";
import type { CompareFlags } from "./compare.js";
import type { DataFlags } from "./data.js";
import { type CliIO, formatError, processIO } from "./io.js";
import { reportCommand } from "./report.js";
import { runCommand } from "./run.js";

/** Run the CLI with `argv` (without node and script) and return the exit code. */
export async function runMain(argv: readonly string[], io: CliIO): Promise<number> {
  let exitCode: number = ExitCodes.OK;
  const program = new Command()
    .name("strain")
    .description("Performance verification: does the system hold the load we promise?")
    .version(strainVersion())
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    });

  program
    .command("run")
    .description("run a plan (.ts or .yaml) and write a run directory")
    .argument("<plan>", "plan file")
    .option("-w, --workers <n>", "worker processes (default: one per core)", parsePositiveInt)
    .option("-o, --out-dir <dir>", "parent folder of run directories", "runs")
    .option("-e, --env <KEY=VALUE...>", "variables for flows (vu.env)")
    .option("-q, --quiet", "no live progress; only the end summary")
    .option("--strict", "exit 98 when criteria only warn (missed targets), instead of 0")
    .option("--junit <file>", "write the criteria verdicts as JUnit XML (one test case per row)")
    .option(
      "--out <kind=target...>",
      "live outputs: json=<file>, csv=<file> (JMeter JTL), prometheus=<url> (remote write), junit=<file>",
    )
    .action(async (plan: string, opts: RunFlags) => {
      exitCode = await runCommand(plan, opts, io);
    });

  program
    .command("report")
    .description("rebuild summary.json of a run directory from its series.ndjson, verdicts included")
    .argument("<dir>", "run directory")
    .option("--strict", "exit 98 when criteria only warn (missed targets), instead of 0")
    .option("--junit <file>", "write the criteria verdicts as JUnit XML (one test case per row)")
    .action(async (dir: string, opts: ReportFlags) => {
      exitCode = await reportCommand(dir, io, opts);
    });

  program
    .command("compare")
    .description("compare run B against run A: latency, throughput, errors, verdicts; writes compare.html")
    .argument("<runA>", "baseline run directory")
    .argument("<runB>", "run directory to judge")
    .option("--fail-on-regression <tolerance>", "exit 99 when B is worse than A beyond this (e.g. 10%)")
    .option("--html <file>", "where to write the HTML comparison", "compare.html")
    .action(async (a: string, b: string, opts: CompareFlags) => {
      // Commands other than run load their modules when used: `strain run` starts ~0.1 s sooner.
      const { compareCommand } = await import("./compare.js");
      exitCode = await compareCommand(a, b, opts, io);
    });

  program
    .command("data")
    .description("generate a dataset into PostgreSQL at COPY speed (resumable, reproducible)")
    .argument(
      "[dataset]",
      "a built-in dataset (farmer-registry) or a .ts/.js file exporting defineDataset(...)",
    )
    .option("--db <url>", "PostgreSQL URL (default: $STRAIN_DATABASE_URL, then $DATABASE_URL)")
    .option(
      "-s, --scale <n>",
      "root rows to generate (farmer-registry: households, ~4 farmers each); 10k, 2M…",
      "1000",
    )
    .option("--seed <n>", "the same seed and scale give the same rows, whatever --workers", "1")
    .option(
      "-w, --workers <n>",
      "loader processes, one COPY stream each (default: one per core)",
      parsePositiveInt,
    )
    .option("--tables <list>", "load only these tables (and the tables they need), comma-separated")
    .option("--append", "add to tables that already hold rows")
    .option("--truncate", "empty the dataset's tables first (only those)")
    .option("--keep-indexes", "keep indexes and constraints while loading (slower)")
    .option("--locale <code>", "names and places for built-in datasets (ke, ph)")
    .option("--export <table.column,...>", "after loading, write CSV feeders with these columns")
    .option("--sample <n>", "rows per exported feeder", "1000")
    .option("--export-dir <dir>", "where --export writes <table>.csv", "feeders")
    .option("--list", "list the built-in datasets")
    .option("-q, --quiet", "no progress; only the final table")
    .action(async (dataset: string | undefined, opts: DataFlags & { list?: boolean }) => {
      const { dataCommand, listDatasets } = await import("./data.js");
      if (opts.list === true || dataset === undefined) {
        io.stdout.write(listDatasets());
        exitCode = dataset === undefined && opts.list !== true ? ExitCodes.USAGE : ExitCodes.OK;
        return;
      }
      exitCode = await dataCommand(dataset, opts, io);
    });

  program
    .command("demo")
    .description("start a demo target on loopback and run the quickstart plan against it")
    .option("-o, --out-dir <dir>", "parent folder of run directories", "runs")
    .action(async (opts: { outDir: string }) => {
      const { runDemo } = await import("./demo.js");
      exitCode = await runDemo(opts, io);
    });

  try {
    await program.parseAsync([...argv], { from: "user" });
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.exitCode === 0 ? ExitCodes.OK : ExitCodes.USAGE;
    }
    io.stderr.write(formatError(err));
    return hasCode(err, ErrorCodes.USAGE) ? ExitCodes.USAGE : ExitCodes.ENGINE_ERROR;
  }
  return exitCode;
}

export interface RunFlags {
  workers?: number;
  outDir: string;
  env?: string[];
  quiet?: boolean;
  strict?: boolean;
  junit?: string;
  out?: string[];
}

export interface ReportFlags {
  strict?: boolean;
  junit?: string;
}

function parsePositiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1)
    throw new CommanderError(2, "strain.usage", `expected a positive integer, got '${v}'`);
  return n;
}

function invokedDirectly(): boolean {
  try {
    return realpathSync(process.argv[1] ?? "") === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
}

// Run when executed as the bin (not when imported by tests).
if (invokedDirectly()) {
  runMain(process.argv.slice(2), processIO()).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(formatError(err));
      process.exit(ExitCodes.ENGINE_ERROR);
    },
  );
}
