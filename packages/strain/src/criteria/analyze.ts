import { BUILTIN_METRICS } from "../metrics/builtin-metrics.js";
import { closestMatch, suggest } from "../plan/did-you-mean.js";
import { parseDuration } from "../plan/duration.js";
import { formatPath } from "../plan/problem.js";
import type { CriterionDefinition, PresetReference } from "./definition.js";
import { DERIVED_METRICS } from "./derived-metrics.js";
import { thresholdsToRows } from "./k6-thresholds.js";
import { presetRows } from "./presets.js";
import type { Comparison, ResolvedCriterion, ResolvedWindow } from "./resolved.js";
import { entrySchema } from "./schema.js";
import {
  acceptsUnit,
  comparisonUnit,
  knownMetricKind,
  parseStat,
  percentValue,
  type StatUnit,
  statUnit,
  unitWords,
} from "./stats.js";
import { formatCriterionText, parseCriterionText } from "./text.js";
import { clean, directionOf, formatValueBody, parseCriterionValue, toComparison } from "./values.js";
import { toTagMatches } from "./where.js";
import { parseWindow } from "./window-spec.js";

/**
 * Criteria across rows and against the rest of the plan, after the schema checked each entry:
 * labels and ids unique, `of` names a row (no cycles), metric + statistic + value units agree,
 * the threshold is no stricter than the target, windows name existing stages and scenarios,
 * `arrival_rate` filters only on scenarios. The same pass resolves the rows, so validation and
 * resolution cannot disagree.
 */

/** What criteria need to know of the plan (read from the raw input, guarded). */
export interface CriteriaPlanContext {
  userMetrics: Readonly<Record<string, string>>;
  scenarios: readonly {
    name: string;
    tags: Readonly<Record<string, string>>;
    model: "open" | "closed";
    stages: readonly string[];
  }[];
}

export interface CriteriaProblem {
  path: PropertyKey[];
  message: string;
  hint: string;
}

const OPEN_EXECUTORS = new Set(["constant-arrival-rate", "ramping-arrival-rate"]);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The plan context from a raw plan input (anything of the wrong shape is left out). */
export function criteriaContextOf(input: Record<string, unknown>): CriteriaPlanContext {
  const userMetrics: Record<string, string> = {};
  if (isRecord(input.metrics)) {
    for (const [k, v] of Object.entries(input.metrics)) if (typeof v === "string") userMetrics[k] = v;
  }
  const scenarios: CriteriaPlanContext["scenarios"][number][] = [];
  if (isRecord(input.scenarios)) {
    for (const [name, sc] of Object.entries(input.scenarios)) {
      if (!isRecord(sc)) continue;
      const tags: Record<string, string> = {};
      if (isRecord(sc.tags))
        for (const [k, v] of Object.entries(sc.tags)) if (typeof v === "string") tags[k] = v;
      const stages = Array.isArray(sc.stages)
        ? sc.stages.flatMap((st) => (isRecord(st) && typeof st.name === "string" ? [st.name] : []))
        : [];
      scenarios.push({
        name,
        tags,
        model: typeof sc.executor === "string" && OPEN_EXECUTORS.has(sc.executor) ? "open" : "closed",
        stages,
      });
    }
  }
  return { userMetrics, scenarios };
}

interface Candidate {
  def: CriterionDefinition;
  /** Where problems about the row are reported. */
  path: PropertyKey[];
  /** Fields with paths of their own: every field of an object row, the overridden fields of a preset row. */
  fieldPaths: ReadonlySet<string> | "all";
  source: "criteria" | "thresholds";
  label: string;
}

/** Expand, check and resolve `criteria` and `thresholds`. Entries the schema rejects are skipped. */
export function analyzeCriteria(
  input: { criteria?: unknown; thresholds?: unknown },
  ctx: CriteriaPlanContext,
): { rows: ResolvedCriterion[]; problems: CriteriaProblem[] } {
  const problems: CriteriaProblem[] = [];
  const candidates = expand(input);
  return new Analysis(candidates, ctx, problems).run();
}

function labelOf(def: CriterionDefinition): string {
  return def.label ?? rowText(def);
}

/** The row's text without its label and id: what the row says. */
function rowText(def: CriterionDefinition): string {
  const { label: _label, id: _id, ...rest } = def;
  return formatCriterionText(rest);
}

