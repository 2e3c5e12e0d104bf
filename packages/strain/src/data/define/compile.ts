import { ErrorCodes, StrainError } from "../../errors.js";
import { copyEscape, copyValue, isoDay, NULL } from "../copy-text.js";
import type { ChunkOutput } from "../dataset.js";
import { digits, uuidOf } from "../ids.js";
import { getLocale } from "../locales/index.js";
import type { Locale } from "../locales/locale.js";
import { Rng, streamId, Weighted } from "../rng.js";
import type { GenSpec, PatternPart } from "./generators.js";
import { specOf } from "./generators.js";
import { keyPattern } from "./key-pattern.js";
import { type ColumnRef, type DatasetModel, resolveColumn, splitPath, type TableModel } from "./model.js";
import type { RowContext, RowValues } from "./row-context.js";

/**
 * Compiling a checked dataset model into its `generate` function. Everything that can be decided
 * once is: references become (table state, column index) pairs, dictionaries and choice values are
 * COPY-escaped, small integer ranges and date ranges become string tables. What is left per row is
 * one generated function per table that calls a closure per column (each draws from the table's
 * random stream and returns COPY text) and joins the texts with tabs.
 *
 * Generation walks the tree depth-first, one root row at a time:
 *
 *   root row r:  reseed every table's two streams at (seed, table, r)
 *     row(merchants, key r)          counts of its child tables drawn first (count stream)
 *       columns in order              a sum() column generates that child's rows on the spot
 *       children not generated yet    devices rows, each with its own subtree, then …
 *
 * Each table draws its rows from its own stream and its child counts from a second one, so a table
 * that is skipped (not wanted and nothing below it wanted) changes no other table's rows.
 */

type Emit = (s: TableState) => string;

const TWO_32 = 4294967296;
const DAY_S = 86_400;
// Lookup tables built once (@__PURE__: a plan that imports "strain" without datasets drops them).
const D2: string[] = /* @__PURE__ */ Array.from({ length: 100 }, (_, i) => digits(i, 2));
// String(n) for small counts without a conversion per row.
const SMALL: string[] = /* @__PURE__ */ Array.from({ length: 1024 }, (_, i) => String(i));

/** Uniform integer in [0, span) for any span up to 2^53 (two draws above 2^32). */
function below(rng: Rng, span: number): number {
  if (span <= TWO_32) return Math.floor(rng.next() * span);
  const hi = rng.u32() * 2097152; // 2^21
  const lo = rng.u32() >>> 11;
  return Math.floor(((hi + lo) / 9007199254740992) * span);
}

/** The state of one table while rows are generated: reused for every row (no per-row objects). */
class TableState implements RowContext {
  readonly rng = new Rng();
  /** Draws the number of rows each parent row gets: separate from `rng`, see the file comment. */
  readonly countRng = new Rng();
  readonly stream: number;
  readonly countStream: number;
  key = 0;
  index = 0;
  siblings = 1;
  rootRow = 0;
  /** Scratch: the value of the column just drawn, and for dates and timestamps its epoch seconds. */
  v: unknown = undefined;
  n = Number.NaN;
  readonly texts: string[];
  readonly vals: unknown[];
  readonly nums: Float64Array;
  readonly row: RowValues;
  parent: RowValues | undefined = undefined;
  rows: Record<string, RowValues> = {};

  constructor(
    readonly table: string,
    columns: readonly string[],
    readonly locale: Locale,
  ) {
    this.stream = streamId(table);
    this.countStream = streamId(`${table}\u0000count`);
    this.texts = columns.map(() => "");
    this.vals = columns.map(() => undefined);
    this.nums = new Float64Array(columns.length);
    // Getters over `vals`: derive() reads a row by name without an object built per row.
    const row: Record<string, unknown> = {};
    const vals = this.vals;
    columns.forEach((c, i) => {
      Object.defineProperty(row, c, { get: () => vals[i], enumerable: true });
    });
    this.row = Object.freeze(row);
  }
}

