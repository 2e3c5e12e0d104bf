/**
 * The dedup job over a real database: planted near-duplicates (typos, transposed letters, swapped
 * first and last names) score at or above 70 and are stored; distinct people in the same blocks
 * (same birth date and region) stay below and are not.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scoreFarmerPair } from "../../src/jobs/dedup.js";
import { type JobWorker, startJobWorker } from "../../src/jobs/job-worker.js";
import { enqueueJobs, getBatchStatus } from "../../src/jobs/queue.js";
import { DEFAULT_JOB_SETTINGS } from "../../src/jobs/settings.js";
import { createJsonLog } from "../../src/log/json-log.js";
import { createFarmer } from "../../src/records/farmers.js";
import { seedFarmers } from "../../src/seed/seed-farmers.js";
import { startTestDatabase, type TestDatabase } from "../support/registry-fixture.js";

interface Person {
  key: string;
  first: string;
  last: string;
  birth: string;
  /** Key of the person this one duplicates. */
  dupOf?: string;
  address?: string;
}

const PEOPLE: Person[] = [
  {
    key: "A",
    first: "Nkechi",
    last: "Adebayo-Okafor",
    birth: "1975-04-12",
    address: "Plot 12, Dedup village",
  },
  {
    key: "A-typo",
    first: "Nkehci",
    last: "Adebayo-Okafor",
    birth: "1975-04-12",
    dupOf: "A",
    address: "Plot 12, Dedup vilage",
  },
  { key: "A-swapped", first: "Adebayo-Okafor", last: "Nkechi", birth: "1975-04-12", dupOf: "A" },
  { key: "B", first: "Oluwaseun", last: "Babatunde", birth: "1988-11-30" },
  { key: "B-typo", first: "Oluwaseun", last: "Babatunbe", birth: "1988-11-30", dupOf: "B" },
  { key: "B-transposed", first: "Oluwaseun", last: "Babtaunde", birth: "1988-11-30", dupOf: "B" },
  { key: "C", first: "Thandiwe", last: "Mbeki-Nkosi", birth: "1962-07-01" },
  { key: "C-typos", first: "Tandiwe", last: "Mbeki-Nkossi", birth: "1962-07-01", dupOf: "C" },
  // Distinct people sharing a block (birth date, region) and sometimes a name with the above.
  { key: "X1", first: "Nkechi", last: "Okonkwo", birth: "1975-04-12" },
  { key: "X2", first: "Chidinma", last: "Eze", birth: "1975-04-12", address: "Plot 40, Other village" },
  { key: "X3", first: "Oluwatobi", last: "Bamidele", birth: "1988-11-30" },
  { key: "X4", first: "Sipho", last: "Mbeki-Dlamini", birth: "1962-07-01" },
];

let t: TestDatabase;
let worker: JobWorker;
const ids = new Map<string, string>();
const households = new Map<string, string>();

beforeAll(async () => {
  t = await startTestDatabase();
  // A background population in other blocks' names (East African seed), no planted duplicates.
  await seedFarmers(t.pool, { count: 300, duplicateShare: 0 });
  let n = 0;
  for (const p of PEOPLE) {
    const r = await createFarmer(
      t.pool,
      {
        farmer: {
          national_id: `DD${n++}${Date.now()}`,
          first_name: p.first,
          last_name: p.last,
          gender: "FEMALE",
          birth_date: p.birth,
          location: {
            region: "Dedupland",
            village: "Dedup village",
            address_line1: p.address ?? `Plot ${n}, Somewhere`,
          },
        },
        household: {
          size: 3,
          location: {
            region: "Dedupland",
            village: "Dedup village",
            address_line1: p.address ?? `Plot ${n}, Somewhere`,
          },
        },
      },
      "test",
    );
    if (!r.ok) throw new Error("create failed");
    ids.set(p.key, r.farmer.id as string);
    households.set(p.key, r.householdId);
  }
  worker = await startJobWorker({
    databaseUrl: t.db.url,
    concurrency: 2,
    settings: { ...DEFAULT_JOB_SETTINGS, pollIntervalMs: 100 },
    statementTimeoutMs: 30_000,
    log: createJsonLog({ level: "silent" }),
    onFatal: (err) => {
      throw err;
    },
  });
  const farmerBatch = await enqueueJobs(t.pool, "dedup", "farmer", [...ids.values()]);
  const householdBatch = await enqueueJobs(t.pool, "dedup", "household", [
    households.get("A")!,
    households.get("X2")!,
  ]);
  for (const batch of [farmerBatch, householdBatch]) {
    for (let i = 0; ; i++) {
      const s = await getBatchStatus(t.pool, batch.batchId);
      if (s?.done === true) {
        expect(s.failed).toBe(0);
        break;
      }
      if (i > 600) throw new Error("dedup jobs did not finish");
      await new Promise((r) => setTimeout(r, 50));
    }
  }
});

