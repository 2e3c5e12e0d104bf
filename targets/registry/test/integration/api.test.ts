/**
 * Every route of the API over real HTTP against a real PostgreSQL: creates, reads, updates,
 * searches with every filter combination (checked against the records the test created), paging
 * through results, jobs through an in-process job worker, health and metrics.
 */
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildRegistryApp } from "../../src/api/app.js";
import { createPool } from "../../src/db/pool.js";
import { type JobWorker, startJobWorker } from "../../src/jobs/job-worker.js";
import { DEFAULT_JOB_SETTINGS } from "../../src/jobs/settings.js";
import { createJsonLog } from "../../src/log/json-log.js";
import { seedFarmers } from "../../src/seed/seed-farmers.js";
import { farmerBody, startTestRegistry, type TestRegistry } from "../support/registry-fixture.js";

let reg: TestRegistry;
let staff: string;
let viewer: string;
let worker: JobWorker;

beforeAll(async () => {
  reg = await startTestRegistry();
  await seedFarmers(reg.pool, { count: 150 });
  staff = await reg.login("staff");
  viewer = await reg.login("viewer");
  worker = await startJobWorker({
    databaseUrl: reg.db.url,
    concurrency: 2,
    settings: { ...DEFAULT_JOB_SETTINGS, pollIntervalMs: 100, backoffBaseMs: 20 },
    statementTimeoutMs: 30_000,
    log: createJsonLog({ level: "silent" }),
    onFatal: (err) => {
      throw err;
    },
  });
});

afterAll(async () => {
  await worker?.stop();
  await reg?.close();
});

async function awaitBatch(batchId: string): Promise<Record<string, number | boolean>> {
  for (let i = 0; i < 300; i++) {
    const r = await reg.call("GET", `/jobs?batch=${batchId}`, { token: viewer });
    expect(r.status).toBe(200);
    if (r.body.done === true) return r.body;
    await new Promise((res) => setTimeout(res, 50));
  }
  throw new Error(`batch ${batchId} not done`);
}

describe("health and metrics", () => {
  it("answers liveness and readiness without a token", async () => {
    expect((await reg.call("GET", "/health/live")).body).toEqual({ status: "ok" });
    const ready = await reg.call("GET", "/health/ready");
    expect(ready.status).toBe(200);
    expect(ready.body.database).toBe("ok");
  });

  it("reports not ready when the database is unreachable", async () => {
    // A pool aimed at a port where nothing listens.
    const dead = createPool(reg.db.url.replace(`:${reg.db.port}/`, ":1/"), {
      max: 1,
      statementTimeoutMs: 1000,
      applicationName: "t",
    });
    const app = await buildRegistryApp({ pool: dead, tokens: reg.tokens });
    await app.listen({ host: "127.0.0.1", port: 0 });
    const port = (app.server.address() as { port: number }).port;
    const res = await fetch(`http://127.0.0.1:${port}/health/ready`);
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("not_ready");
    await app.close();
    await dead.end();
  });

  it("exposes Prometheus metrics by route, pool usage, queue depth and jobs", async () => {
    await reg.call("GET", "/farmers?limit=1", { token: viewer });
    const m = await reg.call("GET", "/metrics");
    expect(m.status).toBe(200);
    expect(m.headers.get("content-type")).toContain("text/plain");
    expect(m.body).toMatch(/registry_http_request_duration_seconds_bucket\{.*route="\/farmers".*\}/);
    expect(m.body).toMatch(/registry_db_pool_connections\{state="total"\} \d+/);
    expect(m.body).toMatch(/registry_job_queue_depth\{task="dedup"\} \d+/);
    expect(m.body).toMatch(/registry_jobs\{task="score",status="COMPLETED"\} \d+/);
    expect(m.body).toContain("registry_process_cpu_seconds_total");
  });

  it("writes one JSON log line per request, carrying the correlation id", async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk, _enc, done) {
        lines.push(...String(chunk).split("\n").filter(Boolean));
        done();
      },
    });
    const app = await buildRegistryApp({
      pool: reg.pool,
      tokens: reg.tokens,
      logger: { level: "info", stream },
    });
    await app.listen({ host: "127.0.0.1", port: 0 });
    const port = (app.server.address() as { port: number }).port;
    await fetch(`http://127.0.0.1:${port}/farmers?limit=1`, {
      headers: { authorization: `Bearer ${viewer}`, "x-correlation-id": "trace-42" },
    });
    await app.close();
    const entries = lines.map((l) => JSON.parse(l)).filter((e) => e.msg === "request");
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      correlation_id: "trace-42",
      method: "GET",
      route: "/farmers",
      status: 200,
    });
    expect(JSON.stringify(entries[0])).not.toContain(viewer); // the token is never logged
  });

  it("sets statement_timeout on every API connection", async () => {
    const pool = createPool(reg.db.url, { max: 1, statementTimeoutMs: 1234, applicationName: "t" });
    expect((await pool.query("SHOW statement_timeout")).rows[0].statement_timeout).toBe("1234ms");
    await expect(pool.query("SELECT pg_sleep(2)")).rejects.toMatchObject({ code: "57014" });
    await pool.end();
  });

  it("returns the caller's correlation id, or a fresh one when absent or unsafe", async () => {
    const given = await reg.call("GET", "/health/live", { headers: { "x-correlation-id": "abc-123" } });
    expect(given.headers.get("x-correlation-id")).toBe("abc-123");
    const fresh = await reg.call("GET", "/health/live");
    expect(fresh.headers.get("x-correlation-id")).toMatch(/^[0-9a-f-]{36}$/);
    const unsafe = await reg.call("GET", "/health/live", {
      headers: { "x-correlation-id": "a b\tc".repeat(50) },
    });
    expect(unsafe.headers.get("x-correlation-id")).toMatch(/^[0-9a-f-]{36}$/);
    const err = await reg.call("GET", "/farmers/none", {
      token: viewer,
      headers: { "x-correlation-id": "err-1" },
    });
    expect(err.status).toBe(404);
    expect(err.body.correlation_id).toBe("err-1");
  });
});

