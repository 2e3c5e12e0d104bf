/**
 * The order in which set-aside indexes, keys and foreign keys come back, and which of them may run
 * at the same time.
 *
 * Checking a big table's foreign key runs on one core (PostgreSQL plans it without parallel
 * workers) and, added in one statement, it locks both tables against index builds. Seed 000's
 * farmers → households check took ~30 s at the end of the rebuild with the other core idle. So a
 * foreign key of a loaded table is added `NOT VALID` as soon as the key it references is back, then
 * validated while the other connection builds the referenced table's indexes:
 *
 *   keys it references ─▶ ADD … NOT VALID ─▶ VALIDATE ‖ other indexes (the referenced table's first)
 *                                          ─▶ foreign keys of empty outside tables (instant)
 *
 * A primary key or unique constraint added with ALTER TABLE holds an ACCESS EXCLUSIVE lock while its
 * index builds, so nothing else on the table could build meanwhile: seed 000's three farmers keys
 * went one after another, the first reading the 20 GB table from disk with the cores ~30% idle.
 * So a key's index is built with CREATE UNIQUE INDEX (a SHARE lock, like any index build: builds on
 * one table go side by side and share one pass over it) and attached afterwards, in no time, with
 * ADD CONSTRAINT … USING INDEX. Partitioned tables cannot attach that way and keep ALTER TABLE.
 *
 * Locks are modelled with PostgreSQL's conflict table, so a step never waits on the server for
 * another connection's step: a connection takes the first step, in the order above, whose inputs
 * are back and whose locks are free.
 *
 * There are enough connections for every build on a table to start at once (rebuildConnections):
 * started together, their scans of the table go together and read it once between them.
 *
 * Seed 000 at 10M households: rebuild 608–631 s → 584–607 s; idle core-seconds in it 114 → 53.
 * Trigram builds first (longest first) was slower again, 606 vs 587 s from a cold cache: their slow
 * scans drift apart from the B-tree builds' and read the table more often.
 */
import type { SetAside } from "./ledger.js";
import { type DoneCheck, quoteIdent } from "./schema-prep.js";

/** Table lock modes the steps take (PostgreSQL's names). */
export type LockMode =
  | "row share"
  | "share"
  | "share update exclusive"
  | "share row exclusive"
  | "access exclusive";

/** Which modes each mode conflicts with (PostgreSQL's table-level lock conflict table, restricted). */
const CONFLICTS: Record<LockMode, readonly LockMode[]> = {
  "row share": ["access exclusive"],
  share: ["share update exclusive", "share row exclusive", "access exclusive"],
  "share update exclusive": ["share", "share update exclusive", "share row exclusive", "access exclusive"],
  "share row exclusive": ["share", "share update exclusive", "share row exclusive", "access exclusive"],
  "access exclusive": [
    "row share",
    "share",
    "share update exclusive",
    "share row exclusive",
    "access exclusive",
  ],
};

export interface RebuildStep {
  readonly item: SetAside;
  /**
   * `build` an index or a key's index; `attach` a key to the index built for it; `add` a foreign key
   * without checking rows; `validate` its rows.
   */
  readonly action: "build" | "attach" | "add" | "validate";
  readonly sql: string;
  /**
   * What shows the step is done already (a rebuild cut half-way resumes): the index `item.name`,
   * that index on `item.table`, the constraint, or the constraint validated.
   */
  readonly done: DoneCheck;
  readonly locks: readonly { readonly table: string; readonly mode: LockMode }[];
  /** Steps (indexes into the plan) that must have finished first. */
  readonly after: readonly number[];
}

/** The table a foreign key definition (`… REFERENCES table(columns) …`) points at. */
export function referencedTable(definition: string): string {
  const m = /\bREFERENCES\s+((?:"(?:[^"]|"")*"|[^\s("])+(?:\.(?:"(?:[^"]|"")*"|[^\s("])+)?)\s*\(/.exec(
    definition,
  );
  if (m === null) throw new RangeError(`not a foreign key definition: ${definition}`);
  return m[1]!;
}

/**
 * A key ALTER TABLE would add with nothing but its columns (no INCLUDE, storage options, NULLS NOT
 * DISTINCT or DEFERRABLE): the kind an index built beforehand can be attached to, unchanged.
 */
