/**
 * Functional ids: 100,000 generated into the pool are unique, Verhoeff-valid and pass MOSIP's
 * filters; four processes claiming at once never receive the same id.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, expect, it } from "vitest";
import { idFilterViolation } from "../../src/jobs/id-filters.js";
import { fillIdPool } from "../../src/jobs/id-pool.js";
import { verhoeffValid } from "../../src/jobs/verhoeff.js";
import { startTestDatabase, type TestDatabase } from "../support/registry-fixture.js";

const CLAIMER = fileURLToPath(new URL("../support/claim-ids.ts", import.meta.url));

let t: TestDatabase;

beforeAll(async () => {
  t = await startTestDatabase();
});

afterAll(async () => {
  await t?.close();
});

it("generates 100,000 unique ids that pass the Verhoeff check and the filters", async () => {
  expect(await fillIdPool(t.pool, 100_000)).toBe(100_000);
  const { rows } = await t.pool.query<{ id: string }>("SELECT id FROM id_pool");
  expect(rows).toHaveLength(100_000);
  expect(new Set(rows.map((r) => r.id)).size).toBe(100_000);
  const bad: string[] = [];
  for (const { id } of rows) {
    if (!/^[2-9]\d{9}$/.test(id) || !verhoeffValid(id) || idFilterViolation(id) !== undefined) bad.push(id);
  }
  expect(bad).toEqual([]);
  // A second fill adds only ids not already in the pool (the primary key keeps ids unique for ever).
  expect(await fillIdPool(t.pool, 1000)).toBeLessThanOrEqual(1000);
  expect((await t.pool.query("SELECT count(*)::int AS n FROM id_pool")).rows[0].n).toBeGreaterThan(100_000);
});

it("never hands the same id to two of four concurrent claiming processes", async () => {
  const PER_PROCESS = 500;
  const procs = Array.from({ length: 4 }, () =>
    spawn(process.execPath, ["--import", "tsx", CLAIMER, t.db.url, String(PER_PROCESS)], {
      stdio: ["pipe", "pipe", "inherit"],
    }),
  );
  const outputs = procs.map(
    (p) =>
      new Promise<string>((resolve, reject) => {
        let out = "";
        p.stdout.setEncoding("utf8").on("data", (s: string) => {
          out += s;
        });
        p.on("exit", (code) => (code === 0 ? resolve(out) : reject(new Error(`claimer exited ${code}`))));
      }),
  );
  // Start all four together, once each is connected.
  await Promise.all(
    procs.map(
      (p) =>
        new Promise<void>((resolve) => {
          const onData = (s: Buffer) => {
            if (s.toString().includes("ready")) {
              p.stdout.off("data", onData);
              resolve();
            }
          };
          p.stdout.on("data", onData);
        }),
    ),
  );
  for (const p of procs) p.stdin.end("go\n");
  const claimed = (await Promise.all(outputs)).map(
    (out) => JSON.parse(out.split("\n").filter((l) => l.startsWith("["))[0]!) as string[],
  );
  const all = claimed.flat();
  expect(claimed.map((c) => c.length)).toEqual([PER_PROCESS, PER_PROCESS, PER_PROCESS, PER_PROCESS]);
  expect(new Set(all).size).toBe(4 * PER_PROCESS);
  const assigned = await t.pool.query<{ n: number; owners: number }>(
    "SELECT count(*)::int AS n, count(DISTINCT assigned_to)::int AS owners FROM id_pool WHERE status = 'ASSIGNED'",
  );
  expect(assigned.rows[0]).toEqual({ n: 4 * PER_PROCESS, owners: 4 * PER_PROCESS });
  // The claims really raced: every process's claiming period overlaps every other's.
  const spans = [];
  for (const ids of claimed) {
    const r = await t.pool.query<{ first: Date; last: Date }>(
      "SELECT min(assigned_at) AS first, max(assigned_at) AS last FROM id_pool WHERE id = ANY($1)",
      [ids],
    );
    spans.push(r.rows[0]!);
  }
  for (const a of spans) for (const b of spans) expect(a.first.getTime()).toBeLessThan(b.last.getTime());
}, 60_000);