/** A table while generating: its state, compiled columns, and the children of this load. */
class TableRuntime {
  readonly state: TableState;
  emitters: Emit[] = [];
  /** Draws every column of the current row into the state; returns the COPY line. */
  build: (s: TableState) => string = () => "";
  readonly children: TableRuntime[] = [];
  /** Children whose count this table's columns read (childCount) — drawn even when not loaded. */
  readonly countedChildren = new Set<TableRuntime>();
  /** Children a sum() of this table needs generated. */
  readonly summedChildren = new Set<TableRuntime>();
  // Per generate() call:
  wanted = false;
  active = false;
  activeChildren: TableRuntime[] = [];
  countChildren: TableRuntime[] = [];
  /** Rows drawn for the current parent row, and whether they were generated yet. */
  pending = 0;
  done = true;
  /** Running sums over this table's rows under the current parent row (for the parent's sum()). */
  accCols: number[] = [];
  accs = new Float64Array(0);
  readonly maxCount: number;
  readonly drawCount: () => number;

  constructor(
    readonly model: TableModel,
    locale: Locale,
  ) {
    this.state = new TableState(
      model.name,
      model.columns.map((c) => c.name),
      locale,
    );
    this.maxCount = model.count.maxCount;
    const { min, max, weighted } = model.count;
    const r = this.state.countRng;
    if (weighted !== undefined) {
      const values = weighted.values;
      this.drawCount = () => values[weighted.indexOf(r.u32())]!;
    } else if (min === max) this.drawCount = () => min;
    else this.drawCount = () => r.int(min, max);
  }

  /** Register a running sum of column `col` for the parent; returns its slot. */
  addAccumulator(col: number): number {
    this.accCols.push(col);
    this.accs = new Float64Array(this.accCols.length);
    return this.accCols.length - 1;
  }
}

/** The compiled dataset: `generate` of DatasetDefinition. */
export class CompiledDataset {
  private readonly runtimes: TableRuntime[];
  private readonly byName = new Map<string, TableRuntime>();
  private out: ChunkOutput = { wants: () => false, row: () => undefined };

  constructor(private readonly model: DatasetModel) {
    this.runtimes = model.tables.map((t) => new TableRuntime(t, model.locale));
    for (const rt of this.runtimes) {
      this.byName.set(rt.model.name, rt);
      if (rt.model.parent !== undefined) this.byName.get(rt.model.parent.name)!.children.push(rt);
    }
    for (const rt of this.runtimes) {
      const s = rt.state;
      const lineage: TableRuntime[] = [];
      for (let t: TableModel | undefined = rt.model; t !== undefined; t = t.parent)
        lineage.push(this.byName.get(t.name)!);
      for (const a of lineage) s.rows[a.model.name] = a.state.row;
      s.parent = lineage[1]?.state.row;
      rt.emitters = rt.model.columns.map((c, i) => this.compile(c.spec, rt, i, `${rt.model.name}.${c.name}`));
    }
    const resetVals = model.tables.some((t) => t.columns.some((c) => readsRow(c.spec)));
    for (const rt of this.runtimes) rt.build = rowFunction(rt, resetVals);
  }

