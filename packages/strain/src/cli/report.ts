import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { exitCodeWithCriteria } from "../criteria/exit-code.js";
import { renderJUnit } from "../criteria/junit.js";
import { ExitCodes } from "../errors.js";
import { writeReport } from "../report/render-report.js";
import { rebuildSummary, type Summary } from "../results/summary.js";
import { renderSummary } from "../results/text-summary.js";
import { type CliIO, formatError } from "./io.js";
import type { ReportFlags } from "./main.js";

/**
 * `strain report <dir>`: rebuild summary.json from series.ndjson alone (verdicts recomputed from
 * run.json's criteria rows) and print it. Exits by the verdicts: any fail 99, warnings 98 with
 * --strict, else 0.
 */
export async function reportCommand(dir: string, io: CliIO, flags: ReportFlags = {}): Promise<number> {
  try {
    const { summary, truncated } = rebuildSummary(dir);
    if (truncated)
      io.stderr.write(
        "strain: the last line of series.ndjson was cut short (the run was killed); it was skipped\n",
      );
    io.stdout.write(renderSummary(summary, { color: io.isTTY }));
    io.stdout.write(`\nsummary written: ${dir}/summary.json\n`);
    try {
      io.stdout.write(`report: ${writeReport(dir)}\n`);
    } catch (err) {
      io.stderr.write(`strain: the HTML report could not be written: ${(err as Error).message}\n`);
    }
    if (flags.junit !== undefined && !writeJUnitFile(flags.junit, summary, io))
      return ExitCodes.OUTPUT_FAILED;
    return exitCodeWithCriteria(ExitCodes.OK, summary.criteria, flags.strict === true);
  } catch (err) {
    io.stderr.write(formatError(err));
    return ExitCodes.USAGE;
  }
}

/** `--junit <file>` (run and report): the verdicts as JUnit XML. False, said on stderr, when it cannot be written. */
export function writeJUnitFile(path: string, summary: Summary, io: CliIO): boolean {
  try {
    writeFileSync(resolve(io.cwd, path), renderJUnit(summary.criteria, summary.plan));
    return true;
  } catch (err) {
    io.stderr.write(`strain: cannot write the JUnit file ${path}: ${(err as Error).message}\n`);
    return false;
  }
}
