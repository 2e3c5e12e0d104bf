/**
 * `strain data farmer-registry` against the COPY ceiling measured in the same run, and against a
 * faker-per-field baseline. Run: `npm run bench:data -w bench -- [--households 100000] [--workers 2] [--rounds 3]`
 * (after `npm run build`). Writes its table into docs/benchmarks.md between the data-copy markers.
 *
 * The three contenders load into the same embedded PostgreSQL, the same registry schema with its
 * indexes and constraints set aside, with the same number of COPY streams (one process each), in
 * rounds A B C A B C…:
 *   ceiling  the very rows strain generates, generated and UTF-8 encoded before the clock starts;
 *            the timed part only sends them (BEGIN; COPY per table; COMMIT per chunk)
 *   strain   loadDataset(): generation + COPY + the ledger row per chunk (load phase only)
 *   faker    farmers-shaped rows (households + farmers tables) built with one @faker-js/faker call
 *            per field, escaped and sent the same way
 */
import { execFileSync, fork } from "node:child_process";
import { availableParallelism, cpus } from "node:os";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { migrate } from "strain-registry";
import { startEmbeddedPostgres } from "strain-registry/embedded-postgres";
import type { ChunkOutput, DatasetDefinition } from "../packages/strain/dist/data/dataset.js";
import { farmerRegistry } from "../packages/strain/dist/data/datasets/farmer-registry.js";
import { loadDataset } from "../packages/strain/dist/data/load.js";
import { dropSetAside, findSetAside, quoteName } from "../packages/strain/dist/data/schema-prep.js";
import { replaceSection } from "./docs-section.js";

const SELF = fileURLToPath(import.meta.url);

interface Job {
  role: "ceiling" | "faker";
  url: string;
  households: number;
  chunkRoots: number;
  worker: number;
  workers: number;
  seed: number;
}

// ── worker side ─────────────────────────────────────────────────────────────────────────────────
if (process.argv[2] === "--worker") {
  process.once("message", async (job: Job) => {
    const ds = farmerRegistry();
    const client = new pg.Client({ connectionString: job.url });
    await client.connect();
    await client.query("SET synchronous_commit = off");
    const chunks: { table: string; columns: readonly string[]; buf: Buffer }[][] = [];
    const nChunks = Math.ceil(job.households / job.chunkRoots);
    const fakerRows = job.role === "faker" ? await fakerGenerator(ds) : undefined;
    // Pre-generation (ceiling only): not timed.
    if (job.role === "ceiling") {
      for (let c = job.worker; c < nChunks; c += job.workers) chunks.push(encode(ds, c, job));
    }
    process.send!({ type: "ready" });
    await new Promise<void>((r) => process.once("message", () => r()));
    const t0 = performance.now();
    let rows = 0;
    if (job.role === "ceiling") {
      for (const chunk of chunks) {
        await client.query("BEGIN");
        for (const t of chunk) await copy(client, t.table, t.columns, t.buf);
        await client.query("COMMIT");
      }
      rows = chunks.reduce((s, ch) => s + ch.reduce((s2, t) => s2 + countLines(t.buf), 0), 0);
    } else {
      for (let c = job.worker; c < nChunks; c += job.workers) {
        const { households, farmers } = fakerRows!(
          c * job.chunkRoots,
          Math.min(job.chunkRoots, job.households - c * job.chunkRoots),
          job.seed,
        );
        await client.query("BEGIN");
        await copy(client, "households", ds.tables[0]!.columns, Buffer.from(`${households.join("\n")}\n`));
        await copy(client, "farmers", ds.tables[1]!.columns, Buffer.from(`${farmers.join("\n")}\n`));
        await client.query("COMMIT");
        rows += households.length + farmers.length;
      }
    }
    const seconds = (performance.now() - t0) / 1000;
    await client.end();
    process.send!({ type: "done", rows, seconds, t0: performance.timeOrigin + t0 });
    process.exit(0);
  });
}

function encode(ds: DatasetDefinition, chunk: number, job: Job) {
  const lines: string[][] = ds.tables.map(() => []);
  const out: ChunkOutput = { wants: () => true, row: (t, l) => void lines[t]!.push(l) };
  const first = chunk * job.chunkRoots;
  ds.generate(first, Math.min(job.chunkRoots, job.households - first), job.seed, out);
  return ds.tables
    .map((t, i) => ({ table: t.name, columns: t.columns, buf: Buffer.from(`${lines[i]!.join("\n")}\n`) }))
    .filter((t) => t.buf.length > 1);
}

