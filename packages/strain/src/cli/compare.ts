import { renameSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { ErrorCodes, ExitCodes, StrainError } from "../errors.js";
import { compareRuns, renderCompareHtml, renderCompareText } from "../report/compare.js";
import { type CliIO, formatError } from "./io.js";

/** Flags of `strain compare` (commander's camel-cased names). */
export interface CompareFlags {
  /** "10%" or "10": exit 99 when B regressed beyond it. Without it the diff is shown, exit 0. */
  failOnRegression?: string;
  /** Where compare.html goes (default: compare.html in the current directory). */
  html?: string;
}

/** Tolerance used to mark regressions when --fail-on-regression is not given (display only). */
export const DEFAULT_TOLERANCE_PERCENT = 10;

/**
 * `strain compare <runA> <runB> [--fail-on-regression 10%] [--html compare.html]`: B against A.
 * Prints the diff, writes compare.html, and with --fail-on-regression exits 99
 * (CRITERIA_FAILED) when a regression beyond the tolerance is found. Unreadable run directories
 * or a bad tolerance exit 2.
 */
export async function compareCommand(
  runA: string,
  runB: string,
  flags: CompareFlags,
  io: CliIO,
): Promise<number> {
  let tolerance: number;
  try {
    tolerance =
      flags.failOnRegression !== undefined
        ? parseTolerance(flags.failOnRegression)
        : DEFAULT_TOLERANCE_PERCENT;
  } catch (err) {
    io.stderr.write(formatError(err));
    return ExitCodes.USAGE;
  }
  let result: ReturnType<typeof compareRuns>;
  try {
    result = compareRuns(resolve(io.cwd, runA), resolve(io.cwd, runB), { tolerancePercent: tolerance });
  } catch (err) {
    io.stderr.write(formatError(err));
    return ExitCodes.USAGE;
  }
  const { comparison } = result;
  io.stdout.write(renderCompareText(comparison, { color: io.isTTY }));
  const htmlPath = resolve(io.cwd, flags.html ?? "compare.html");
  try {
    const tmp = `${htmlPath}.tmp`;
    writeFileSync(tmp, renderCompareHtml(comparison, result.a, result.b));
    renameSync(tmp, htmlPath);
    io.stdout.write(`\ncomparison written: ${htmlPath}\n`);
  } catch (err) {
    io.stderr.write(`strain: cannot write ${htmlPath}: ${(err as Error).message}\n`);
    return ExitCodes.OUTPUT_FAILED;
  }
  if (flags.failOnRegression !== undefined && comparison.regressed) return ExitCodes.CRITERIA_FAILED;
  return ExitCodes.OK;
}

/** "10%", "10" or "2.5%" → percent. Throws STRAIN_ERR_USAGE otherwise. */
export function parseTolerance(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*%?\s*$/.exec(text);
  const v = m === null ? Number.NaN : Number(m[1]);
  if (!Number.isFinite(v) || v < 0 || v > 1000) {
    throw new StrainError(
      ErrorCodes.USAGE,
      `--fail-on-regression '${text}': expected a percentage such as 10%`,
      {
        hint: "a regression is a change beyond this tolerance: --fail-on-regression 10%",
      },
    );
  }
  return v;
}
