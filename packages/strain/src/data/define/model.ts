import { ErrorCodes, StrainError } from "../../errors.js";
import { suggest } from "../../plan/did-you-mean.js";
import { formatProblem, type PlanProblem } from "../../plan/problem.js";
import { getLocale, LOCALES } from "../locales/index.js";
import type { Locale } from "../locales/locale.js";
import { Weighted } from "../rng.js";
import { type GenSpec, specOf } from "./generators.js";
import { keySpace } from "./key-pattern.js";
import type { CountSpec, DatasetSpec, TableSpec } from "./spec.js";

/**
 * A dataset spec checked and resolved: tables in load order with their tree links, count
 * distributions prepared, every column reference resolved. Checking collects every problem and
 * throws one `STRAIN_ERR_DATASET_INVALID` listing them all, like the plan validator.
 *
 * Row keys (see ids.ts): root rows are 0…N-1; a child row's key is `parentKey × maxCount + k`, so a
 * table's keys stay below `N × keySpan` (keySpan = product of maxCount from the root down). That
 * bounds `--scale` (`maxScale`) so keys stay exact integers (< 2^53) and unique patterns have room.
 */

export interface CountModel {
  /** Largest count drawn (≥ 1, it spaces the keys). */
  readonly maxCount: number;
  readonly mean: number;
  /** Fixed count, or uniform [min, max] when `weighted` is undefined and min < max. */
  readonly min: number;
  readonly max: number;
  readonly weighted: Weighted<number> | undefined;
}

export interface ColumnModel {
  readonly name: string;
  readonly spec: GenSpec;
}

export interface TableModel {
  readonly name: string;
  /** Position in load order (= index in DatasetDefinition.tables). */
  readonly index: number;
  readonly parent: TableModel | undefined;
  readonly children: TableModel[];
  readonly count: CountModel;
  readonly columns: readonly ColumnModel[];
  readonly unique: readonly string[];
  /** Product of maxCount from the root down to this table: keys are < scale × keySpan. */
  readonly keySpan: number;
  /** Expected rows per root row. */
  readonly rowsPerRoot: number;
}

export interface DatasetModel {
  readonly spec: DatasetSpec;
  readonly tables: readonly TableModel[];
  readonly byName: ReadonlyMap<string, TableModel>;
  /** Every table name the spec declares (some may be left out of `tables` for their problems). */
  readonly declared: ReadonlySet<string>;
  readonly locale: Locale;
  readonly maxScale: number;
}

/** Where a column reference points: a table and a column index in it. */
export interface ColumnRef {
  readonly table: TableModel;
  readonly column: number;
}

const TWO_53 = 2 ** 53;
const TABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$/;
const COLUMN_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const KEY_DERIVED = "uuid(), sequence(), pattern(…, { unique: true }) or email({ unique: true })";
const DEFAULT_LOCALE = "ke";
const NOT_A_GENERATOR: GenSpec = { kind: "constant", value: null, problems: [], keyDerived: false };

type Problems = PlanProblem[];

function problem(out: Problems, path: readonly PropertyKey[], message: string, hint: string): void {
  out.push({ path, message, hint });
}

