import { z } from "zod";
import { describeValue } from "../plan/describe-value.js";
import { suggest } from "../plan/did-you-mean.js";
import { durationHint, tryParseDuration } from "../plan/duration.js";
import { isRecord, strictObject } from "../plan/strict-object.js";
import type { CriteriaEntry, K6Thresholds, PresetName } from "./definition.js";
import { K6_EXPRESSION_HINT, parseThresholdExpression, parseThresholdKey } from "./k6-thresholds.js";
import { presets } from "./presets.js";
import { parseStat } from "./stats.js";
import { parseCriterionText } from "./text.js";
import { parseCriterionValue, VALUE_HINT } from "./values.js";
import { whereProblems } from "./where.js";
import { parseWindow, WINDOW_HINT } from "./window-spec.js";

/**
 * The zod schema of `criteria` and `thresholds`, shared by TS and YAML plans (plan/schema.ts
 * references it). It checks each entry on its own: shape, unknown keys, value units, statistics,
 * windows, filters, text rows, preset names and override ids, k6 expressions. Checks across rows
 * and against the rest of the plan (labels, `of`, units vs. statistic, stage names) are in
 * `analyze.ts`, run by the plan's semantic checks.
 */

const ROW_HINT =
  '{ label, metric, where?, stat, target?, threshold?, window?, of?, abortOnFail?, delayAbortEval? }, a text row ("http_req_duration p(95) target 2s threshold 5s"), or { preset: "openimis" }';

/** Marks a wrong kind of value the way plan/schema.ts does (its TYPE_MISMATCH), for union ranking. */
const TYPE_MISMATCH = "typeMismatch";

type Ctx = z.core.ParsePayload;

function addIssue(ctx: Ctx, path: PropertyKey[], message: string, hint: string): void {
  ctx.issues.push({ code: "custom", message, input: ctx.value, path, params: { hint } });
}

/** A value checked by `check`, which returns an error sentence or undefined. */
function checked<T>(hint: string, check: (v: unknown) => string | undefined) {
  return z
    .custom<T>(() => true)
    .superRefine((v, ctx) => {
      const error = check(v);
      if (error !== undefined) addIssue(ctx, [], error, hint);
    });
}

const nonEmptyString = (hint: string) =>
  checked<string>(hint, (v) =>
    typeof v !== "string"
      ? `must be a string (got ${describeValue(v)})`
      : v === ""
        ? "must not be empty"
        : undefined,
  );

const value = checked<string | number>(VALUE_HINT, (v) => {
  const r = parseCriterionValue(v);
  return r.ok ? undefined : r.error;
});

const stat = z
  .custom<string>(() => true)
  .superRefine((v, ctx) => {
    const r = parseStat(v);
    if (!r.ok) addIssue(ctx, [], r.error, r.hint);
  });

const windowSpec = checked(WINDOW_HINT, (v) => {
  const r = parseWindow(v);
  return r.ok ? undefined : r.error;
});

const where = z
  .custom(() => true)
  .superRefine((v, ctx) => {
    for (const p of whereProblems(v)) {
      addIssue(ctx, p.path, p.message, 'tag → "value", { in: ["a", "b"] } or { not: "value" }');
    }
  });

const metricName = checked<string>(
  "a metric name: letters, digits and _ (http_req_duration, checks ...)",
  (v) =>
    typeof v !== "string"
      ? `must be a string (got ${describeValue(v)})`
      : /^[A-Za-z_][A-Za-z0-9_]*$/.test(v)
        ? undefined
        : `"${v}" is not a metric name`,
);

const delay = checked(durationHint, (v) => {
  const r = tryParseDuration(v);
  return r.ok ? undefined : r.error;
});

const boolean = checked<boolean>("true or false", (v) =>
  typeof v === "boolean" ? undefined : `must be true or false (got ${describeValue(v)})`,
);

const rowShape = {
  label: nonEmptyString("a name for the row, shown in the terminal, summary.json and JUnit").optional(),
  id: nonEmptyString("a stable key for the row (presets' overrides and `of` use it)").optional(),
  metric: metricName.optional(),
  where: where.optional(),
  stat: stat.optional(),
  target: value.optional(),
  threshold: value.optional(),
  window: windowSpec.optional(),
  of: nonEmptyString("the label or id of another row").optional(),
  abortOnFail: boolean.optional(),
  delayAbortEval: delay.optional(),
};

