/**
 * Criteria rows after validation: presets expanded, k6 thresholds mapped, text parsed, units
 * converted, `of` rows filled in. Plain JSON: run.json stores them, so `strain report <dir>`
 * judges a run again from its directory alone.
 */

export type ComparisonOp = "<" | "<=" | ">" | ">=" | "==" | "!=";

/**
 * The unit a value is expressed in once parsed: ms for durations, a ratio (0–1) for percentages,
 * per second for `N/s` (and `/m`, `/h`), bytes for sizes, or a plain number.
 */
export type ValueUnit = "ms" | "ratio" | "per_second" | "bytes" | "number";

/** "meets" means `observed op value`. */
export interface Comparison {
  op: ComparisonOp;
  value: number;
  unit: ValueUnit;
  /** The value as people read it, comparison included: `<=2s`, `<200ms`, `>=15000/s`, `<=0.4%`. */
  text: string;
}

/** One tag condition: the tag's value is (or, negated, is not) one of `values`. */
export interface TagMatch {
  tag: string;
  values: string[];
  negate: boolean;
}

export type ResolvedWindow =
  | { kind: "run" }
  | { kind: "steady" }
  | { kind: "peak" }
  | { kind: "every"; ms: number }
  | { kind: "stage"; stage: string; scenario?: string }
  | { kind: "scenario"; scenario: string };

export interface ResolvedCriterion {
  label: string;
  id?: string;
  metric: string;
  where: TagMatch[];
  /** Canonical statistic: `p(95)`, `avg`, `count`, ... */
  stat: string;
  /** At least one of target and threshold is present; a missing one takes the other's value. */
  target?: Comparison;
  threshold?: Comparison;
  window: ResolvedWindow;
  /** Set when the values came from another row times a multiplier (`of` with `2x`). */
  relativeTo?: { label: string; target?: number; threshold?: number };
  abortOnFail: boolean;
  delayAbortEvalMs: number;
  /** `thresholds` for rows mapped from k6 syntax. */
  source: "criteria" | "thresholds";
  /** The row in text form (text.ts): what the row says, in one line. */
  text: string;
}