function expand(input: { criteria?: unknown; thresholds?: unknown }): Candidate[] {
  const out: Candidate[] = [];
  const push = (
    def: CriterionDefinition,
    path: PropertyKey[],
    fields: readonly string[] | "all",
    source: Candidate["source"],
  ) =>
    out.push({
      def,
      path,
      fieldPaths: fields === "all" ? fields : new Set(fields),
      source,
      label: labelOf(def),
    });
  if (Array.isArray(input.criteria)) {
    input.criteria.forEach((entry: unknown, i) => {
      if (!entrySchema.safeParse(entry).success) return;
      const path = ["criteria", i];
      if (typeof entry === "string") {
        const r = parseCriterionText(entry);
        if (r.ok) push(r.row, path, [], "criteria");
      } else if (isRecord(entry) && Object.hasOwn(entry, "preset")) {
        const ref = entry as unknown as PresetReference;
        for (const row of presetRows(ref)) {
          const o = ref.overrides?.[row.id];
          if (o === undefined || o === false) push(row, path, [], "criteria");
          else push(row, [...path, "overrides", row.id], Object.keys(o), "criteria");
        }
      } else if (isRecord(entry)) {
        push(entry as CriterionDefinition, path, "all", "criteria");
      }
    });
  }
  for (const { row, path } of thresholdsToRows(input.thresholds).rows) push(row, path, [], "thresholds");
  return out;
}

const KNOWN_METRICS = [...Object.keys(BUILTIN_METRICS), ...Object.keys(DERIVED_METRICS)];

class Analysis {
  private readonly byName = new Map<string, Candidate>();
  private readonly resolved = new Map<Candidate, ResolvedCriterion | null>();
  private readonly visiting = new Set<Candidate>();

  constructor(
    private readonly candidates: Candidate[],
    private readonly ctx: CriteriaPlanContext,
    private readonly problems: CriteriaProblem[],
  ) {}

  run(): { rows: ResolvedCriterion[]; problems: CriteriaProblem[] } {
    const labels = new Map<string, Candidate>();
    const ids = new Map<string, Candidate>();
    for (const c of this.candidates) {
      const first = labels.get(c.label);
      if (first !== undefined) {
        this.add(
          c,
          "label",
          `label "${c.label}" is used by another row too (${formatPath(first.path)})`,
          "give each row its own label",
        );
      } else labels.set(c.label, c);
      const id = c.def.id;
      if (id !== undefined) {
        const other = ids.get(id);
        if (other !== undefined)
          this.add(
            c,
            "id",
            `id "${id}" is used by another row too (${formatPath(other.path)})`,
            "give each row its own id",
          );
        else ids.set(id, c);
      }
    }
    for (const [label, c] of labels) this.byName.set(label, c);
    for (const [id, c] of ids) if (!this.byName.has(id)) this.byName.set(id, c);
    const rows: ResolvedCriterion[] = [];
    for (const c of this.candidates) {
      const r = this.resolve(c);
      if (r !== null) rows.push(r);
    }
    return { rows, problems: this.problems };
  }

  private add(c: Candidate, field: string, message: string, hint: string): void {
    const own = field !== "" && (c.fieldPaths === "all" || c.fieldPaths.has(field));
    this.problems.push({
      path: own ? [...c.path, field] : c.path,
      message: own || field === "" ? message : `${field}: ${message}`,
      hint,
    });
  }

  private resolve(c: Candidate): ResolvedCriterion | null {
    if (this.resolved.has(c)) return this.resolved.get(c)!;
    if (this.visiting.has(c)) return null;
    this.visiting.add(c);
    const r = this.resolveRow(c);
    this.visiting.delete(c);
    this.resolved.set(c, r);
    return r;
  }