const PLAIN_KEY = /\s(PRIMARY KEY|UNIQUE) (\((?:[^()"]|"(?:[^"]|"")*")*\))$/;

/**
 * The steps that bring `items` back, in priority order. Tables are named as `regclass` text, like
 * `SetAside.table`. `loaded` holds the tables the load filled: their foreign keys are the expensive
 * ones to check; the others (of empty outside tables) are checked in no time and go last.
 */
export function planRebuild(
  items: readonly SetAside[],
  tables: { readonly loaded: ReadonlySet<string>; readonly partitioned: ReadonlySet<string> },
): RebuildStep[] {
  const { loaded } = tables;
  const builds = items.filter((i) => i.kind !== "foreign-key");
  const fks = items
    .filter((i) => i.kind === "foreign-key")
    .map((item) => ({ item, references: referencedTable(item.definition) }));
  const heavy = fks.filter((f) => loaded.has(f.item.table));
  const light = fks.filter((f) => !loaded.has(f.item.table));
  // What a foreign key may lean on: the referenced table's keys and unique indexes.
  const leansOn = (b: SetAside, table: string): boolean =>
    b.table === table &&
    (b.kind === "primary-key" || b.kind === "unique" || /^CREATE UNIQUE INDEX\b/.test(b.definition));

  const steps: RebuildStep[] = [];
  /** Where each key or index is back: its build, or for a key built as an index its attach. */
  const built = new Map<SetAside, number>();
  const build = (b: SetAside, after: number[]): void => {
    const key = b.kind === "index" || tables.partitioned.has(b.table) ? null : PLAIN_KEY.exec(b.definition);
    if (key === null) {
      built.set(b, steps.length);
      steps.push({
        item: b,
        action: "build",
        sql: b.definition,
        done: b.kind === "index" ? "index" : "constraint",
        locks: [{ table: b.table, mode: b.kind === "index" ? "share" : "access exclusive" }],
        after,
      });
      return;
    }
    const name = quoteIdent(b.name);
    steps.push({
      item: b,
      action: "build",
      sql: `CREATE UNIQUE INDEX ${name} ON ${b.table} ${key[2]}`,
      done: "table-index",
      locks: [{ table: b.table, mode: "share" }],
      after,
    });
    built.set(b, steps.length);
    steps.push({
      item: b,
      action: "attach",
      sql: `ALTER TABLE ${b.table} ADD CONSTRAINT ${name} ${key[1]} USING INDEX ${name}`,
      done: "constraint",
      locks: [{ table: b.table, mode: "access exclusive" }],
      after: [steps.length - 1],
    });
  };
  const added = new Map<SetAside, number>();
  const foreignKeys = (group: typeof fks): void => {
    for (const f of group) {
      added.set(f.item, steps.length);
      steps.push({
        item: f.item,
        action: "add",
        sql: notValid(f.item) ? f.item.definition : `${f.item.definition} NOT VALID`,
        done: "constraint",
        locks: [
          { table: f.item.table, mode: "share row exclusive" },
          { table: f.references, mode: "share row exclusive" },
        ],
        after: builds.filter((b) => leansOn(b, f.references)).map((b) => built.get(b)!),
      });
    }
    // A constraint that was NOT VALID before the load stays so: its old rows were never checked.
    for (const f of group.filter((g) => !notValid(g.item)))
      steps.push({
        item: f.item,
        action: "validate",
        sql: `ALTER TABLE ${f.item.table} VALIDATE CONSTRAINT ${quoteIdent(f.item.name)}`,
        done: "validated",
        locks: [
          { table: f.item.table, mode: "share update exclusive" },
          { table: f.references, mode: "row share" },
        ],
        after: [added.get(f.item)!],
      });
  };

  const early = builds.filter((b) => heavy.some((f) => leansOn(b, f.references)));
  for (const b of early) build(b, []);
  foreignKeys(heavy);
  // The other indexes wait until the heavy foreign keys on their table are added, so those are not
  // starved of their lock; the referenced tables' go first, as they can be built during the checks.
  const late = builds.filter((b) => !early.includes(b));
  const referenced = new Set(heavy.map((f) => f.references));
  for (const b of [
    ...late.filter((x) => referenced.has(x.table)),
    ...late.filter((x) => !referenced.has(x.table)),
  ])
    build(
      b,
      heavy
        .filter((f) => f.item.table === b.table || f.references === b.table)
        .map((f) => added.get(f.item)!),
    );
  foreignKeys(light);
  return steps;
}

function notValid(fk: SetAside): boolean {
  return /\sNOT VALID$/.test(fk.definition);
}

/**
 * The first step of `steps` that can start now: not started, its inputs done, and no lock in
 * conflict with a running step's.
 */
export function nextStep(
  steps: readonly RebuildStep[],
  started: ReadonlySet<number>,
  done: ReadonlySet<number>,
): number | undefined {
  const running = [...started].filter((i) => !done.has(i));
  for (let i = 0; i < steps.length; i++) {
    if (started.has(i)) continue;
    const s = steps[i]!;
    if (!s.after.every((a) => done.has(a))) continue;
    const clash = running.some((r) =>
      steps[r]!.locks.some((held) =>
        s.locks.some((want) => want.table === held.table && CONFLICTS[want.mode].includes(held.mode)),
      ),
    );
    if (!clash) return i;
  }
  return undefined;
}

/**
 * How many connections rebuild `steps`: one per build on the table with the most, plus one for a
 * foreign-key check beside them, at least `workers` and at most 12 (beyond, each sort's share of
 * memory gets small).
 *
 * Builds on one table that start together read it once between them: PostgreSQL starts a table
 * scan where a running one is (synchronize_seqscans) and the pages one reads are still cached for
 * the others. Seed 000 at 10M households, rebuilding alone: with two builds at a time the rebuild
 * read 87 GB from disk (the farmers table is 20 GB), with all nine farmers builds at once 50 GB;
 * 570 → 540 s. Its trigram build scans slower than the B-trees and falls behind them.
 */
export function rebuildConnections(steps: readonly RebuildStep[], workers: number): number {
  const perTable = new Map<string, number>();
  for (const s of steps)
    if (s.action === "build") perTable.set(s.item.table, (perTable.get(s.item.table) ?? 0) + 1);
  const most = Math.max(0, ...perTable.values());
  return Math.max(1, workers, Math.min(12, most + 1));
}

/** Session settings a build or foreign-key check step runs with. */
export interface BuildSettings {
  /** maintenance_work_mem, in kB. */
  readonly maintenanceWorkMemKb: number;
  /** max_parallel_maintenance_workers, or null for the server's own. */
  readonly parallelWorkers: number | null;
}

const MIN_SORT_KB = 64 * 1024;

/**
 * Settings for `step` when the rebuild runs on `connections` connections, `workers` being what it
 * ran on before builds went side by side, and `baseKb` the maintenance_work_mem one build had then.
 *
 * With more connections than `workers`, B-tree builds share the memory the `workers` builds had
 * (a sort bigger than its share spills about as much either way), and run without parallel workers: the cores are busy with the builds beside them, and one
 * process each keeps their scans of the table together. Other builds (GIN, GiST…: slower per row,
 * and their accumulators flush more often with less memory) keep `baseKb` and the server's workers,
 * so they do not fall behind the group's scan.
 */
export function buildSettings(
  step: RebuildStep,
  o: { readonly connections: number; readonly workers: number; readonly baseKb: number },
): BuildSettings {
  const side = o.connections > o.workers;
  if (!side || !isBtreeBuild(step)) return { maintenanceWorkMemKb: o.baseKb, parallelWorkers: null };
  const share = Math.floor((o.workers * o.baseKb) / o.connections);
  return {
    maintenanceWorkMemKb: Math.max(Math.min(o.baseKb, MIN_SORT_KB), Math.min(o.baseKb, share)),
    parallelWorkers: 0,
  };
}

/**
 * A CREATE INDEX by B-tree: pg_get_indexdef names the method (`USING btree (`), a key's index built
 * for attaching names none. A key added by ALTER TABLE runs alone on its table and keeps the rest.
 */
function isBtreeBuild(step: RebuildStep): boolean {
  if (step.action !== "build" || !/^CREATE\b/i.test(step.sql)) return false;
  const using = /\bUSING\s+(\w+)\s*\(/i.exec(step.sql);
  return using === null || using[1]!.toLowerCase() === "btree";
}