function countLines(b: Buffer): number {
  let n = 0;
  for (let i = 0; i < b.length; i++) if (b[i] === 10) n++;
  return n;
}

function copy(client: pg.Client, table: string, columns: readonly string[], buf: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = client.query(
      copyFrom(`COPY ${quoteName(table)} (${columns.map(quoteName).join(", ")}) FROM STDIN`),
    );
    s.on("error", reject);
    s.on("finish", () => resolve());
    s.end(buf);
  });
}

/** Households + farmers rows with one faker call per field (what most generators do). */
async function fakerGenerator(ds: DatasetDefinition) {
  const { faker } = await import("@faker-js/faker");
  const esc = (s: string) =>
    s.replace(/[\\\t\n\r]/g, (c) => ({ "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r" })[c]!);
  const hCols = ds.tables[0]!.columns;
  const fCols = ds.tables[1]!.columns;
  const pickW = <T>(items: { value: T; weight: number }[]) => faker.helpers.weightedArrayElement(items);
  return (first: number, count: number, seed: number) => {
    const households: string[] = [];
    const farmers: string[] = [];
    for (let h = first; h < first + count; h++) {
      faker.seed(seed * 1_000_003 + h);
      const hid = faker.string.uuid();
      const region = faker.location.state();
      const geo = JSON.stringify({
        region,
        zone: faker.location.county(),
        district: faker.location.city(),
        village: faker.location.street(),
      });
      const n = faker.number.int({ min: 1, max: 8 });
      let headName = "";
      for (let k = 0; k < n; k++) {
        const sex = faker.helpers.arrayElement(["male", "female"] as const);
        const first = faker.person.firstName(sex);
        const last = faker.person.lastName();
        if (k === 0) headName = `${first} ${last}`;
        const nid = faker.string.numeric(10);
        const values: Record<string, string> = {
          id: faker.string.uuid(),
          functional_id: faker.string.numeric(12),
          household_id: hid,
          status: "ACTIVE",
          created_at: faker.date.past({ years: 5 }).toISOString(),
          created_by: "faker",
          approved_at: faker.date.past({ years: 4 }).toISOString(),
          approved_by: faker.internet.username(),
          updated_at: faker.date.recent().toISOString(),
          national_id: nid,
          first_name: first,
          middle_name: faker.datatype.boolean(0.3) ? faker.person.middleName() : "\\N",
          last_name: last,
          given_name: "\\N",
          gender: sex === "male" ? "MALE" : "FEMALE",
          birth_date: faker.date.birthdate({ min: 19, max: 82, mode: "age" }).toISOString().slice(0, 10),
          estimated_age: "\\N",
          phone_numbers: `{"${faker.phone.number()}"}`,
          emails: `{"${faker.internet.email({ firstName: first, lastName: last })}"}`,
          marital_status: pickW([
            { value: "MARRIED", weight: 63 },
            { value: "SINGLE", weight: 18 },
            { value: "WIDOWED", weight: 12 },
            { value: "DIVORCED", weight: 7 },
          ]),
          occupation: faker.person.jobTitle(),
          income_level: pickW([
            { value: "LOW", weight: 60 },
            { value: "MEDIUM", weight: 32 },
            { value: "HIGH", weight: 8 },
          ]),
          language: faker.helpers.arrayElement(["Swahili", "English", "Kikuyu"]),
          education_level: pickW([
            { value: "NEVER_ATTENDED", weight: 28 },
            { value: "PRIMARY", weight: 36 },
            { value: "SECONDARY", weight: 24 },
            { value: "TERTIARY", weight: 9 },
            { value: "NON_FORMAL", weight: 3 },
          ]),
          registration_date: faker.date.past({ years: 5 }).toISOString().slice(0, 10),
          latitude: String(faker.location.latitude({ min: -4.5, max: 4.5 })),
          longitude: String(faker.location.longitude({ min: 34, max: 41.5 })),
          address_line1: faker.location.streetAddress(),
          address_line2: "\\N",
          postal_code: faker.location.zipCode(),
          country_code: "KE",
          geo,
          has_personal_phone: faker.datatype.boolean(0.58) ? "t" : "f",
          disability_type: faker.datatype.boolean(0.07)
            ? faker.helpers.arrayElement(["Visual", "Hearing"])
            : "\\N",
          disability_severity: "\\N",
          income_source: pickW([
            { value: "CROP", weight: 55 },
            { value: "LIVESTOCK", weight: 27 },
            { value: "GOVERNMENT_NGO", weight: 10 },
            { value: "OTHER", weight: 8 },
          ]),
          language_spoken: faker.helpers.arrayElement(["Swahili", "English"]),
          masked_national_id: `******${nid.slice(-4)}`,
          search_text: `${first} ${last} ${nid}`.toLowerCase(),
        };
        farmers.push(
          fCols
            .map((c) => (c in values ? (values[c] === "\\N" ? "\\N" : esc(values[c]!)) : "\\N"))
            .join("\t"),
        );
      }
      const hv: Record<string, string> = {
        id: hid,
        status: "ACTIVE",
        created_at: faker.date.past({ years: 5 }).toISOString(),
        created_by: "faker",
        updated_at: faker.date.recent().toISOString(),
        head_name: headName,
        size: String(n),
        children_count: "0",
        female_count: "0",
        male_count: String(n),
        elderly_present: "f",
        geo,
        search_text: headName.toLowerCase(),
      };
      households.push(hCols.map((c) => (c in hv ? esc(hv[c]!) : "\\N")).join("\t"));
    }
    return { households, farmers };
  };
}