describe("farmers and households", () => {
  it("creates a farmer with a new household, lands, crops, livestock, inputs and memberships", async () => {
    const body = farmerBody(
      {
        first_name: "Halima",
        last_name: "Chebet",
        phone_numbers: ["+254700000001"],
        disability: { type: "Visual", severity: "MILD" },
      },
      {
        household: {
          size: 5,
          children_count: 3,
          members: [{ first_name: "Baraka", last_name: "Chebet", gender: "MALE", relationship: "CHILD" }],
        },
        lands: [
          {
            ownership: "OWNER",
            size: 2.5,
            size_unit: "HECTARE",
            farming_type: "MIXED",
            crops: [{ crop_name: "Maize" }, { crop_name: "Beans", season: "Long rains" }],
            livestock: [{ animal_type: "Goats", head_count: 12 }],
            inputs: [{ input_type: "Fertiliser", quantity: 50, unit: "kg" }],
          },
          { ownership: "TENANT", size: 1, size_unit: "ACRE", farming_type: "CROP" },
        ],
        memberships: [{ cooperative_name: "Meru Coffee Growers" }],
      },
    );
    const r = await reg.call("POST", "/farmers", { token: staff, json: body });
    expect(r.status).toBe(201);
    const f = r.body.farmer;
    expect(r.headers.get("location")).toBe(`/farmers/${f.id}`);
    expect(f).toMatchObject({
      first_name: "Halima",
      last_name: "Chebet",
      functional_id: null,
      status: "ACTIVE",
      created_by: "staff",
      has_personal_phone: true,
      disability: { type: "Visual", severity: "MILD" },
    });
    const nid = (body.farmer as { national_id: string }).national_id;
    expect(f.masked_national_id).toBe(`${"*".repeat(nid.length - 4)}${nid.slice(-4)}`);
    expect(r.body.land_ids).toHaveLength(2);

    const got = await reg.call("GET", `/farmers/${f.id}`, { token: viewer });
    expect(got.status).toBe(200);
    expect(got.body.national_id).toBeUndefined(); // viewers see the masked id only
    expect(got.body.masked_national_id).toBe(f.masked_national_id);
    expect((await reg.call("GET", `/farmers/${f.id}`, { token: staff })).body.national_id).toBe(nid);

    const hh = await reg.call("GET", `/households/${r.body.household_id}`, { token: viewer });
    expect(hh.status).toBe(200);
    expect(hh.body).toMatchObject({ size: 5, children_count: 3, head_name: "Halima Chebet" });
    expect(
      hh.body.members.map((m: { first_name: string; is_head: boolean }) => [m.first_name, m.is_head]),
    ).toEqual([
      ["Halima", true],
      ["Baraka", false],
    ]);
    expect(hh.body.members[0].farmer_id).toBe(f.id);

    const lands = await reg.call("GET", `/farmers/${f.id}/lands`, { token: viewer });
    expect(lands.status).toBe(200);
    expect(lands.body.items).toHaveLength(2);
    const mixed = lands.body.items.find((l: { farming_type: string }) => l.farming_type === "MIXED");
    expect(mixed.crops.map((c: { crop_name: string }) => c.crop_name).sort()).toEqual(["Beans", "Maize"]);
    expect(mixed.livestock).toMatchObject([{ animal_type: "Goats", head_count: 12 }]);
    expect(mixed.inputs).toMatchObject([{ input_type: "Fertiliser", quantity: 50 }]);
    expect(mixed.functional_id).toMatch(/^LD-\d{9}$/);
    const page1 = await reg.call("GET", `/farmers/${f.id}/lands?limit=1`, { token: viewer });
    const page2 = await reg.call("GET", `/farmers/${f.id}/lands?limit=1&offset=1`, { token: viewer });
    expect(page1.body).toMatchObject({ limit: 1, offset: 0, has_more: true });
    expect(page2.body).toMatchObject({ limit: 1, offset: 1, has_more: false });
    expect(page1.body.items[0].id).not.toBe(page2.body.items[0].id);
  });

  it("adds a farmer to an existing household, and refuses unknown households and duplicate national ids", async () => {
    const first = await reg.call("POST", "/farmers", {
      token: staff,
      json: farmerBody({ first_name: "Peter" }),
    });
    const householdId = first.body.household_id as string;
    const { household: _h, ...rest } = farmerBody({ first_name: "Mary", gender: "FEMALE" });
    const joined = await reg.call("POST", "/farmers", {
      token: staff,
      json: { ...rest, household_id: householdId },
    });
    expect(joined.status).toBe(201);
    expect(joined.body.household_id).toBe(householdId);
    const hh = await reg.call("GET", `/households/${householdId}`, { token: viewer });
    expect(
      hh.body.members.map(
        (m: { first_name: string; relationship: string }) => `${m.first_name}:${m.relationship}`,
      ),
    ).toEqual(["Peter:HEAD", "Mary:MEMBER"]);

    const unknown = await reg.call("POST", "/farmers", {
      token: staff,
      json: {
        ...rest,
        farmer: { ...(rest.farmer as object), national_id: "X99999" },
        household_id: "00000000-0000-4000-8000-000000000000",
      },
    });
    expect(unknown.status).toBe(422);
    expect(unknown.body.error.code).toBe("household_not_found");

    const dup = await reg.call("POST", "/farmers", {
      token: staff,
      json: farmerBody({ national_id: (first.body.farmer as { national_id: string }).national_id }),
    });
    expect(dup.status).toBe(409);

    const both = await reg.call("POST", "/farmers", {
      token: staff,
      json: { ...farmerBody(), household_id: householdId },
    });
    expect(both.status).toBe(400);
    expect(both.body.error.issues[0].path).toBe("/body/household");
    expect(
      (await reg.call("GET", "/households/00000000-0000-4000-8000-000000000000", { token: viewer })).status,
    ).toBe(404);
  });

  it("updates a farmer; a new name is searchable at once", async () => {
    const created = await reg.call("POST", "/farmers", {
      token: staff,
      json: farmerBody({
        first_name: "Josephine",
        last_name: "Kiplagat",
        location: { region: "Updateland", village: "V" },
      }),
    });
    const id = created.body.farmer.id as string;
    const r = await reg.call("PATCH", `/farmers/${id}`, {
      token: staff,
      json: {
        last_name: "Zaweriaq",
        status: "INACTIVE",
        location: { village: "New village" },
        disability: null,
      },
    });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      first_name: "Josephine",
      last_name: "Zaweriaq",
      status: "INACTIVE",
      disability: null,
    });
    expect(r.body.location).toMatchObject({ region: "Updateland", village: "New village" });
    expect(new Date(r.body.updated_at).getTime()).toBeGreaterThan(
      new Date(created.body.farmer.updated_at).getTime(),
    );
    const s = await reg.call("GET", "/farmers?q=josephine%20zaweriaq", { token: viewer });
    expect(s.body.items[0].id).toBe(id);
    expect(
      (await reg.call("PATCH", "/farmers/NOPE-1", { token: staff, json: { first_name: "A" } })).status,
    ).toBe(404);
    expect((await reg.call("PATCH", `/farmers/${id}`, { token: staff, json: {} })).status).toBe(400);
  });

  it("finds farmers by functional id and by national id", async () => {
    const { rows } = await reg.pool.query<{ id: string; functional_id: string; national_id: string }>(
      "SELECT id, functional_id, national_id FROM farmers WHERE functional_id IS NOT NULL LIMIT 1",
    );
    const f = rows[0]!;
    const byFunctional = await reg.call("GET", `/farmers/${f.functional_id}`, { token: viewer });
    expect(byFunctional.status).toBe(200);
    expect(byFunctional.body.id).toBe(f.id);
    const byNational = await reg.call("GET", `/farmers?national_id=${f.national_id}`, { token: viewer });
    expect(byNational.body.items.map((x: { id: string }) => x.id)).toEqual([f.id]);
    expect((await reg.call("GET", "/farmers/9999999999", { token: viewer })).status).toBe(404);
  });
});