  private resolveRow(c: Candidate): ResolvedCriterion | null {
    const def = c.def;
    let base: ResolvedCriterion | undefined;
    if (def.of !== undefined) {
      const target = this.byName.get(def.of);
      if (target === undefined) {
        const close = closestMatch(def.of, [...this.byName.keys()]);
        this.add(
          c,
          "of",
          `no row is labelled "${def.of}" or has that id`,
          close !== undefined
            ? `did you mean "${close}"?`
            : "of names another row of this plan by its label or id",
        );
        return null;
      }
      if (target === c || this.visiting.has(target)) {
        this.add(
          c,
          "of",
          `"${def.of}" leads back to this row`,
          "`of` must name a row that does not depend on this one",
        );
        return null;
      }
      const b = this.resolve(target);
      if (b === null) return null;
      base = b;
    }

    // What is measured: the row's own metric, filter and statistic, or those of its `of` row.
    let metric: string;
    let where = toTagMatches(def.where);
    let stat: string;
    if (def.metric !== undefined) {
      const s = parseStat(def.stat);
      if (def.stat === undefined) {
        this.add(c, "stat", "is required with metric", 'e.g. "p(95)", "avg", "rate", "count", "per_second"');
        return null;
      }
      if (!s.ok) return null;
      metric = def.metric;
      stat = s.canonical;
    } else if (base !== undefined) {
      if (def.stat !== undefined || def.where !== undefined) {
        this.add(
          c,
          def.stat !== undefined ? "stat" : "where",
          "needs metric too",
          "give metric, where and stat, or leave all three to the `of` row",
        );
        return null;
      }
      ({ metric, where, stat } = base);
    } else {
      this.add(
        c,
        "",
        "a row needs a metric and a stat (or `of` another row)",
        'e.g. { metric: "http_req_duration", stat: "p(95)", target: "2s" }',
      );
      return null;
    }

    const kind = knownMetricKind(metric, this.ctx.userMetrics);
    if (kind === undefined && !Object.hasOwn(this.ctx.userMetrics, metric)) {
      const close = closestMatch(metric, [...KNOWN_METRICS, ...Object.keys(this.ctx.userMetrics)]);
      if (close !== undefined) {
        this.add(
          c,
          "metric",
          `unknown metric "${metric}"`,
          `did you mean "${close}"? (a metric nothing records has no data, and its row fails)`,
        );
        return null;
      }
    }
    let unit: StatUnit | undefined;
    const parsedStat = parseStat(stat);
    if (kind !== undefined && parsedStat.ok) {
      const u = statUnit(kind, parsedStat.stat, metric);
      if (!u.ok) {
        this.add(c, "stat", u.error, u.hint);
        return null;
      }
      unit = u.unit;
    }

    // Values: as written, or multiples of the `of` row's.
    let ok = true;
    const compare = (key: "target" | "threshold"): Comparison | undefined => {
      const raw = def[key];
      if (raw === undefined) return undefined;
      const parsed = parseCriterionValue(raw);
      if (!parsed.ok) {
        ok = false;
        return undefined;
      }
      const p = parsed.unit === "multiplier" ? parsed : percentValue(metric, parsed);
      if (p.unit === "multiplier") {
        if (base === undefined) {
          this.add(
            c,
            key,
            `${JSON.stringify(raw)} is a multiple of another row's value`,
            "add of: <the other row's label or id>",
          );
          ok = false;
          return undefined;
        }
        const from = key === "target" ? (base.target ?? base.threshold)! : (base.threshold ?? base.target)!;
        const op = p.explicitOp ? p.op : from.op;
        const value = clean(from.value * p.value);
        return { op, value, unit: from.unit, text: `${op}${formatValueBody(value, from.unit)}` };
      }
      if (unit !== undefined && !acceptsUnit(unit, p.unit)) {
        this.add(
          c,
          key,
          `${stat} of ${metric} is ${unitWords(unit)}; ${JSON.stringify(raw)} is ${unitWords(p.unit)}`,
          `write ${unitWords(unit)}`,
        );
        ok = false;
        return undefined;
      }
      if (unit === "ratio" && (p.value < 0 || p.value > 1)) {
        this.add(
          c,
          key,
          `a rate is between 0% and 100% (got ${JSON.stringify(raw)})`,
          'write a percentage ("0.5%") or a ratio between 0 and 1',
        );
        ok = false;
        return undefined;
      }
      return toComparison(p, unit !== undefined ? comparisonUnit(unit) : p.unit);
    };
    let target = compare("target");
    let threshold = compare("threshold");
    if (!ok) return null;
    let relativeTo: ResolvedCriterion["relativeTo"];
    if (base !== undefined) {
      const mult = (v: unknown) => {
        const p = parseCriterionValue(v);
        return p.ok && p.unit === "multiplier" ? p.value : undefined;
      };
      const mt = mult(def.target);
      const mh = mult(def.threshold);
      if (mt !== undefined || mh !== undefined) {
        relativeTo = {
          label: base.label,
          ...(mt !== undefined ? { target: mt } : {}),
          ...(mh !== undefined ? { threshold: mh } : {}),
        };
      }
      if (target === undefined && threshold === undefined) {
        // An `of` row without values judges its window against the other row's values.
        if (base.target !== undefined) target = { ...base.target };
        if (base.threshold !== undefined) threshold = { ...base.threshold };
      }
    }
    if (target === undefined && threshold === undefined) {
      this.add(
        c,
        "",
        "a row needs a target, a threshold or both",
        'e.g. target: "2s", threshold: "5s" (a missing one takes the other\'s value)',
      );
      return null;
    }
    if (target !== undefined && threshold !== undefined && !this.ordered(c, target, threshold)) return null;

    const w = parseWindow(def.window ?? "run");
    if (!w.ok) return null;
    if (!this.windowExists(c, w.window)) return null;
    if (metric === "arrival_rate" && !this.arrivalFilterOk(c, where)) return null;

    let delayAbortEvalMs = 0;
    if (def.delayAbortEval !== undefined) {
      delayAbortEvalMs = parseDuration(def.delayAbortEval);
      if (def.abortOnFail !== true) {
        this.add(
          c,
          "delayAbortEval",
          "only matters with abortOnFail",
          "add abortOnFail: true, or remove delayAbortEval",
        );
        return null;
      }
    }

    const resolved: ResolvedCriterion = {
      label: c.label,
      ...(def.id !== undefined ? { id: def.id } : {}),
      metric,
      where,
      stat,
      ...(target !== undefined ? { target } : {}),
      ...(threshold !== undefined ? { threshold } : {}),
      window: w.window,
      ...(relativeTo !== undefined ? { relativeTo } : {}),
      abortOnFail: def.abortOnFail === true,
      delayAbortEvalMs,
      source: c.source,
      text: rowText(def),
    };
    return resolved;
  }

