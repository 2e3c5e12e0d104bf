import { describe, expect, it } from "vitest";
import { ExitCodes } from "../errors.js";
import { exitCodeWithCriteria } from "./exit-code.js";
import { type CriteriaReport, type CriterionResult, reportOf, type Verdict } from "./verdict.js";

function report(...verdicts: Verdict[]): CriteriaReport {
  return reportOf(verdicts.map((verdict) => ({ verdict }) as CriterionResult));
}

describe("exit codes from verdicts", () => {
  it.each([
    ["all pass", report("pass", "pass"), false, ExitCodes.OK],
    ["any fail", report("pass", "warn", "fail"), false, ExitCodes.CRITERIA_FAILED],
    ["warnings only", report("pass", "warn"), false, ExitCodes.OK],
    ["warnings only, --strict", report("pass", "warn"), true, ExitCodes.CRITERIA_WARNINGS],
    ["fail, --strict", report("warn", "fail"), true, ExitCodes.CRITERIA_FAILED],
    ["no criteria", null, true, ExitCodes.OK],
    ["no rows", report(), true, ExitCodes.OK],
  ])("%s", (_name, r, strict, code) => {
    expect(exitCodeWithCriteria(ExitCodes.OK, r, strict)).toBe(code);
  });

  it("a run that ended otherwise keeps its code; a failed teardown yields to failed criteria", () => {
    const fail = report("fail");
    expect(exitCodeWithCriteria(ExitCodes.ABORTED_BY_SIGNAL, fail, true)).toBe(ExitCodes.ABORTED_BY_SIGNAL);
    expect(exitCodeWithCriteria(ExitCodes.SETUP_FAILED, fail, true)).toBe(ExitCodes.SETUP_FAILED);
    expect(exitCodeWithCriteria(ExitCodes.ENGINE_ERROR, fail, true)).toBe(ExitCodes.ENGINE_ERROR);
    expect(exitCodeWithCriteria(ExitCodes.TEARDOWN_FAILED, fail, false)).toBe(ExitCodes.CRITERIA_FAILED);
    expect(exitCodeWithCriteria(ExitCodes.TEARDOWN_FAILED, report("warn"), true)).toBe(
      ExitCodes.TEARDOWN_FAILED,
    );
  });
});
