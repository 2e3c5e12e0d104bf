import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { CriterionDefinition, TagCondition } from "./definition.js";
import { formatCriterionText, parseCriterionText } from "./text.js";
import { windowName } from "./window-spec.js";

const name = fc.string({ minLength: 1, maxLength: 12 });
const metric = fc
  .stringMatching(/^[a-z_][a-z0-9_]{0,15}$/)
  .filter((m) => !["target", "threshold", "window", "of", "label", "id"].includes(m));
const list = fc.uniqueArray(name, { minLength: 2, maxLength: 4 });
const condition: fc.Arbitrary<TagCondition> = fc.oneof(
  name,
  list.map((v) => ({ in: v })),
  name.map((v) => ({ not: v })),
  list.map((v) => ({ not: { in: v } })),
);
const where = fc.dictionary(name, condition, { minKeys: 1, maxKeys: 3 });
const stat = fc.oneof(
  fc.constantFrom("avg", "min", "max", "med", "count", "rate", "per_second", "value"),
  fc.integer({ min: 0, max: 100 }).map((n) => `p(${n})`),
  fc.integer({ min: 0, max: 9999 }).map((n) => `p(${n / 100})`),
);
const positive = fc.integer({ min: 0, max: 1_000_000 }).map((n) => n / 10);
const value = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }).filter((n) => !Object.is(n, -0)),
  fc
    .tuple(
      fc.constantFrom("", "<", "<=", ">", ">=", "==", "!="),
      positive,
      fc.constantFrom("ms", "s", "m", "h", "%", "/s", "/m", "/h", "x", "MB", "KiB"),
    )
    .map(([op, n, unit]) => `${op}${n}${unit}`),
);
const window = fc.oneof(
  fc.constantFrom("run", "steady", "peak", "every 10s", "every 1m30s", "every 250ms"),
  fc
    .tuple(name, fc.option(name, { nil: undefined }))
    .map(
      ([stage, scenario]) =>
        `stage:${windowName(stage)}${scenario === undefined ? "" : `@${windowName(scenario)}`}`,
    ),
  name.map((s) => `scenario:${windowName(s)}`),
);

/** A row in canonical form (what `formatCriterionText` writes back the same). */
const row: fc.Arbitrary<CriterionDefinition> = fc
  .record(
    {
      head: fc.option(fc.record({ metric, where: fc.option(where, { nil: undefined }), stat }), {
        nil: undefined,
      }),
      label: name,
      id: name,
      target: value,
      threshold: value,
      window,
      of: name,
      abortOnFail: fc.constant(true),
      delayAbortEval: fc.oneof(fc.integer({ min: 0, max: 100_000 }), fc.constantFrom("10s", "1m", "500ms")),
    },
    { requiredKeys: [] },
  )
  .map(({ head, ...rest }) => {
    const r = { ...rest } as CriterionDefinition;
    if (head !== undefined) {
      r.metric = head.metric;
      r.stat = head.stat;
      if (head.where !== undefined) r.where = head.where;
    } else if (r.of === undefined) r.of = "base";
    return r;
  });

describe("criteria rows as text", () => {
  it("any valid row round-trips through text and back", () => {
    fc.assert(
      fc.property(row, (r) => {
        const text = formatCriterionText(r);
        const back = parseCriterionText(text);
        expect(back, text).toEqual({ ok: true, row: r });
      }),
      { numRuns: 1000 },
    );
  });

  it("any text either parses or says where it stopped; it never throws", () => {
    const noise = fc.oneof(
      fc.string(),
      fc
        .array(
          fc.constantFrom(
            "http_req_duration",
            "{",
            "}",
            "name:",
            '"x y"',
            "p(95)",
            "target",
            "threshold",
            "2s",
            "<",
            "window",
            "every",
            "stage:",
            "of",
            "label",
            ",",
            "in(",
            ")",
          ),
          { maxLength: 12 },
        )
        .map((a) => a.join(" ")),
    );
    fc.assert(
      fc.property(noise, (text) => {
        const r = parseCriterionText(text);
        if (!r.ok) expect(r.error).toMatch(/^at column \d+: \S/);
      }),
      { numRuns: 1000 },
    );
  });

  it.each([
    ["", "at column 1: the row is empty"],
    ["http_req_duration p95 target 2s", 'at column 19: unknown statistic "p95" — did you mean "p(95)"?'],
    ["http_req_duration p(95) target", "at column 31: target needs a value"],
    ["http_req_duration p(95) target 2s target 3s", "at column 35: target is given twice"],
    [
      "http_req_duration p(95) trget 2s",
      'at column 25: expected one of target, threshold, window, of, label, id, abortOnFail, delayAbortEval (got "trget")',
    ],
    ["http_req_duration{name:login p(95)", 'at column 35: expected "," or "}" in the tag filter'],
    ["http_req_duration p(95) window every", "at column 37: window every needs a duration (every 10s)"],
    [
      "http_req_duration p(95) window every 10",
      'at column 32: window: every: "10" has no unit (did you mean "10ms"?)',
    ],
    ['http_req_duration p(95) label "open', "at column 31: unterminated string"],
  ])("%j → %s", (text, error) => {
    expect(parseCriterionText(text)).toEqual({ ok: false, error });
  });
});
