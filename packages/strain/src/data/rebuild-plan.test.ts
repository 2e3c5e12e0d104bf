import { describe, expect, it } from "vitest";
import type { SetAside } from "./ledger.js";
import {
  buildSettings,
  nextStep,
  planRebuild,
  type RebuildStep,
  rebuildConnections,
  referencedTable,
} from "./rebuild-plan.js";

const key = (table: string, kind: SetAside["kind"] = "primary-key"): SetAside => ({
  table,
  name: `${table}_${kind === "primary-key" ? "pkey" : "key"}`,
  kind,
  definition: `ALTER TABLE ${table} ADD CONSTRAINT ${table}_pkey PRIMARY KEY (id)`,
});
const index = (table: string, name: string): SetAside => ({
  table,
  name,
  kind: "index",
  definition: `CREATE INDEX ${name} ON public.${table} USING btree (x)`,
});
const fk = (
  table: string,
  references: string,
  name = `${table}_${references}_fkey`,
  tail = "",
): SetAside => ({
  table,
  name,
  kind: "foreign-key",
  definition: `ALTER TABLE ${table} ADD CONSTRAINT "${name}" FOREIGN KEY (ref) REFERENCES ${references}(id)${tail}`,
});

/** Seed 000's shape: households and farmers loaded, farmers → households, two empty outside tables. */
const SEED000: SetAside[] = [
  fk("members", "households"),
  fk("members", "farmers"),
  key("households"),
  key("farmers"),
  fk("farmers", "households"),
  index("households", "households_trgm"),
  index("farmers", "farmers_trgm"),
  index("farmers", "farmers_household"),
];
const TABLES = { loaded: new Set(["households", "farmers"]), partitioned: new Set<string>() };

const label = (s: RebuildStep): string => `${s.action} ${s.item.name}`;

/**
 * Run `steps` on `lanes` connections where every step takes one tick, except those `slow` names
 * (taking `slow[name]` ticks); returns, per tick, what ran. Checks inputs and lock conflicts
 * independently of nextStep's own checks.
 */
function simulate(
  steps: readonly RebuildStep[],
  lanes: number,
  slow: Record<string, number> = {},
): string[][] {
  const started = new Set<number>();
  const done = new Set<number>();
  const left = new Map<number, number>();
  const ticks: string[][] = [];
  while (done.size < steps.length) {
    for (let i = nextStep(steps, started, done); i !== undefined && left.size < lanes; ) {
      for (const a of steps[i]!.after) expect(done.has(a), `${label(steps[i]!)} before its input`).toBe(true);
      started.add(i);
      left.set(i, slow[label(steps[i]!)] ?? 1);
      i = nextStep(steps, started, done);
    }
    expect(left.size, "nothing runnable").toBeGreaterThan(0);
    ticks.push([...left.keys()].map((i) => label(steps[i]!)));
    for (const [i, n] of [...left]) {
      if (n > 1) left.set(i, n - 1);
      else {
        left.delete(i);
        done.add(i);
      }
    }
  }
  return ticks;
}