/** Check `spec` and resolve it; throws STRAIN_ERR_DATASET_INVALID listing every problem. */
export function buildModel(spec: DatasetSpec): DatasetModel {
  const problems: Problems = [];
  const s = (typeof spec === "object" && spec !== null ? spec : {}) as Partial<DatasetSpec>;
  checkHeader(s, problems);
  const locale = resolveLocale(s.locale, ["locale"], problems) ?? getLocale(DEFAULT_LOCALE);

  const rawTables = (typeof s.tables === "object" && s.tables !== null ? s.tables : {}) as Record<
    string,
    TableSpec
  >;
  const names = Object.keys(rawTables);
  if (names.length === 0) problem(problems, ["tables"], "no tables", "declare at least the root table");

  // Per-table shape: name, count, columns (generators and their own argument problems).
  const counts = new Map<string, CountModel>();
  for (const name of names) {
    const t = rawTables[name] as Partial<TableSpec> | undefined;
    const path = ["tables", name];
    if (!TABLE_NAME.test(name))
      problem(
        problems,
        path,
        `"${name}" is not a table name`,
        "use a SQL identifier, optionally schema-qualified (pos.orders)",
      );
    if (typeof t !== "object" || t === null) {
      problem(problems, path, "must be an object { parent?, count?, columns, unique? }", "see docs/data.md");
      continue;
    }
    for (const key of Object.keys(t))
      if (!["parent", "count", "columns", "unique"].includes(key))
        problem(
          problems,
          [...path, key],
          "unknown field",
          suggest(key, ["parent", "count", "columns", "unique"]),
        );
    counts.set(name, parseCount(t.count, t.parent !== undefined, [...path, "count"], problems));
    const cols = t.columns;
    if (typeof cols !== "object" || cols === null || Object.keys(cols).length === 0) {
      problem(
        problems,
        [...path, "columns"],
        "no columns",
        "give each column a generator: { id: uuid(), … }",
      );
      continue;
    }
    for (const [col, g] of Object.entries(cols)) {
      const cpath = [...path, "columns", col];
      if (!COLUMN_NAME.test(col))
        problem(
          problems,
          cpath,
          `"${col}" is not a column name`,
          "use a SQL identifier (letters, digits, _)",
        );
      const gs = specOf(g);
      if (gs === undefined) {
        problem(
          problems,
          cpath,
          "is not a generator",
          "use a gen builder; for a fixed value write constant(value)",
        );
        continue;
      }
      checkSpecTree(gs, cpath, problems, locale, true);
    }
  }

  // The tree: root, parents, cycles, reachability. Column checks need it, so they wait for it.
  const root = typeof s.root === "string" ? s.root : "";
  const tree = checkTree(rawTables, names, root, problems);
  let model: DatasetModel | undefined;
  if (tree !== undefined) {
    model = assemble(s as DatasetSpec, rawTables, tree, counts, locale);
    for (const t of model.tables) checkColumns(model, t, problems);
  }

  if (problems.length > 0 || model === undefined) {
    const lines = [...new Set(problems.map(formatProblem))];
    const who = typeof s.name === "string" && s.name !== "" ? `dataset ${s.name}` : "dataset";
    throw new StrainError(
      ErrorCodes.DATASET_INVALID,
      `${who} is invalid: ${lines.length} problem${lines.length === 1 ? "" : "s"}`,
      { details: lines, hint: "fix each line above; docs/data.md describes every dataset field" },
    );
  }
  return model;
}

function checkHeader(s: Partial<DatasetSpec>, problems: Problems): void {
  if (typeof s.name !== "string" || s.name.trim() === "")
    problem(
      problems,
      ["name"],
      "missing",
      "name the dataset (shown in progress and stored in the load ledger)",
    );
  if (typeof s.description !== "string")
    problem(problems, ["description"], "missing", "one sentence for strain data --list");
  if (typeof s.version !== "number" || !Number.isSafeInteger(s.version) || s.version < 1)
    problem(
      problems,
      ["version"],
      `must be an integer ≥ 1 (got ${String(s.version)})`,
      "bump it whenever the generated rows change",
    );
  if (typeof s.root !== "string" || s.root === "")
    problem(problems, ["root"], "missing", "name the table --scale counts");
  if (s.chunkRoots !== undefined && (!Number.isSafeInteger(s.chunkRoots) || s.chunkRoots < 1))
    problem(
      problems,
      ["chunkRoots"],
      `must be an integer ≥ 1 (got ${String(s.chunkRoots)})`,
      "root rows per transaction",
    );
  if (s.afterLoad !== undefined && typeof s.afterLoad !== "function")
    problem(problems, ["afterLoad"], "must be a function (tables) => sql[]", "or leave it out");
  const known = ["name", "description", "version", "root", "tables", "locale", "chunkRoots", "afterLoad"];
  for (const key of Object.keys(s))
    if (!known.includes(key)) problem(problems, [key], "unknown field", suggest(key, known));
}