  /** Write every row under root rows [first, first + count) to `out` (see DatasetDefinition). */
  generate(first: number, count: number, seed: number, out: ChunkOutput): void {
    this.out = out;
    const rts = this.runtimes;
    for (const rt of rts) rt.wanted = out.wants(rt.model.index);
    // Active: wanted, or an ancestor of a wanted table (children come after parents: one reverse pass).
    for (let i = rts.length - 1; i >= 0; i--) {
      const rt = rts[i]!;
      rt.active = rt.wanted || rt.children.some((c) => c.active);
    }
    // …and the children an active table sums over, whose rows are needed even if not loaded.
    for (const rt of rts) if (rt.active) for (const c of rt.summedChildren) c.active = true;
    const reseed: TableRuntime[] = [];
    for (const rt of rts) {
      rt.activeChildren = rt.children.filter((c) => c.active);
      rt.countChildren = rt.children.filter((c) => c.active || rt.countedChildren.has(c));
    }
    for (const rt of rts) if (rt.active) reseed.push(rt, ...rt.countChildren.filter((c) => !c.active));
    const root = rts[0]!;
    if (!root.active) return;
    root.state.siblings = 1;
    for (let r = first; r < first + count; r++) {
      for (let i = 0; i < reseed.length; i++) {
        const s = reseed[i]!.state;
        s.rng.reseed(seed, s.stream, r);
        s.countRng.reseed(seed, s.countStream, r);
        s.rootRow = r;
      }
      this.row(root, r, 0);
    }
  }

  private row(t: TableRuntime, key: number, index: number): void {
    const s = t.state;
    s.key = key;
    s.index = index;
    const cc = t.countChildren;
    for (let i = 0; i < cc.length; i++) {
      const c = cc[i]!;
      c.pending = c.drawCount();
      c.done = false;
    }
    const line = t.build(s);
    if (t.wanted) this.out.row(t.model.index, line);
    const acc = t.accCols;
    for (let i = 0; i < acc.length; i++) {
      const v = s.vals[acc[i]!];
      if (v !== null && v !== undefined) t.accs[i]! += Number(v);
    }
    const ac = t.activeChildren;
    for (let i = 0; i < ac.length; i++) {
      const c = ac[i]!;
      if (!c.done) this.children(c, key);
    }
  }

  private children(c: TableRuntime, parentKey: number): void {
    c.done = true;
    const n = c.pending;
    c.state.siblings = n;
    c.accs.fill(0);
    const base = parentKey * c.maxCount;
    for (let k = 0; k < n; k++) this.row(c, base + k, k);
  }

  private ref(
    rt: TableRuntime,
    at: number,
    path: string,
    bare: "parent" | "self",
  ): ColumnRef & { state: TableState } {
    const r = resolveColumn(this.model, rt.model, at, path, bare);
    // buildModel resolved every reference already; failing here is a bug.
    if (Array.isArray(r)) throw new StrainError(ErrorCodes.INTERNAL, `unresolved reference ${path}: ${r[0]}`);
    return { ...r, state: this.byName.get(r.table.name)!.state };
  }

  private localeOf(code: string | undefined): Locale {
    return code === undefined ? this.model.locale : getLocale(code);
  }