describe("rebuild plan", () => {
  it("finds the referenced table of a foreign key definition, quoted or schema-qualified", () => {
    expect(referencedTable("FOREIGN KEY (a) REFERENCES households(id) ON DELETE CASCADE")).toBe("households");
    expect(referencedTable("FOREIGN KEY (a) REFERENCES app.households(id)")).toBe("app.households");
    expect(referencedTable('FOREIGN KEY (a) REFERENCES "My (odd)"."T"(id, b)')).toBe('"My (odd)"."T"');
    expect(() => referencedTable("PRIMARY KEY (id)")).toThrow(/not a foreign key/);
  });

  it("adds a loaded table's foreign key NOT VALID once its key is back, then checks it", () => {
    const steps = planRebuild(SEED000, TABLES);
    expect(steps.map(label)).toEqual([
      "build households_pkey",
      "attach households_pkey",
      "add farmers_households_fkey",
      "validate farmers_households_fkey",
      "build households_trgm", // the referenced table's indexes first: they can go during the check
      "build farmers_pkey",
      "attach farmers_pkey",
      "build farmers_trgm",
      "build farmers_household",
      "add members_households_fkey", // empty outside tables: last, checked in no time
      "add members_farmers_fkey",
      "validate members_households_fkey",
      "validate members_farmers_fkey",
    ]);
    expect(steps[0]!.sql).toBe('CREATE UNIQUE INDEX "households_pkey" ON households (id)');
    expect(steps[1]!.sql).toBe(
      'ALTER TABLE households ADD CONSTRAINT "households_pkey" PRIMARY KEY USING INDEX "households_pkey"',
    );
    const add = steps[2]!;
    expect(add.sql).toBe(
      'ALTER TABLE farmers ADD CONSTRAINT "farmers_households_fkey" FOREIGN KEY (ref) REFERENCES households(id) NOT VALID',
    );
    expect(steps[3]!.sql).toBe('ALTER TABLE farmers VALIDATE CONSTRAINT "farmers_households_fkey"');
  });

  it("checks the foreign key on one connection while the other builds the referenced table's indexes, not the checked table's", () => {
    const steps = planRebuild(SEED000, TABLES);
    const ticks = simulate(steps, 2, { "validate farmers_households_fkey": 3, "build households_trgm": 1 });
    expect(ticks).toEqual([
      ["build households_pkey"], // everything else waits for the foreign key's lock
      ["attach households_pkey"],
      ["add farmers_households_fkey"],
      ["validate farmers_households_fkey", "build households_trgm"],
      ["validate farmers_households_fkey", "add members_households_fkey"], // farmers' builds wait for the check
      ["validate farmers_households_fkey", "validate members_households_fkey"],
      ["build farmers_pkey", "build farmers_trgm"], // a key's index builds beside the others
      ["attach farmers_pkey"], // and is attached when none is building
      ["build farmers_household"],
      ["add members_farmers_fkey"],
      ["validate members_farmers_fkey"],
    ]);
    expect(new Set(ticks.flat()).size).toBe(steps.length);
  });

  it("keeps a foreign key that was NOT VALID before the load so, with no check", () => {
    const items = [key("a"), fk("b", "a", "b_a_fkey", " NOT VALID")];
    const steps = planRebuild(items, { loaded: new Set(["a", "b"]), partitioned: new Set() });
    expect(steps.map(label)).toEqual(["build a_pkey", "attach a_pkey", "add b_a_fkey"]);
    expect(steps[2]!.sql).toMatch(/REFERENCES a\(id\) NOT VALID$/);
  });

  it("waits for a unique index a foreign key leans on, and not for a key that stayed in place", () => {
    const unique: SetAside = {
      table: "a",
      name: "a_code",
      kind: "index",
      definition: "CREATE UNIQUE INDEX a_code ON public.a USING btree (code)",
    };
    const ab = { loaded: new Set(["a", "b"]), partitioned: new Set<string>() };
    const steps = planRebuild([unique, index("a", "a_x"), fk("b", "a")], ab);
    expect(steps.map(label)).toEqual(["build a_code", "add b_a_fkey", "validate b_a_fkey", "build a_x"]);
    expect(steps[1]!.after).toEqual([0]);
    const inPlace = planRebuild([fk("b", "a"), index("b", "b_x")], ab);
    expect(inPlace[0]!.after).toEqual([]);
  });

  it("keeps ALTER TABLE, holding the table, for a key of a partitioned table or with more than columns", () => {
    const include: SetAside = {
      ...key("b"),
      definition: "ALTER TABLE b ADD CONSTRAINT b_pkey PRIMARY KEY (id) INCLUDE (x)",
    };
    const deferrable: SetAside = {
      ...key("c", "unique"),
      definition: "ALTER TABLE c ADD CONSTRAINT c_key UNIQUE (x) DEFERRABLE",
    };
    const steps = planRebuild([key("a"), include, deferrable, index("a", "a_x")], {
      loaded: new Set(),
      partitioned: new Set(["a"]),
    });
    expect(steps.map((s) => [label(s), s.sql, s.locks[0]!.mode])).toEqual([
      ["build a_pkey", key("a").definition, "access exclusive"],
      ["build b_pkey", include.definition, "access exclusive"],
      ["build c_key", deferrable.definition, "access exclusive"],
      ["build a_x", index("a", "a_x").definition, "share"],
    ]);
    // A quoted column list with parentheses inside names is still a plain key.
    const odd: SetAside = {
      ...key("d"),
      definition: 'ALTER TABLE d ADD CONSTRAINT d_pkey PRIMARY KEY ("a (b)", c)',
    };
    expect(planRebuild([odd], { loaded: new Set(), partitioned: new Set() })[0]!.sql).toBe(
      'CREATE UNIQUE INDEX "d_pkey" ON d ("a (b)", c)',
    );
  });

  it("finishes any mix of tables, keys and foreign keys, one or three connections, without a lock conflict", () => {
    const items: SetAside[] = [
      key("a"),
      key("b"),
      key("c"),
      key("b", "unique"),
      index("a", "a_1"),
      index("b", "b_1"),
      index("c", "c_1"),
      fk("a", "b"),
      fk("b", "a"), // each references the other
      fk("c", "c"), // and itself
      fk("d", "a"),
      fk("e", "c", "e_c_fkey", " NOT VALID"),
    ];
    for (const lanes of [1, 3]) {
      const steps = planRebuild(items, { loaded: new Set(["a", "b", "c"]), partitioned: new Set(["c"]) });
      expect([...new Set(simulate(steps, lanes).flat())].sort()).toEqual(steps.map(label).sort());
    }
  });

  it("opens a connection per build on the busiest table, plus one, within [workers, 12]", () => {
    const steps = planRebuild(SEED000, TABLES);
    // farmers: its key's index and two indexes.
    expect(rebuildConnections(steps, 2)).toBe(4);
    expect(rebuildConnections(steps, 6)).toBe(6);
    const many = Array.from({ length: 20 }, (_, i) => index("t", `t_${i}`));
    expect(rebuildConnections(planRebuild(many, TABLES), 2)).toBe(12);
    expect(rebuildConnections([], 2)).toBe(2);
  });

  it("side by side, B-trees share the memory the workers' builds had and run alone; others keep theirs", () => {
    const gin: SetAside = {
      ...index("farmers", "farmers_trgm"),
      definition: "CREATE INDEX farmers_trgm ON public.farmers USING gin (search_text gin_trgm_ops)",
    };
    const steps = planRebuild([key("farmers"), index("farmers", "farmers_household"), gin], TABLES);
    const by = (name: string, action = "build") =>
      steps.find((s) => s.item.name === name && s.action === action)!;
    const GB = 1024 * 1024;
    const side = { connections: 10, workers: 2, baseKb: GB };
    // The key's CREATE UNIQUE INDEX names no method: a B-tree.
    expect(buildSettings(by("farmers_pkey"), side)).toEqual({
      maintenanceWorkMemKb: Math.floor((2 * GB) / 10),
      parallelWorkers: 0,
    });
    expect(buildSettings(by("farmers_household"), side)).toEqual({
      maintenanceWorkMemKb: Math.floor((2 * GB) / 10),
      parallelWorkers: 0,
    });
    expect(buildSettings(by("farmers_trgm"), side)).toEqual({
      maintenanceWorkMemKb: GB,
      parallelWorkers: null,
    });
    // No more connections than workers: every build as before.
    expect(buildSettings(by("farmers_household"), { ...side, connections: 2 })).toEqual({
      maintenanceWorkMemKb: GB,
      parallelWorkers: null,
    });
    // Never below 64 MB, nor above what a build had.
    expect(
      buildSettings(by("farmers_household"), { connections: 12, workers: 2, baseKb: 100 * 1024 })
        .maintenanceWorkMemKb,
    ).toBe(64 * 1024);
    expect(
      buildSettings(by("farmers_household"), { connections: 12, workers: 2, baseKb: 32 * 1024 })
        .maintenanceWorkMemKb,
    ).toBe(32 * 1024);
    // A foreign key's check runs its hash join in maintenance_work_mem: it keeps all of it.
    const checked = planRebuild(SEED000, TABLES).find((s) => s.action === "validate")!;
    expect(buildSettings(checked, side)).toEqual({ maintenanceWorkMemKb: GB, parallelWorkers: null });
    // A key ALTER TABLE adds (partitioned table) keeps its memory and workers.
    const partitioned = planRebuild([key("farmers")], { ...TABLES, partitioned: new Set(["farmers"]) });
    expect(buildSettings(partitioned[0]!, side)).toEqual({ maintenanceWorkMemKb: GB, parallelWorkers: null });
  });
});
