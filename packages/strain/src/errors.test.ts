import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { deserializeError, ErrorCodes, ExitCodes, hasCode, StrainError, serializeError } from "./errors.js";

const doc = readFileSync(new URL("../../../docs/errors.md", import.meta.url), "utf8");

describe("docs/errors.md stays in step with the code", () => {
  it("lists every exit code with its number and name, and nothing else", () => {
    const rows = [...doc.matchAll(/^\|\s*(\d+)\s*\|\s*([A-Z_]+)\s*\|/gm)].map((m) => [m[2], Number(m[1])]);
    expect(Object.fromEntries(rows)).toEqual(ExitCodes);
  });

  it("lists every error code", () => {
    const listed = [...doc.matchAll(/^\|\s*`(STRAIN_ERR_[A-Z_]+)`/gm)].map((m) => m[1]).sort();
    expect(listed).toEqual(Object.values(ErrorCodes).sort());
  });

  it("reuses k6's numbers where the meaning matches", () => {
    expect(ExitCodes.CRITERIA_FAILED).toBe(99);
    expect(ExitCodes.INVALID_CONFIG).toBe(104);
    expect(ExitCodes.ABORTED_BY_SIGNAL).toBe(105);
  });
});

describe("errors crossing a process boundary", () => {
  it("keep code, message, hint and details through serialisation", () => {
    const e = new StrainError(ErrorCodes.PLAN_INVALID, "bad plan", { hint: "fix it", details: ["a: b"] });
    const back = deserializeError(JSON.parse(JSON.stringify(serializeError(e))));
    expect(hasCode(back, ErrorCodes.PLAN_INVALID)).toBe(true);
    expect(back.message).toBe("bad plan");
    expect(back.hint).toBe("fix it");
    expect(back.details).toEqual(["a: b"]);
  });

  it("turns foreign throwables into internal errors", () => {
    expect(serializeError("boom")).toEqual({ code: ErrorCodes.INTERNAL, message: "boom" });
    expect(serializeError(new Error("x")).code).toBe(ErrorCodes.INTERNAL);
  });
});
