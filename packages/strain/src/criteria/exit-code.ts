import { type ExitCode, ExitCodes } from "../errors.js";
import type { CriteriaReport } from "./verdict.js";

/**
 * The exit code once the verdicts are in. Any `fail` → CRITERIA_FAILED (99, k6's number);
 * warnings only → OK, or CRITERIA_WARNINGS with `--strict`. A run that ended otherwise keeps its
 * code (aborted by a signal 105, setup failed 100, engine error 103); a failed teardown yields to
 * failed criteria, as the verdict is what the run was for.
 */
export function exitCodeWithCriteria(
  code: ExitCode,
  report: CriteriaReport | null,
  strict: boolean,
): ExitCode {
  if (report === null || report.rows.length === 0) return code;
  if (code !== ExitCodes.OK && code !== ExitCodes.TEARDOWN_FAILED) return code;
  if (report.verdict === "fail") return ExitCodes.CRITERIA_FAILED;
  if (report.verdict === "warn" && strict && code === ExitCodes.OK) return ExitCodes.CRITERIA_WARNINGS;
  return code;
}