  /** One generator → one closure returning COPY text and leaving its value in `s.v` (and `s.n`). */
  private compile(g: GenSpec, rt: TableRuntime, at: number, where: string): Emit {
    switch (g.kind) {
      case "choice": {
        const values = g.values;
        const texts = values.map((v) => copyValue(v));
        const n = values.length;
        if (g.weights.every((w) => w === g.weights[0])) {
          return (s) => {
            const i = Math.floor(s.rng.next() * n);
            s.v = values[i];
            return texts[i]!;
          };
        }
        const w = new Weighted(values.map((_, i) => [i, g.weights[i]!] as const));
        return (s) => {
          const i = w.indexOf(s.rng.u32());
          s.v = values[i];
          return texts[i]!;
        };
      }
      case "int": {
        const { min } = g;
        const span = g.max - g.min + 1;
        if (span <= 4096) {
          const texts = Array.from({ length: span }, (_, i) => String(min + i));
          return (s) => {
            const i = Math.floor(s.rng.next() * span);
            s.v = min + i;
            return texts[i]!;
          };
        }
        return (s) => {
          const x = min + below(s.rng, span);
          s.v = x;
          return String(x);
        };
      }
      case "real": {
        const f = 10 ** g.decimals;
        const lo = Math.round(g.min * f);
        const span = Math.round(g.max * f) - lo + 1;
        const d = g.decimals;
        return (s) => {
          const units = lo + below(s.rng, span);
          s.v = units / f;
          return fixedUnits(units, d, f);
        };
      }
      case "date": {
        const { from } = g;
        const span = g.to - g.from + 1;
        const texts = span <= 100_000 ? Array.from({ length: span }, (_, i) => isoDay(from + i)) : undefined;
        return (s) => {
          const day = from + below(s.rng, span);
          const t = texts === undefined ? isoDay(day) : texts[day - from]!;
          s.v = t;
          s.n = day * DAY_S;
          return t;
        };
      }
      case "timestamp": {
        if (g.after !== undefined) {
          const r = this.ref(rt, at, g.after.column, "self");
          const nums = r.state.nums;
          const j = r.column;
          const { min } = g.after;
          const span = g.after.max - min + 1;
          return (s) => {
            const base = nums[j]!;
            if (Number.isNaN(base)) {
              s.v = null;
              return NULL;
            }
            const sec = base + min + below(s.rng, span);
            const t = timestampText(sec);
            s.v = t;
            s.n = sec;
            return t;
          };
        }
        const { from } = g;
        const span = g.to - g.from + 1;
        const firstDay = Math.floor(from / DAY_S);
        const dayCount = Math.floor(g.to / DAY_S) - firstDay + 1;
        const days =
          dayCount <= 100_000 ? Array.from({ length: dayCount }, (_, i) => isoDay(firstDay + i)) : undefined;
        return (s) => {
          const sec = from + below(s.rng, span);
          const t = timestampText(sec, days, firstDay);
          s.v = t;
          s.n = sec;
          return t;
        };
      }
      case "bool": {
        const { p } = g;
        return (s) => {
          const b = s.rng.next() < p;
          s.v = b;
          return b ? "t" : "f";
        };
      }
      case "uuid": {
        const salt = streamId(where);
        return (s) => {
          const t = uuidOf(s.key, salt);
          s.v = t;
          return t;
        };
      }
      case "sequence": {
        const { start, width } = g;
        const prefix = copyEscape(g.prefix);
        if (prefix === "" && width === 0) {
          return (s) => {
            const x = start + s.key;
            s.v = x;
            return String(x);
          };
        }
        return (s) => {
          const t = prefix + digits(start + s.key, width);
          s.v = t;
          return t;
        };
      }
      case "pattern":
        if (g.keyDerived) {
          const spell = keyPattern(g.parts, streamId(where));
          return (s) => {
            const t = spell(s.key);
            s.v = t;
            return t;
          };
        }
        return randomPattern(g.parts);
      case "firstName":
      case "lastName":
      case "fullName": {
        const loc = this.localeOf(g.options.locale);
        const last = dictionary(loc.surnames);
        if (g.kind === "lastName") return (s) => last.pick(s);
        const male = dictionary(loc.maleFirstNames);
        const female = dictionary(loc.femaleFirstNames);
        let first: Emit;
        if (g.options.gender === "male") first = (s) => male.pick(s);
        else if (g.options.gender === "female") first = (s) => female.pick(s);
        else if (g.options.genderFrom !== undefined) {
          const r = this.ref(rt, at, g.options.genderFrom, "self");
          const vals = r.state.vals;
          const j = r.column;
          first = (s) => (isFemale(vals[j]) ? female.pick(s) : male.pick(s));
        } else {
          first = (s) => (s.rng.next() < 0.5 ? male.pick(s) : female.pick(s));
        }
        if (g.kind === "firstName") return first;
        return (s) => {
          const a = first(s);
          const av = s.v as string;
          const b = last.pick(s);
          s.v = `${av} ${s.v as string}`;
          return `${a} ${b}`;
        };
      }
      case "phone": {
        const loc = this.localeOf(g.locale);
        const prefix = copyEscape(loc.phone.prefix);
        const n = loc.phone.digits;
        return (s) => {
          let t = prefix;
          let left = n;
          while (left > 0) {
            const k = Math.min(9, left);
            t += digits(Math.floor(s.rng.next() * 10 ** k), k);
            left -= k;
          }
          s.v = t;
          return t;
        };
      }
      case "email": {
        const loc = this.localeOf(g.locale);
        const firsts = [...loc.maleFirstNames, ...loc.femaleFirstNames].map(asciiWord);
        const lasts = loc.surnames.map(asciiWord);
        const at = `@${g.domain.toLowerCase()}`;
        const nf = firsts.length;
        const nl = lasts.length;
        if (g.keyDerived) {
          return (s) => {
            const t = `${firsts[Math.floor(s.rng.next() * nf)]}.${lasts[Math.floor(s.rng.next() * nl)]}.${s.key.toString(36)}${at}`;
            s.v = t;
            return t;
          };
        }
        return (s) => {
          const t = `${firsts[Math.floor(s.rng.next() * nf)]}.${lasts[Math.floor(s.rng.next() * nl)]}${1 + Math.floor(s.rng.next() * 999)}${at}`;
          s.v = t;
          return t;
        };
      }
      case "ref": {
        const r = this.ref(rt, at, g.path, "parent");
        const { texts, vals, nums } = r.state;
        const j = r.column;
        return (s) => {
          s.v = vals[j];
          s.n = nums[j]!;
          return texts[j]!;
        };
      }
      case "derive": {
        const fn = g.fn;
        return (s) => {
          const v = fn(s.row, s);
          s.v = v;
          return copyValue(v);
        };
      }
      case "constant": {
        const value = g.value;
        const text = copyValue(value);
        return (s) => {
          s.v = value;
          return text;
        };
      }
      case "nullable": {
        const { p } = g;
        const inner = this.compile(g.inner, rt, at, where);
        if (typeof p === "function") {
          return (s) => {
            if (p(s.row, s)) {
              s.v = null;
              return NULL;
            }
            return inner(s);
          };
        }
        return (s) => {
          if (s.rng.next() < p) {
            s.v = null;
            return NULL;
          }
          return inner(s);
        };
      }
      case "json": {
        const build = this.jsonBuilder(g.shape, rt, at, where);
        return (s) => {
          const v = build(s);
          s.v = v;
          return copyEscape(JSON.stringify(v));
        };
      }
      case "array": {
        const inner = this.compile(g.inner, rt, at, where);
        const { min } = g;
        const span = g.max - g.min + 1;
        return (s) => {
          const n = min + Math.floor(s.rng.next() * span);
          const items: unknown[] = new Array(n);
          let t = "{";
          for (let k = 0; k < n; k++) {
            inner(s);
            items[k] = s.v;
            t += k === 0 ? arrayElement(s.v) : `,${arrayElement(s.v)}`;
          }
          s.v = items;
          s.n = Number.NaN;
          return copyEscape(`${t}}`);
        };
      }
      case "childCount": {
        const c = this.byName.get(g.table)!;
        rt.countedChildren.add(c);
        return (s) => {
          const n = c.pending;
          s.v = n;
          return n < SMALL.length ? SMALL[n]! : String(n);
        };
      }
      case "sum": {
        const [tableName, column] = splitPath(g.path);
        const c = this.byName.get(tableName!)!;
        const col = c.model.columns.findIndex((x) => x.name === column);
        rt.summedChildren.add(c);
        const slot = c.addAccumulator(col);
        const d = g.decimals ?? sumDecimals(this.model, c.model, col);
        const f = d === undefined ? 0 : 10 ** d;
        return (s) => {
          if (!c.done) this.children(c, s.key);
          const total = c.accs[slot]!;
          if (d === undefined) {
            s.v = total;
            return String(total);
          }
          const units = Math.round(total * f);
          s.v = units / f;
          return fixedUnits(units, d, f);
        };
      }
    }
  }