describe("search filters and paging", () => {
  // A controlled population in a region of its own: every filter combination is checked against it.
  interface Planted {
    id: string;
    gender: "MALE" | "FEMALE";
    age: number;
    hasBirthDate: boolean;
    status: "ACTIVE" | "INACTIVE";
    last: string;
  }
  const planted: Planted[] = [];
  const REGION = "Filterland";

  beforeAll(async () => {
    const today = new Date();
    const surnames = ["Abara", "Bokassa", "Chiume", "Dube", "Ekwueme", "Folayan"];
    let n = 0;
    for (const gender of ["MALE", "FEMALE"] as const) {
      for (const age of [25, 40, 60]) {
        for (const status of ["ACTIVE", "INACTIVE"] as const) {
          for (const hasBirthDate of [true, false]) {
            const birth = new Date(
              Date.UTC(today.getUTCFullYear() - age, today.getUTCMonth(), today.getUTCDate()),
            );
            birth.setUTCDate(birth.getUTCDate() - 30); // safely past the birthday
            const last = surnames[n % surnames.length]!;
            const r = await reg.call("POST", "/farmers", {
              token: staff,
              json: farmerBody({
                first_name: `Filter${n}`,
                last_name: last,
                gender,
                birth_date: hasBirthDate ? birth.toISOString().slice(0, 10) : undefined,
                estimated_age: hasBirthDate ? undefined : age,
                location: { region: REGION, village: "F" },
              }),
            });
            expect(r.status).toBe(201);
            const id = r.body.farmer.id as string;
            if (status === "INACTIVE")
              expect(
                (await reg.call("PATCH", `/farmers/${id}`, { token: staff, json: { status } })).status,
              ).toBe(200);
            planted.push({ id, gender, age, hasBirthDate, status, last });
            n++;
          }
        }
      }
    }
  });

  it("applies every combination of gender, age range and status exactly", async () => {
    const genders = [undefined, "MALE", "FEMALE"] as const;
    const ranges: [number | undefined, number | undefined][] = [
      [undefined, undefined],
      [30, undefined],
      [undefined, 50],
      [30, 50],
      [25, 25],
    ];
    const statuses = [undefined, "ACTIVE", "INACTIVE"] as const;
    let combos = 0;
    for (const gender of genders) {
      for (const [minAge, maxAge] of ranges) {
        for (const status of statuses) {
          const params = new URLSearchParams({ region: REGION, limit: "100" });
          if (gender !== undefined) params.set("gender", gender);
          if (minAge !== undefined) params.set("min_age", String(minAge));
          if (maxAge !== undefined) params.set("max_age", String(maxAge));
          if (status !== undefined) params.set("status", status);
          const r = await reg.call("GET", `/farmers?${params}`, { token: viewer });
          expect(r.status).toBe(200);
          const expected = planted
            .filter(
              (p) =>
                (gender === undefined || p.gender === gender) &&
                (minAge === undefined || p.age >= minAge) &&
                (maxAge === undefined || p.age <= maxAge) &&
                (status === undefined || p.status === status),
            )
            .map((p) => p.id)
            .sort();
          expect(r.body.items.map((f: { id: string }) => f.id).sort(), params.toString()).toEqual(expected);
          combos++;
        }
      }
    }
    expect(combos).toBe(45);
  });

  it("combines text search with filters", async () => {
    const r = await reg.call("GET", `/farmers?q=Dube&region=${REGION}&gender=MALE`, { token: viewer });
    const expected = planted
      .filter((p) => p.last === "Dube" && p.gender === "MALE")
      .map((p) => p.id)
      .sort();
    expect(expected.length).toBeGreaterThan(0);
    expect(r.body.items.map((f: { id: string }) => f.id).sort()).toEqual(expected);
  });

  it("refuses min_age above max_age", async () => {
    const r = await reg.call("GET", "/farmers?min_age=50&max_age=30", { token: viewer });
    expect(r.status).toBe(400);
    expect(r.body.error.issues[0].path).toBe("/querystring/min_age");
  });

  it("pages through a sorted result without gaps or repeats", async () => {
    const seen: string[] = [];
    const names: string[] = [];
    for (let offset = 0; ; offset += 5) {
      const r = await reg.call("GET", `/farmers?region=${REGION}&sort=name&limit=5&offset=${offset}`, {
        token: viewer,
      });
      expect(r.body.limit).toBe(5);
      seen.push(...r.body.items.map((f: { id: string }) => f.id));
      names.push(
        ...r.body.items.map(
          (f: { last_name: string; first_name: string }) => `${f.last_name} ${f.first_name}`,
        ),
      );
      if (!r.body.has_more) break;
    }
    expect(seen).toHaveLength(planted.length);
    expect(new Set(seen).size).toBe(planted.length);
    expect(names).toEqual([...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    const desc = await reg.call("GET", `/farmers?region=${REGION}&sort=-name&limit=100`, { token: viewer });
    expect(desc.body.items.map((f: { id: string }) => f.id)).toEqual(
      [...desc.body.items]
        .sort((a, b) =>
          a.last_name === b.last_name
            ? a.first_name < b.first_name
              ? 1
              : -1
            : a.last_name < b.last_name
              ? 1
              : -1,
        )
        .map((f) => f.id),
    );
  });

  it("ranks the closest name first, typos included", async () => {
    const created = await reg.call("POST", "/farmers", {
      token: staff,
      json: farmerBody({ first_name: "Wairimu", last_name: "Nyakundi-Otieno" }),
    });
    const r = await reg.call("GET", "/farmers?q=wairimu%20nyakundy", { token: viewer });
    expect(r.body.items[0].id).toBe(created.body.farmer.id);
  });
});

describe("jobs", () => {
  it("runs a score job for one household; scores keep their history", async () => {
    const created = await reg.call("POST", "/farmers", {
      token: staff,
      json: farmerBody({}, { household: { size: 6, children_count: 3 } }),
    });
    const householdId = created.body.household_id as string;
    for (const expectedVersion of [1, 2]) {
      const r = await reg.call("POST", "/jobs/score", { token: staff, json: { record_id: householdId } });
      expect(r.status).toBe(202);
      expect(r.body).toMatchObject({ task: "score", record_type: "household", count: 1 });
      expect(await awaitBatch(r.body.batch_id)).toMatchObject({
        total: 1,
        completed: 1,
        failed: 0,
        done: true,
      });
      const job = await reg.call("GET", `/jobs/${r.body.job_ids[0]}`, { token: viewer });
      expect(job.body).toMatchObject({
        status: "COMPLETED",
        attempts: 1,
        failures: 0,
        record_id: householdId,
      });
      expect(job.body.result.version).toBe(expectedVersion);
      expect(job.body.result.value).toBeCloseTo(0.45 * 6 + 0.55 * 3, 4);
      expect(job.body.attempt_log).toMatchObject([{ attempt: 1, outcome: "COMPLETED" }]);
    }
    const scores = await reg.call("GET", `/households/${householdId}/scores`, { token: viewer });
    expect(scores.body.items).toHaveLength(1);
    expect(scores.body.items[0]).toMatchObject({ score_type: "POVERTY", value: 4.35, version: 2 });
    expect(scores.body.items[0].history.map((h: { version: number }) => h.version)).toEqual([2, 1]);
  });

  it("gives farmers functional ids with idgen and finds them by it", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++)
      ids.push((await reg.call("POST", "/farmers", { token: staff, json: farmerBody() })).body.farmer.id);
    const r = await reg.call("POST", "/jobs/idgen", { token: staff, json: { record_ids: ids } });
    expect(r.body.count).toBe(3);
    await awaitBatch(r.body.batch_id);
    const functional = new Set<string>();
    for (const id of ids) {
      const f = (await reg.call("GET", `/farmers/${id}`, { token: viewer })).body;
      expect(f.functional_id).toMatch(/^[2-9]\d{9}$/);
      functional.add(f.functional_id);
      expect((await reg.call("GET", `/farmers/${f.functional_id}`, { token: viewer })).body.id).toBe(id);
    }
    expect(functional.size).toBe(3);
    // Running idgen again keeps the ids (idempotent).
    const again = await reg.call("POST", "/jobs/idgen", { token: staff, json: { record_id: ids[0] } });
    await awaitBatch(again.body.batch_id);
    const job = await reg.call("GET", `/jobs/${again.body.job_ids[0]}`, { token: viewer });
    expect(job.body.result).toMatchObject({ already_assigned: true });
  });

  it("runs dedup for a farmer and lists the duplicates found", async () => {
    const original = await reg.call("POST", "/farmers", {
      token: staff,
      json: farmerBody({ first_name: "Chiamaka", last_name: "Onwuachi", birth_date: "1971-03-09" }),
    });
    const copy = await reg.call("POST", "/farmers", {
      token: staff,
      json: farmerBody({ first_name: "Chiamkaa", last_name: "Onwuachi", birth_date: "1971-03-09" }),
    });
    const r = await reg.call("POST", "/jobs/dedup", {
      token: staff,
      json: { record_id: original.body.farmer.id },
    });
    expect(r.body.record_type).toBe("farmer");
    await awaitBatch(r.body.batch_id);
    const d = await reg.call("GET", `/farmers/${original.body.farmer.id}/duplicates`, { token: viewer });
    expect(d.status).toBe(200);
    expect(d.body.items.map((x: { candidate_id: string }) => x.candidate_id)).toEqual([copy.body.farmer.id]);
    expect(d.body.items[0].score).toBeGreaterThanOrEqual(70);
    expect((await reg.call("GET", "/farmers/NOPE/duplicates", { token: viewer })).status).toBe(404);
  });

  it("enqueues a batch of N records and reports completion counts", async () => {
    const r = await reg.call("POST", "/jobs/score", { token: staff, json: { count: 25 } });
    expect(r.status).toBe(202);
    expect(r.headers.get("location")).toBe(`/jobs?batch=${r.body.batch_id}`);
    expect(r.body.job_ids).toHaveLength(25);
    expect(await awaitBatch(r.body.batch_id)).toMatchObject({
      total: 25,
      completed: 25,
      failed: 0,
      queued: 0,
      running: 0,
    });
    const farmers = await reg.call("POST", "/jobs/dedup", {
      token: staff,
      json: { count: 5, record_type: "farmer" },
    });
    expect(farmers.body.count).toBe(5);
    await awaitBatch(farmers.body.batch_id);
  });

  it("validates job requests", async () => {
    expect((await reg.call("POST", "/jobs/score", { token: staff, json: {} })).status).toBe(400);
    expect(
      (
        await reg.call("POST", "/jobs/score", {
          token: staff,
          json: { count: 1, record_ids: [crypto.randomUUID()] },
        })
      ).status,
    ).toBe(400);
    expect((await reg.call("POST", "/jobs/score", { token: staff, json: { count: 1001 } })).status).toBe(400);
    expect((await reg.call("POST", "/jobs/purge", { token: staff, json: { count: 1 } })).status).toBe(400);
    const missing = await reg.call("POST", "/jobs/score", {
      token: staff,
      json: { record_id: crypto.randomUUID() },
    });
    expect(missing.status).toBe(422);
    expect(missing.body.error.code).toBe("record_not_found");
    expect((await reg.call("GET", "/jobs/99999999", { token: viewer })).status).toBe(404);
    expect((await reg.call("GET", "/jobs/abc", { token: viewer })).status).toBe(400);
    expect((await reg.call("GET", `/jobs?batch=${crypto.randomUUID()}`, { token: viewer })).status).toBe(404);
    expect((await reg.call("GET", "/jobs", { token: viewer })).status).toBe(400);
  });
});
