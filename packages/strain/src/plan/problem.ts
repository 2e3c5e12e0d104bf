/**
 * One thing wrong with a plan, at a path, with a hint. Validation collects every problem and
 * reports them together, one line each:
 *
 *   scenarios.browse.rate: must be > 0 (got 0) — hint: the number of iterations started per timeUnit
 */
export interface PlanProblem {
  path: readonly PropertyKey[];
  message: string;
  hint: string;
}

const PLAIN_KEY = /^[A-Za-z_$][\w$-]*$/;

/** `scenarios.browse.stages[0].duration`; odd keys are quoted (`http.headers["x y"]`); the root is `(plan)`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else if (typeof key === "string" && PLAIN_KEY.test(key)) out += out === "" ? key : `.${key}`;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out === "" ? "(plan)" : out;
}

/** The problem as one line. */
export function formatProblem(p: PlanProblem): string {
  return `${formatPath(p.path)}: ${p.message} — hint: ${p.hint}`;
}