  /** A function building the value of a json() shape for the current row. */
  private jsonBuilder(
    shape: unknown,
    rt: TableRuntime,
    at: number,
    where: string,
  ): (s: TableState) => unknown {
    const g = specOf(shape);
    if (g !== undefined) {
      const emit = this.compile(g, rt, at, where);
      return (s) => {
        emit(s);
        return s.v;
      };
    }
    if (Array.isArray(shape)) {
      const items = shape.map((x, i) => this.jsonBuilder(x, rt, at, `${where}[${i}]`));
      return (s) => items.map((b) => b(s));
    }
    if (typeof shape === "object" && shape !== null && !(shape instanceof Date)) {
      const entries = Object.entries(shape).map(
        ([k, x]) => [k, this.jsonBuilder(x, rt, at, `${where}.${k}`)] as const,
      );
      return (s) => {
        const o: Record<string, unknown> = {};
        for (const [k, b] of entries) o[k] = b(s);
        return o;
      };
    }
    return () => shape;
  }
}

/** True when the generator runs user code that can read rows (derive, a nullable test). */
function readsRow(g: GenSpec): boolean {
  if (g.kind === "derive") return true;
  if (g.kind === "nullable") return typeof g.p === "function" || readsRow(g.inner);
  if (g.kind === "array") return readsRow(g.inner);
  if (g.kind === "json") {
    let found = false;
    const walk = (v: unknown): void => {
      const x = specOf(v);
      if (x !== undefined) found ||= readsRow(x);
      else if (typeof v === "object" && v !== null) Object.values(v).forEach(walk);
    };
    walk(g.shape);
    return found;
  }
  return false;
}