function resolveLocale(code: unknown, path: readonly PropertyKey[], problems: Problems): Locale | undefined {
  if (code === undefined) return undefined;
  try {
    return getLocale(String(code));
  } catch {
    problem(
      problems,
      path,
      `unknown locale ${JSON.stringify(code)}`,
      suggest(String(code), Object.keys(LOCALES)),
    );
    return undefined;
  }
}

/** Argument problems of a generator and of those nested in it; sum/childCount only at the top. */
function checkSpecTree(
  g: GenSpec,
  path: readonly PropertyKey[],
  problems: Problems,
  locale: Locale,
  top: boolean,
): void {
  for (const p of g.problems) problem(problems, path, p, "see the generator's description in docs/data.md");
  if (!top && (g.kind === "sum" || g.kind === "childCount"))
    problem(
      problems,
      path,
      `${g.kind}() must be a column of its own`,
      "do not nest it in nullable, array or json",
    );
  switch (g.kind) {
    case "nullable":
    case "array":
      checkSpecTree(g.inner, path, problems, locale, false);
      break;
    case "json":
      for (const leaf of jsonLeaves(g.shape)) checkSpecTree(leaf, path, problems, locale, false);
      break;
    case "firstName":
    case "lastName":
    case "fullName":
      resolveLocale(g.options.locale, path, problems);
      break;
    case "phone":
    case "email":
      resolveLocale(g.locale, path, problems);
      break;
  }
}

/** The generators inside a json() shape. */
export function jsonLeaves(shape: unknown): GenSpec[] {
  const out: GenSpec[] = [];
  const walk = (v: unknown): void => {
    const g = specOf(v);
    if (g !== undefined) out.push(g);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (typeof v === "object" && v !== null && !(v instanceof Date)) Object.values(v).forEach(walk);
  };
  walk(shape);
  return out;
}

function parseCount(
  c: CountSpec | undefined,
  hasParent: boolean,
  path: readonly PropertyKey[],
  problems: Problems,
): CountModel {
  const fixed = (n: number): CountModel => ({
    maxCount: Math.max(1, n),
    mean: n,
    min: n,
    max: n,
    weighted: undefined,
  });
  if (c === undefined) return fixed(1);
  if (!hasParent) {
    problem(
      problems,
      path,
      "count without a parent",
      "only child tables have a count (rows per parent row); --scale counts the root's rows",
    );
    return fixed(1);
  }
  const countHint = "a number, { min, max }, or weights by count such as { 1: 90, 2: 8, 3: 2 }";
  if (typeof c === "number") {
    if (!Number.isSafeInteger(c) || c < 0) {
      problem(problems, path, `must be an integer ≥ 0 (got ${c})`, countHint);
      return fixed(1);
    }
    return fixed(c);
  }
  if (typeof c !== "object" || c === null) {
    problem(problems, path, `must be ${countHint}`, countHint);
    return fixed(1);
  }
  const keys = Object.keys(c);
  if (keys.includes("min") || keys.includes("max")) {
    const { min, max } = c as { min?: unknown; max?: unknown };
    const ok = (n: unknown): n is number => typeof n === "number" && Number.isSafeInteger(n) && n >= 0;
    if (!ok(min) || !ok(max) || keys.length !== 2) {
      problem(problems, path, "{ min, max } needs both, as integers ≥ 0, and nothing else", countHint);
      return fixed(1);
    }
    if (min > max) {
      problem(problems, path, `min ${min} exceeds max ${max}`, "swap them");
      return fixed(1);
    }
    return { maxCount: Math.max(1, max), mean: (min + max) / 2, min, max, weighted: undefined };
  }
  const entries: [number, number][] = [];
  for (const k of keys) {
    const n = Number(k);
    const w = (c as Record<string, unknown>)[k];
    if (!/^\d+$/.test(k) || !Number.isSafeInteger(n))
      problem(problems, [...path, k], `"${k}" is not a row count`, countHint);
    else if (typeof w !== "number" || !Number.isFinite(w) || w < 0)
      problem(problems, [...path, n], `weight must be a finite number ≥ 0 (got ${String(w)})`, countHint);
    else entries.push([n, w]);
  }
  if (entries.length !== keys.length) return fixed(1);
  const total = entries.reduce((a, [, w]) => a + w, 0);
  if (entries.length === 0 || total <= 0) {
    problem(problems, path, "the weights add up to 0", countHint);
    return fixed(1);
  }
  const weighted = new Weighted(entries);
  const drawn = entries.filter(([, w]) => w > 0).map(([n]) => n);
  return {
    maxCount: Math.max(1, ...drawn),
    mean: weighted.mean(),
    min: Math.min(...drawn),
    max: Math.max(...drawn),
    weighted,
  };
}

