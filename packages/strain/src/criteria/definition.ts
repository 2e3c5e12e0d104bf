/**
 * What a plan writes in its criteria table (TS and YAML alike). The zod schema in `schema.ts`
 * checks this shape; `resolve.ts` turns it into `ResolvedCriterion` rows (resolved.ts).
 *
 *   criteria: [
 *     { label: "Login", metric: "transaction_duration", where: { transaction: "login" },
 *       stat: "p(95)", target: "2s", threshold: "5s" },
 *     "http_5xx_rate rate target 0.1% threshold 0.2%",            // the same row as text
 *     ...preset("openimis", { search: { threshold: "8s" } }),      // a preset, one row overridden
 *   ]
 */

/** "500ms", "2s", "1m30s" — or a number of milliseconds (the plan's Duration). */
export type CriterionDuration = string | number;

/**
 * A value to compare with, optionally led by a comparison: `"2s"`, `"<200ms"`, `"<=0.5%"`,
 * `">=15000/s"`, `"2x"` (a multiple of the `of` row's value), or a plain number in the
 * statistic's own unit (ms for durations, a ratio 0–1 for rates). Without a comparison the value
 * is a ceiling (`<=`).
 */
export type CriterionValue = string | number;

/**
 * A condition on one tag: a value (equality), `{ in: [...] }` (set membership), or `{ not: ... }`
 * (negation of either).
 */
export type TagCondition = string | { in: readonly string[] } | { not: string | { in: readonly string[] } };

/** Tag name → condition; a sample matches when every condition holds. */
export type WhereFilter = Readonly<Record<string, TagCondition>>;

/**
 * Which part of the run a row is judged over. Default: the whole run.
 *
 * - `"run"`: every interval.
 * - `"steady"`: the run minus ramp-up and ramp-down stages (stages whose start and end levels differ).
 * - `"peak"`: the stages at each scenario's highest planned load (whole scenario for constant load).
 * - `"every 10s"` / `{ every: "10s" }`: every sliding window of that length must meet the row.
 * - `"stage:NAME"` / `{ stage: "NAME", scenario?: "S" }`: a named stage.
 * - `"scenario:NAME"` / `{ scenario: "NAME" }`: a scenario's planned time range.
 */
export type WindowSpec =
  | "run"
  | "steady"
  | "peak"
  | `every ${string}`
  | `stage:${string}`
  | `scenario:${string}`
  | { every: CriterionDuration }
  | { stage: string; scenario?: string }
  | { scenario: string };

/** One row of the criteria table. */
export interface CriterionDefinition {
  /** Shown in the terminal, summary.json and JUnit; unique in the plan. Default: the row's text. */
  label?: string;
  /** A stable key for presets' row-by-row overrides and for `of`. */
  id?: string;
  /** Metric name: built-in, derived (`http_4xx_rate`, `http_5xx_rate`, `arrival_rate`), user or monitor. */
  metric?: string;
  /** Tag filter: which samples count. */
  where?: WhereFilter;
  /** `p(N)` (any N, 99.9 too), `avg`, `min`, `max`, `med`, `count`, `rate`, `per_second`, `value`. */
  stat?: string;
  /** Meeting it is `pass`. Defaults to the threshold. */
  target?: CriterionValue;
  /** Missing the target but meeting this is `warn`; missing it is `fail`. Defaults to the target. */
  threshold?: CriterionValue;
  window?: WindowSpec;
  /**
   * Label or id of another row: this row takes its metric, filter and statistic (unless given),
   * and `Nx` values multiply that row's target (for `target`) and threshold (for `threshold`).
   */
  of?: string;
  /** Stop the run as soon as this row fails (checked live on the merged intervals). */
  abortOnFail?: boolean;
  /** With `abortOnFail`: do not judge the row before the run has lasted this long. Default 0. */
  delayAbortEval?: CriterionDuration;
}

/** Names of the built-in presets. */
export type PresetName = "openimis" | "smartpos-kpi" | "smartpos-latency";

/** Row id → fields to change, or `false` to drop the row. */
export type PresetOverrides = Readonly<Record<string, Partial<CriterionDefinition> | false>>;

/** A preset inside a criteria list (the form YAML plans use; TS plans may call `preset()`). */
export interface PresetReference {
  preset: PresetName;
  overrides?: PresetOverrides;
}

/** One entry of `criteria`: a row, a row as text, or a preset. */
export type CriteriaEntry = CriterionDefinition | string | PresetReference;

/** k6's object form of one threshold expression. */
export interface K6ThresholdObject {
  threshold: string;
  abortOnFail?: boolean;
  delayAbortEval?: CriterionDuration;
}

/**
 * k6's threshold syntax: `"metric{tag:value}" → ["p(95)<2000", ...]`. Each expression becomes a
 * row with a threshold only (so pass or fail, never warn), judged over the whole run.
 */
export type K6Thresholds = Readonly<Record<string, readonly (string | K6ThresholdObject)[]>>;