/** True when the generator leaves epoch seconds in `s.n` (another column may be `after` it). */
function isTemporalSpec(g: GenSpec): boolean {
  return (
    g.kind === "date" ||
    g.kind === "timestamp" ||
    g.kind === "ref" ||
    (g.kind === "nullable" && isTemporalSpec(g.inner))
  );
}

/**
 * The table's row function, generated once: one call site per column, so V8 can inline each
 * column's closure (1.8 → 1.6 µs CPU per POS-example row against a loop over an array of closures,
 * whose one call site sees every kind). Before user code can look at the row, columns not drawn
 * yet are cleared, so a stale value of the previous row (which depends on where a chunk starts) is
 * never visible.
 */
function rowFunction(rt: TableRuntime, resetVals: boolean): (s: TableState) => string {
  const cols = rt.model.columns;
  const body: string[] = ["return function row(s) {", "const texts = s.texts, vals = s.vals, nums = s.nums;"];
  if (resetVals) for (let i = 0; i < cols.length; i++) body.push(`vals[${i}] = undefined;`);
  for (let i = 0; i < cols.length; i++) {
    const temporal = isTemporalSpec(cols[i]!.spec);
    if (temporal) body.push("s.n = NaN;");
    body.push(`texts[${i}] = e${i}(s);`, `vals[${i}] = s.v;`);
    if (temporal) body.push(`nums[${i}] = s.n;`);
  }
  // One flat string: a `+` chain leaves a tree of ~20 cons strings per line, and with a chunk's
  // lines held until its COPY, scavenging those trees cost more than the join (4.8 vs 1.9 µs/row).
  body.push('return texts.join("\\t");', "};");
  const names = cols.map((_, i) => `e${i}`);
  // Generated from column indexes only, never from user text.
  return new Function(...names, body.join("\n"))(...rt.emitters) as (s: TableState) => string;
}