/** Tables in load order (parents first, then declaration order), or undefined when the tree is broken. */
function checkTree(
  raw: Record<string, TableSpec>,
  names: readonly string[],
  root: string,
  problems: Problems,
): string[] | undefined {
  const before = problems.length;
  if (root !== "" && !names.includes(root))
    problem(problems, ["root"], `"${root}" is not one of the tables`, suggest(root, names));
  const parentOf = new Map<string, string | undefined>();
  for (const name of names) {
    const t = raw[name];
    const parent = typeof t === "object" && t !== null ? t.parent : undefined;
    if (parent !== undefined && typeof parent !== "string") {
      problem(
        problems,
        ["tables", name, "parent"],
        "must be a table name",
        "name the table whose rows these hang from",
      );
      continue;
    }
    parentOf.set(name, parent);
    if (name === root) {
      if (parent !== undefined)
        problem(
          problems,
          ["tables", name, "parent"],
          `the root table has a parent (${parent})`,
          "the root table's rows are counted by --scale; remove its parent or choose another root",
        );
    } else if (parent === undefined) {
      if (!names.includes(root)) continue; // the root is wrong, not this table
      problem(
        problems,
        ["tables", name],
        "has no parent",
        `every table but the root (${root || "?"}) hangs from a parent: add parent: "…"`,
      );
    } else if (!names.includes(parent)) {
      problem(problems, ["tables", name, "parent"], `unknown table "${parent}"`, suggest(parent, names));
    } else if (parent === name) {
      problem(problems, ["tables", name, "parent"], "a table cannot be its own parent", "name another table");
    }
  }
  // Cycles: follow parents from each table; a revisit within one walk is a cycle.
  const reported = new Set<string>();
  for (const name of names) {
    const seen: string[] = [];
    let cur: string | undefined = name;
    while (cur !== undefined && !seen.includes(cur)) {
      seen.push(cur);
      const p = parentOf.get(cur);
      cur = p !== undefined && names.includes(p) ? p : undefined;
    }
    if (cur !== undefined && cur !== name) continue; // reaches a cycle it is not part of
    if (cur === name && seen.length > 1) {
      const cycle = [...seen, name];
      const key = [...seen].sort().join(",");
      if (!reported.has(key)) {
        reported.add(key);
        problem(
          problems,
          ["tables", name, "parent"],
          `parent cycle: ${cycle.join(" → ")}`,
          "parents must form a tree under the root table",
        );
      }
    }
  }
  if (root === "" || !names.includes(root)) return undefined;
  // The tables under the root, parents first: with problems above, some tables are left out (their
  // problems are reported) and the others still get their columns checked.
  const order: string[] = [];
  const visit = (name: string): void => {
    if (order.includes(name)) return;
    order.push(name);
    for (const child of names) if (parentOf.get(child) === name && child !== root) visit(child);
  };
  visit(root);
  if (problems.length === before && order.length !== names.length) return undefined; // cannot happen
  return order;
}