const rowObject = strictObject(rowShape);

const PRESET_NAMES = Object.keys(presets) as PresetName[];

const presetReference = strictObject({
  preset: checked<PresetName>(`one of: ${PRESET_NAMES.join(", ")}`, (v) =>
    typeof v === "string" && (PRESET_NAMES as string[]).includes(v)
      ? undefined
      : `unknown preset ${describeValue(v)}`,
  ),
  overrides: z
    .record(
      z.string(),
      z
        .custom(() => true)
        .superRefine((v, ctx) => {
          if (v === false) return;
          if (!isRecord(v)) {
            ctx.issues.push({
              code: "custom",
              message: `must be an object of row fields, or false to drop the row (got ${describeValue(v)})`,
              input: v,
              path: [],
              params: { hint: 'e.g. { threshold: "8s" }', [TYPE_MISMATCH]: "object" },
            });
            return;
          }
          forward(rowObject.safeParse(v, { reportInput: true }), ctx);
        }),
    )
    .optional(),
}).superRefine(
  (ref, ctx) => {
    const name = ref.preset as string;
    if (!(PRESET_NAMES as string[]).includes(name) || !isRecord(ref.overrides)) return;
    const ids = presets[name as PresetName].map((r) => r.id as string);
    for (const id of Object.keys(ref.overrides)) {
      if (!ids.includes(id)) {
        addIssue(ctx, ["overrides", id], `preset ${name} has no row "${id}"`, suggest(id, ids));
      }
    }
  },
  { when: (p) => isRecord(p.value) },
);

/** Copy a nested parse's issues into this one (paths are relative, the parent prefixes them). */
function forward(r: { success: boolean; error?: z.ZodError }, ctx: Ctx): void {
  if (r.success || r.error === undefined) return;
  for (const issue of r.error.issues) ctx.issues.push(issue as never);
}

/** One entry of `criteria`: a row object, a text row, or a preset reference. */
export const entrySchema = z
  .custom<CriteriaEntry>(() => true)
  .superRefine((v, ctx) => {
    if (typeof v === "string") {
      const r = parseCriterionText(v);
      if (!r.ok) addIssue(ctx, [], `cannot read the row: ${r.error}`, ROW_HINT);
      return;
    }
    if (!isRecord(v)) {
      ctx.issues.push({
        code: "custom",
        message: `must be a row, a text row or a preset (got ${describeValue(v)})`,
        input: v,
        path: [],
        params: { hint: ROW_HINT, [TYPE_MISMATCH]: "row" },
      });
      return;
    }
    forward(
      (Object.hasOwn(v, "preset") ? presetReference : rowObject).safeParse(v, { reportInput: true }),
      ctx,
    );
  });

/** `criteria`: a list of rows, text rows and presets. */
export const criteriaSchema = z.array(entrySchema);

const k6Item = z
  .custom(() => true)
  .superRefine((v, ctx) => {
    if (typeof v === "string") {
      const r = parseThresholdExpression(v);
      if (!r.ok) addIssue(ctx, [], r.error, r.hint);
      return;
    }
    if (!isRecord(v)) {
      addIssue(
        ctx,
        [],
        `must be an expression or { threshold, abortOnFail?, delayAbortEval? }`,
        K6_EXPRESSION_HINT,
      );
      return;
    }
    forward(
      strictObject({
        threshold: checked<string>(K6_EXPRESSION_HINT, (t) => {
          if (typeof t !== "string") return `must be a string (got ${describeValue(t)})`;
          const r = parseThresholdExpression(t);
          return r.ok ? undefined : r.error;
        }),
        abortOnFail: boolean.optional(),
        delayAbortEval: delay.optional(),
      }).safeParse(v, { reportInput: true }),
      ctx,
    );
  });

/** `thresholds`: k6's syntax, `"metric{tag:value}" → [expressions]`. */
export const thresholdsSchema = z.record(z.string(), z.array(k6Item)).superRefine(
  (t, ctx) => {
    for (const key of Object.keys(t)) {
      const r = parseThresholdKey(key);
      if (!r.ok) addIssue(ctx, [key], r.error, 'a key is "metric" or "metric{tag:value,...}"');
    }
  },
  { when: (p) => isRecord(p.value) },
) as unknown as z.ZodType<K6Thresholds>;