afterAll(async () => {
  await worker?.stop();
  await t?.close();
});

async function results(
  recordId: string,
): Promise<Map<string, { score: number; field_matches: Record<string, unknown> }>> {
  const { rows } = await t.pool.query<{
    candidate_id: string;
    score: number;
    field_matches: Record<string, unknown>;
  }>("SELECT candidate_id, score, field_matches FROM dedup_results WHERE record_id = $1", [recordId]);
  return new Map(rows.map((r) => [r.candidate_id, r]));
}

describe("farmer dedup", () => {
  it("finds every planted near-duplicate at or above 70, in both directions", async () => {
    for (const p of PEOPLE.filter((x) => x.dupOf !== undefined)) {
      const original = ids.get(p.dupOf!)!;
      const dup = ids.get(p.key)!;
      const fromOriginal = (await results(original)).get(dup);
      const fromDup = (await results(dup)).get(original);
      expect(fromOriginal?.score, p.key).toBeGreaterThanOrEqual(70);
      expect(fromDup?.score, p.key).toBe(fromOriginal?.score);
      expect(fromOriginal!.field_matches.birth_date).toBe(true);
    }
    const swapped = (await results(ids.get("A")!)).get(ids.get("A-swapped")!);
    expect(swapped?.field_matches.names_swapped).toBe(true);
    expect(swapped?.score).toBe(100);
  });

  it("leaves distinct people in the same blocks below 70 and unstored", async () => {
    const stored = await t.pool.query<{ record_id: string; candidate_id: string }>(
      "SELECT record_id, candidate_id FROM dedup_results",
    );
    const planted = new Set(ids.values());
    const byKey = new Map([...ids].map(([k, v]) => [v, k]));
    const group = (key: string) => (key.includes("-") ? key.split("-")[0]! : key);
    for (const r of stored.rows) {
      if (!planted.has(r.record_id) || !planted.has(r.candidate_id)) continue;
      // Every stored pair among the planted people is a true duplicate pair.
      expect(group(byKey.get(r.record_id)!)).toBe(group(byKey.get(r.candidate_id)!));
    }
    for (const x of PEOPLE.filter((p) => p.key.startsWith("X"))) {
      for (const o of PEOPLE.filter((p) => !p.key.startsWith("X"))) {
        const { score } = scoreFarmerPair(
          { first_name: x.first, last_name: x.last, birth_date: x.birth },
          { first_name: o.first, last_name: o.last, birth_date: o.birth },
          DEFAULT_JOB_SETTINGS.dedup,
        );
        expect(score, `${x.key} vs ${o.key}`).toBeLessThan(70);
      }
      expect((await results(ids.get(x.key)!)).size, x.key).toBe(0);
    }
  });
});

describe("household dedup", () => {
  it("matches households by the head's name and the address", async () => {
    const found = await results(households.get("A")!);
    const typo = found.get(households.get("A-typo")!);
    expect(typo?.score).toBeGreaterThanOrEqual(70);
    expect(typo?.field_matches).toMatchObject({ head_name: expect.any(Number), address: expect.any(Number) });
    expect(found.has(households.get("X2")!)).toBe(false);
    expect((await results(households.get("X2")!)).size).toBe(0);
  });
});