function assemble(
  spec: DatasetSpec,
  raw: Record<string, TableSpec>,
  order: readonly string[],
  counts: ReadonlyMap<string, CountModel>,
  locale: Locale,
): DatasetModel {
  const byName = new Map<string, TableModel>();
  const tables: TableModel[] = [];
  for (const name of order) {
    // Tables and columns with shape problems are already reported; model them as harmlessly as can be.
    const t = (
      typeof raw[name] === "object" && raw[name] !== null ? raw[name] : { columns: {} }
    ) as TableSpec;
    const parent = t.parent === undefined ? undefined : byName.get(t.parent);
    const count = counts.get(name) ?? { maxCount: 1, mean: 1, min: 1, max: 1, weighted: undefined };
    const model: TableModel = {
      name,
      index: tables.length,
      parent,
      children: [],
      count,
      columns: Object.entries(typeof t.columns === "object" && t.columns !== null ? t.columns : {}).map(
        ([n, g]) => ({
          name: n,
          spec: specOf(g) ?? NOT_A_GENERATOR,
        }),
      ),
      unique: Array.isArray(t.unique) ? [...t.unique] : [],
      keySpan: parent === undefined ? 1 : parent.keySpan * count.maxCount,
      rowsPerRoot: parent === undefined ? 1 : parent.rowsPerRoot * count.mean,
    };
    parent?.children.push(model);
    byName.set(name, model);
    tables.push(model);
  }
  let maxScale = Number.MAX_SAFE_INTEGER;
  for (const t of tables) {
    let limit = TWO_53;
    for (const c of t.columns)
      if (c.spec.kind === "pattern" && c.spec.keyDerived) limit = Math.min(limit, keySpace(c.spec.parts));
    maxScale = Math.min(maxScale, Math.floor(limit / t.keySpan));
  }
  return { spec, tables, byName, declared: new Set(Object.keys(raw)), locale, maxScale };
}

/** The child table that is `table`'s ancestor-or-self directly under `ancestor`. */
function childOnPath(ancestor: TableModel, table: TableModel): TableModel | undefined {
  let cur: TableModel | undefined = table;
  while (cur !== undefined && cur.parent !== ancestor) cur = cur.parent;
  return cur;
}

/**
 * The column index of `parent` at which the rows of its child `child` are generated: at the first
 * `sum` over that child, or after the whole row. Columns from there on are not known yet to them.
 */
export function childPoint(parent: TableModel, child: TableModel): number {
  const i = parent.columns.findIndex(
    (c) => c.spec.kind === "sum" && splitPath(c.spec.path)[0] === child.name,
  );
  return i < 0 ? parent.columns.length : i;
}

/** `"a.b.c"` → ["a.b", "c"]; `"c"` → [undefined, "c"]. */
export function splitPath(path: string): [string | undefined, string] {
  const dot = path.lastIndexOf(".");
  return dot < 0 ? [undefined, path] : [path.slice(0, dot), path.slice(dot + 1)];
}

/**
 * Resolve a column reference made by column `at` of `from`. A bare name means the parent's column
 * (`bare: "parent"`, for ref) or this row's (`bare: "self"`, for options naming a column);
 * `table.column` names this table or an ancestor. The column must be generated before the one
 * referring to it. Returns the target or a [message, hint] pair (empty when the table is one left
 * out of the model for problems already reported).
 */