// ── coordinator side ────────────────────────────────────────────────────────────────────────────
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      households: { type: "string", default: "200000" },
      // faker is ~10× slower: its rate is measured on fewer households, so a round stays short.
      "faker-households": { type: "string" },
      workers: { type: "string", default: String(availableParallelism()) },
      rounds: { type: "string", default: "3" },
      "no-docs": { type: "boolean", default: false },
      // Generators on core 0, PostgreSQL on core 1: the database has a core of its own, as when it
      // runs on its own host; without it both share both cores and generation CPU is taken from COPY.
      pin: { type: "boolean", default: false },
    },
  });
  const pin = values.pin === true;
  if (pin) execFileSync("taskset", ["-a", "-p", "-c", "0", String(process.pid)], { stdio: "ignore" });
  const households = Number(values.households);
  const fakerHouseholds = Number(values["faker-households"] ?? Math.min(households, 50_000));
  const workers = Number(values.workers);
  const rounds = Number(values.rounds);
  const pgServer = await startEmbeddedPostgres({
    settings: { max_wal_size: "4GB", checkpoint_timeout: "30min" },
  });
  // Backends fork from the postmaster and inherit its core.
  if (pin) execFileSync("taskset", ["-a", "-p", "-c", "1", String(pgServer.pid)], { stdio: "ignore" });
  try {
    const url = pgServer.url;
    await migrate(url);
    const ds = farmerRegistry();
    const names = ds.tables.map((t) => t.name);
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    // Indexes and constraints aside for every contender (strain would do it itself; the others need it done).
    await dropSetAside(admin, await findSetAside(admin, names));
    const reset = async () => {
      await admin.query(`TRUNCATE ${names.map(quoteName).join(", ")}`);
      await admin.query("DROP SCHEMA IF EXISTS strain_data CASCADE");
      await admin.query("CHECKPOINT");
    };
    /** Seconds from the start of strain's load phase to its first chunk committed, per round. */
    const firstChunk: number[] = [];
    const results: Record<string, { rows: number; seconds: number }[]> = {
      ceiling: [],
      strain: [],
      faker: [],
    };
    for (let r = 0; r < rounds; r++) {
      for (const role of ["ceiling", "strain", "faker"] as const) {
        await reset();
        if (role === "strain") {
          const res = await loadDataset({
            source: { kind: "builtin", name: "farmer-registry", options: {} },
            dataset: ds,
            databaseUrl: url,
            scale: households,
            seed: 1,
            workers,
            // Pinned stands for a database on its own host, where strain data generates ahead by
            // default; sharing the cores, the default (inline) applies.
            ...(pin ? { generateAhead: true } : {}),
            observer: {
              onProgress: (p) => {
                if (p.chunksDone === 1) firstChunk.push(p.elapsed);
              },
            },
          });
          const rows = res.tables.reduce((s, t) => s + t.rows, 0);
          results.strain!.push({ rows, seconds: res.seconds.load });
        } else {
          const n = role === "faker" ? fakerHouseholds : households;
          results[role]!.push(await forkJobs(role, url, n, ds.chunkRoots ?? 1000, workers));
        }
        const last = results[role]!.at(-1)!;
        process.stderr.write(
          `round ${r + 1} ${role.padEnd(8)} ${fmt(last.rows)} rows in ${last.seconds.toFixed(2)} s = ${fmt(last.rows / last.seconds)} rows/s\n`,
        );
      }
    }
    await admin.end();
    const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const rate = (k: string) => med(results[k]!.map((x) => x.rows / x.seconds));
    const ceiling = rate("ceiling");
    const strain = rate("strain");
    const fakerRate = rate("faker");
    const cpu = cpus()[0]?.model ?? "unknown CPU";
    const table =
      `Command: \`npm run bench:data -w bench -- --households ${households} --workers ${workers} --rounds ${rounds}${pin ? " --pin" : ""}\`  \n` +
      (pin
        ? "Cores: the generators (every contender's processes) pinned to core 0, PostgreSQL (postmaster and backends) to core 1, as with a database on its own host; strain generates ahead (the next chunk on a thread while the current one is written), its default for a remote database.  \n"
        : "Cores: generators and PostgreSQL share both cores (nothing pinned), so every µs spent generating is taken from COPY; strain generates inline, its default when the database shares this machine's cores.  \n") +
      `Machine: ${cpus().length} cores (${cpu}), Node ${process.version}, PostgreSQL 18 (embedded), ${new Date().toISOString().slice(0, 10)}. ` +
      `${households.toLocaleString("en-US")} households → ${fmt(results.strain![0]!.rows)} rows over ${names.length} tables; ${workers} COPY streams; indexes set aside; median of ${rounds} rounds run A B C alternately.\n\n` +
      "| contender | rows/s (median) | per round | vs ceiling |\n|---|---:|---|---:|\n" +
      (["ceiling", "strain", "faker"] as const)
        .map(
          (k) =>
            `| ${k === "ceiling" ? "COPY ceiling (pre-generated, pre-encoded rows)" : k === "strain" ? "`strain data farmer-registry`" : `faker per field (households + farmers only, ${fakerHouseholds.toLocaleString("en-US")} households)`} | ${fmt(rate(k))} | ${results[k]!.map((x) => fmt(x.rows / x.seconds)).join(" · ")} | ${((100 * rate(k)) / ceiling).toFixed(0)}% |`,
        )
        .join("\n") +
      `\n\nstrain reaches **${((100 * strain) / ceiling).toFixed(1)}%** of the COPY ceiling (goal ≥ 90%) and runs **${(strain / fakerRate).toFixed(1)}×** the faker-per-field baseline's rows/s. ` +
      `Its load phase includes starting its loader processes and generating the first chunk: the first chunk was committed ${med(firstChunk).toFixed(2)} s (median; ${firstChunk.map((x) => x.toFixed(2)).join(" · ")}) after the phase began.\n`;
    process.stdout.write(`\n${table}`);
    if (!values["no-docs"]) replaceSection(pin ? "data-copy-pinned" : "data-copy", table);
  } finally {
    await pgServer.stop();
  }
}

async function forkJobs(
  role: "ceiling" | "faker",
  url: string,
  households: number,
  chunkRoots: number,
  workers: number,
) {
  const children = Array.from({ length: workers }, () =>
    fork(SELF, ["--worker"], { execArgv: ["--import", "tsx"], stdio: "inherit" }),
  );
  const ready = children.map((c) => new Promise<void>((r) => c.once("message", () => r())));
  for (const [i, c] of children.entries())
    c.send({ role, url, households, chunkRoots, worker: i, workers, seed: 1 } satisfies Job);
  await Promise.all(ready);
  const t0 = performance.now();
  const done = children.map(
    (c) => new Promise<{ rows: number }>((r) => c.once("message", (m: { rows: number }) => r(m))),
  );
  for (const c of children) c.send({ type: "go" });
  const all = await Promise.all(done);
  return { rows: all.reduce((s, x) => s + x.rows, 0), seconds: (performance.now() - t0) / 1000 };
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

if (process.argv[2] !== "--worker") {
  main().catch((err: unknown) => {
    process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  });
}