  /** The threshold must be no stricter than the target, in the same direction. */
  private ordered(c: Candidate, target: Comparison, threshold: Comparison): boolean {
    const dt = directionOf(target.op);
    const dh = directionOf(threshold.op);
    if (dt === "other" || dh === "other") return true;
    if (dt !== dh) {
      this.add(
        c,
        "threshold",
        `compares the other way from the target (${threshold.text} vs ${target.text})`,
        "a target and its threshold are both ceilings (<, <=) or both floors (>, >=)",
      );
      return false;
    }
    const looser =
      dt === "max"
        ? threshold.value > target.value ||
          (threshold.value === target.value && !(threshold.op === "<" && target.op === "<="))
        : threshold.value < target.value ||
          (threshold.value === target.value && !(threshold.op === ">" && target.op === ">="));
    if (!looser) {
      this.add(
        c,
        "threshold",
        `is stricter than the target (${threshold.text} vs ${target.text})`,
        "the threshold is the looser limit: missing the target but meeting the threshold is a warning",
      );
      return false;
    }
    return true;
  }

  private windowExists(c: Candidate, w: ResolvedWindow): boolean {
    const scenarios = this.ctx.scenarios;
    const names = scenarios.map((s) => s.name);
    if (w.kind === "scenario" || (w.kind === "stage" && w.scenario !== undefined)) {
      const name = w.scenario!;
      if (!names.includes(name)) {
        this.add(c, "window", `no scenario "${name}"`, suggest(name, names));
        return false;
      }
    }
    if (w.kind === "stage") {
      const pool = scenarios
        .filter((s) => w.scenario === undefined || s.name === w.scenario)
        .flatMap((s) => s.stages);
      if (!pool.includes(w.stage)) {
        this.add(
          c,
          "window",
          `no stage named "${w.stage}"${w.scenario !== undefined ? ` in scenario ${w.scenario}` : ""}`,
          pool.length > 0
            ? suggest(w.stage, [...new Set(pool)])
            : 'name a stage: stages: [{ duration, target, name: "peak" }]',
        );
        return false;
      }
    }
    return true;
  }

  private arrivalFilterOk(c: Candidate, where: ResolvedCriterion["where"]): boolean {
    const scenarioTags = new Set(["scenario", ...this.ctx.scenarios.flatMap((s) => Object.keys(s.tags))]);
    const bad = where.filter((m) => !scenarioTags.has(m.tag)).map((m) => m.tag);
    if (bad.length > 0) {
      this.add(
        c,
        "where",
        `arrival_rate is planned per scenario; it cannot filter on ${bad.join(", ")}`,
        "filter on scenario (or a scenario's tags) only",
      );
      return false;
    }
    const open = this.ctx.scenarios.filter(
      (s) =>
        s.model === "open" &&
        where.every((m) => {
          const v = m.tag === "scenario" ? s.name : s.tags[m.tag];
          return v === undefined || m.values.includes(v) !== m.negate;
        }),
    );
    if (open.length === 0) {
      this.add(
        c,
        "metric",
        "arrival_rate needs an open-model scenario (constant- or ramping-arrival-rate) in its filter",
        "add one, or judge iterations / dropped_iterations instead",
      );
      return false;
    }
    return true;
  }
}