export function resolveColumn(
  model: Pick<DatasetModel, "byName" | "declared">,
  from: TableModel,
  at: number,
  path: string,
  bare: "parent" | "self",
): ColumnRef | [string, string] {
  const [tableName, column] = splitPath(path);
  let table: TableModel | undefined;
  if (tableName !== undefined && !model.byName.has(tableName) && model.declared.has(tableName))
    return ["", ""];
  if (tableName === undefined) {
    table = bare === "self" ? from : from.parent;
    if (table === undefined)
      return [
        `"${path}" names the parent's column, but ${from.name} is the root table`,
        `name a column of this row as "${from.name}.column"`,
      ];
  } else {
    table = model.byName.get(tableName);
    if (table === undefined)
      return [`unknown table "${tableName}" in "${path}"`, suggest(tableName, [...model.byName.keys()])];
  }
  const lineage: TableModel[] = [];
  for (let t: TableModel | undefined = from; t !== undefined; t = t.parent) lineage.push(t);
  if (!lineage.includes(table)) {
    const ancestors = lineage.slice(1).map((t) => t.name);
    return [
      `${table.name} is not an ancestor of ${from.name}`,
      ancestors.length === 0
        ? "the root table can only name its own columns"
        : `a row can read its own columns and its ancestors' (${ancestors.join(", ")})`,
    ];
  }
  const index = table.columns.findIndex((c) => c.name === column);
  if (index < 0)
    return [
      `${table.name} has no column "${column}"`,
      suggest(
        column,
        table.columns.map((c) => c.name),
      ),
    ];
  if (table === from) {
    if (index >= at)
      return [
        index === at ? `"${path}" refers to itself` : `${from.name}.${column} comes later in the row`,
        "columns are generated in order: move it before this one",
      ];
  } else {
    const child = childOnPath(table, from)!;
    const point = childPoint(table, child);
    if (index >= point)
      return [
        `${table.name}.${column} is not known yet when ${child.name} rows are generated`,
        `${table.name}.${table.columns[point]!.name} sums ${child.name}, so its rows come first: move ${column} before it`,
      ];
  }
  return { table, column: index };
}

const NUMERIC = new Set(["int", "real", "sum", "childCount", "derive"]);

function isNumeric(g: GenSpec, model: DatasetModel, from: TableModel, at: number): boolean {
  if (NUMERIC.has(g.kind)) return true;
  if (g.kind === "sequence") return g.prefix === "" && g.width === 0;
  if (g.kind === "nullable") return isNumeric(g.inner, model, from, at);
  if (g.kind === "constant") return typeof g.value === "number";
  if (g.kind === "choice") return g.values.every((v) => typeof v === "number" || v === null);
  if (g.kind === "ref") {
    const r = resolveColumn(model, from, at, g.path, "parent");
    return !Array.isArray(r) && isNumeric(r.table.columns[r.column]!.spec, model, r.table, r.column);
  }
  return false;
}

function isTemporal(g: GenSpec, model: DatasetModel, from: TableModel, at: number): boolean {
  if (g.kind === "date" || g.kind === "timestamp") return true;
  if (g.kind === "nullable") return isTemporal(g.inner, model, from, at);
  if (g.kind === "ref") {
    const r = resolveColumn(model, from, at, g.path, "parent");
    return !Array.isArray(r) && isTemporal(r.table.columns[r.column]!.spec, model, r.table, r.column);
  }
  return false;
}

/** True when every row of `table` has a distinct value of its column `at` by construction. */
function uniqueByConstruction(model: DatasetModel, table: TableModel, at: number, g: GenSpec): boolean {
  if (g.keyDerived) return true;
  if (g.kind !== "ref") return false;
  const r = resolveColumn(model, table, at, g.path, "parent");
  if (Array.isArray(r)) return false;
  // A copy of a unique column stays unique only if each row below it has no siblings.
  for (let t: TableModel | undefined = table; t !== r.table; t = t!.parent)
    if (t!.count.max > 1) return false;
  return uniqueByConstruction(model, r.table, r.column, r.table.columns[r.column]!.spec);
}