/** Decimals a sum over column `col` of `t` prints: the summed column's own, 0 for integers. */
function sumDecimals(model: DatasetModel, t: TableModel, col: number): number | undefined {
  const g = t.columns[col]!.spec;
  const of = (x: GenSpec): number | undefined => {
    switch (x.kind) {
      case "real":
        return x.decimals;
      case "int":
      case "childCount":
      case "sequence":
      case "choice":
      case "constant":
        return 0;
      case "nullable":
        return of(x.inner);
      case "sum":
        return (
          x.decimals ??
          (() => {
            const [tn, cn] = splitPath(x.path);
            const c = model.byName.get(tn!)!;
            return sumDecimals(
              model,
              c,
              c.columns.findIndex((y) => y.name === cn),
            );
          })()
        );
      case "ref": {
        const r = resolveColumn(model, t, col, x.path, "parent");
        return Array.isArray(r) ? undefined : sumDecimals(model, r.table, r.column);
      }
      default:
        return undefined;
    }
  };
  return of(g);
}

/** `units / 10^d` written with exactly `d` decimals, from integers (no float formatting). */
function fixedUnits(units: number, d: number, f: number): string {
  if (d === 0) return String(units);
  const neg = units < 0;
  const a = neg ? -units : units;
  const whole = Math.floor(a / f);
  const t = `${whole}.${digits(a - whole * f, d)}`;
  return neg ? `-${t}` : t;
}

// "THH:MM:" for each minute of a day and "SSZ" for each second: a timestamp is three concatenations.
const HOUR_MINUTE: string[] = /* @__PURE__ */ Array.from(
  { length: 1440 },
  (_, i) => `T${D2[Math.floor(i / 60)]}:${D2[i % 60]}:`,
);
const SECOND: string[] = /* @__PURE__ */ Array.from({ length: 60 }, (_, i) => `${D2[i]}Z`);

/** `YYYY-MM-DDTHH:MM:SSZ` of epoch seconds; `days` holds the day texts from `firstDay` on, when given. */
function timestampText(sec: number, days?: readonly string[], firstDay = 0): string {
  const day = Math.floor(sec / DAY_S);
  const r = sec - day * DAY_S;
  const minute = Math.floor(r / 60);
  const d = days === undefined ? isoDay(day) : days[day - firstDay]!;
  return d + HOUR_MINUTE[minute]! + SECOND[r - minute * 60]!;
}

function isFemale(v: unknown): boolean {
  if (typeof v !== "string") return false;
  const l = v.toLowerCase();
  return l === "f" || l === "female";
}

/** A word list escaped once; `pick` draws one entry (value: the raw word). */
function dictionary(words: readonly string[]): { pick(s: TableState): string } {
  const raw = [...words];
  const escaped = raw.map(copyEscape);
  const n = raw.length;
  return {
    pick(s) {
      const i = Math.floor(s.rng.next() * n);
      s.v = raw[i];
      return escaped[i]!;
    },
  };
}

/** A name as an e-mail local part: accents dropped, lower case, letters only. */
function asciiWord(name: string): string {
  const w = name
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z]/g, "");
  return w === "" ? "user" : w;
}

/** One element of a PostgreSQL array literal (before COPY escaping). */
function arrayElement(v: unknown): string {
  if (v === null || v === undefined) return "NULL";
  if (typeof v === "number") return String(v);
  if (typeof v === "boolean") return v ? "t" : "f";
  const s = typeof v === "string" ? v : JSON.stringify(v);
  return `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** Random digits and letters in a pattern's slots: char codes filled in, one string built (99 vs 116 ns). */
function randomPattern(parts: readonly PatternPart[]): Emit {
  const codes: number[] = [];
  const slotAt: number[] = [];
  const radix: number[] = [];
  for (const p of parts) {
    if ("lit" in p) for (let i = 0; i < p.lit.length; i++) codes.push(p.lit.charCodeAt(i));
    else {
      slotAt.push(codes.length);
      radix.push(p.radix);
      codes.push(0);
    }
  }
  const m = slotAt.length;
  return (s) => {
    for (let k = 0; k < m; k++) {
      const r = radix[k]!;
      codes[slotAt[k]!] = (r === 10 ? 48 : 65) + Math.floor(s.rng.next() * r);
    }
    const t = String.fromCharCode.apply(null, codes);
    s.v = t;
    return t;
  };
}