function checkColumns(model: DatasetModel, t: TableModel, problems: Problems): void {
  const base = ["tables", t.name];
  t.columns.forEach((c, i) => {
    const path = [...base, "columns", c.name];
    const refErr = (r: ColumnRef | [string, string]): ColumnRef | undefined => {
      if (!Array.isArray(r)) return r;
      if (r[0] !== "") problem(problems, path, r[0], r[1]);
      return undefined;
    };
    const visit = (g: GenSpec): void => {
      switch (g.kind) {
        case "ref":
          refErr(resolveColumn(model, t, i, g.path, "parent"));
          break;
        case "timestamp":
          if (g.after !== undefined) {
            const r = refErr(resolveColumn(model, t, i, g.after.column, "self"));
            if (r !== undefined && !isTemporal(r.table.columns[r.column]!.spec, model, r.table, r.column))
              problem(
                problems,
                path,
                `after: ${r.table.name}.${r.table.columns[r.column]!.name} is not a date or timestamp column`,
                "name a column made by date() or timestamp()",
              );
          }
          break;
        case "firstName":
        case "fullName":
          if (g.options.genderFrom !== undefined)
            refErr(resolveColumn(model, t, i, g.options.genderFrom, "self"));
          break;
        case "childCount": {
          const child = t.children.find((x) => x.name === g.table);
          if (child === undefined)
            problem(
              problems,
              path,
              `childCount: ${g.table} is not a child table of ${t.name}`,
              t.children.length === 0
                ? `${t.name} has no child tables`
                : suggest(
                    g.table,
                    t.children.map((x) => x.name),
                  ),
            );
          break;
        }
        case "sum": {
          const [tableName, column] = splitPath(g.path);
          const child = t.children.find((x) => x.name === tableName);
          if (child === undefined) {
            problem(
              problems,
              path,
              `sum: ${tableName ?? "?"} is not a child table of ${t.name}`,
              t.children.length === 0
                ? `${t.name} has no child tables`
                : suggest(
                    tableName ?? "",
                    t.children.map((x) => x.name),
                  ),
            );
            break;
          }
          const ci = child.columns.findIndex((x) => x.name === column);
          if (ci < 0)
            problem(
              problems,
              path,
              `sum: ${child.name} has no column "${column}"`,
              suggest(
                column,
                child.columns.map((x) => x.name),
              ),
            );
          else if (!isNumeric(child.columns[ci]!.spec, model, child, ci))
            problem(
              problems,
              path,
              `sum: ${child.name}.${column} is not numeric`,
              "sum a column made by int(), real(), sum(), childCount() or derive()",
            );
          break;
        }
        case "nullable":
        case "array":
          visit(g.inner);
          break;
        case "json":
          jsonLeaves(g.shape).forEach(visit);
          break;
      }
    };
    visit(c.spec);
  });
  const seen = new Set<string>();
  for (const u of t.unique) {
    const path = [...base, "unique"];
    if (typeof u !== "string") {
      problem(problems, path, `${String(u)} is not a column name`, "list column names");
      continue;
    }
    if (seen.has(u)) continue;
    seen.add(u);
    const i = t.columns.findIndex((c) => c.name === u);
    if (i < 0) {
      problem(
        problems,
        path,
        `unknown column "${u}"`,
        suggest(
          u,
          t.columns.map((c) => c.name),
        ),
      );
      continue;
    }
    const g = t.columns[i]!.spec;
    if (!uniqueByConstruction(model, t, i, g))
      problem(
        problems,
        path,
        `${t.name}.${u} cannot be declared unique: ${whyNotUnique(g)}`,
        `uniqueness comes by construction, not by luck: build the column from the row key with ${KEY_DERIVED}`,
      );
  }
  for (const c of t.columns) {
    if (c.spec.kind === "pattern" && c.spec.keyDerived) {
      const cap = keySpace(c.spec.parts);
      if (t.keySpan > cap)
        problem(
          problems,
          [...base, "columns", c.name],
          `pattern ${JSON.stringify(c.spec.pattern)} spells ${cap} values, fewer than one root row's ${t.keySpan} keys`,
          "add # or ? slots",
        );
    }
  }
}

function whyNotUnique(g: GenSpec): string {
  switch (g.kind) {
    case "ref":
      return "it copies a column that is not built from the row key, or copies it into more than one row (a count above 1 on the way)";
    case "derive":
    case "constant":
    case "sum":
    case "childCount":
      return `${g.kind}() is not built from the row key, so nothing keeps its values apart`;
    case "pattern":
      return `pattern(${JSON.stringify(g.pattern)}) draws random characters (add { unique: true } to build it from the row key)`;
    case "email":
      return "email() draws random numbers (add { unique: true } to build it from the row key)";
    default:
      return `${g.kind}() draws values at random, and random values repeat sooner or later`;
  }
}
