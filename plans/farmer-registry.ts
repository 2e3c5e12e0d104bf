import { definePlan, preset, type Response, type VU } from "strain";

/**
 * Seed 000's Farmer Registry under a mixed staff workload: logins, searches by name and by id,
 * registrations (create + update), and batches of async jobs (score, dedup, idgen) awaited until
 * done. `npm start` runs it against targets/registry; point REGISTRY_URL at another deployment
 * of the registry to run it there.
 *
 * Transactions (what the criteria table keys on): login, search, search by id, create farmer,
 * update farmer, enqueue jobs, await jobs. Request categories: login, search, online_transaction,
 * async_job.
 */

// The demo passes the registry's URL in the environment (and with --env); read at load time.
const target = process.env.REGISTRY_URL ?? "http://127.0.0.1:8080";
const duration = process.env.STRAIN_DEMO_DURATION ?? "60s";
// The registry's database, when the demo (or you) gives it: the PostgreSQL monitor then watches it.
const database = process.env.REGISTRY_DATABASE_URL;

interface SetupData {
  /** "First Last" of existing farmers, to search by name. */
  names: string[];
  /** Functional ids (or internal ids when not yet assigned) of existing farmers. */
  ids: string[];
}

interface LoginBody {
  access_token: string;
  expires_in: number;
}

const credentials = (env: Readonly<Record<string, string>>) => ({
  username: env.REGISTRY_USER ?? "staff",
  password: env.REGISTRY_PASSWORD ?? "staff-password",
});

/** The VU's bearer token; a VU logs in once and again a minute before its token expires. */
async function token(vu: VU): Promise<string | undefined> {
  const cached = vu.state.token as { value: string; until: number } | undefined;
  if (cached !== undefined && Date.now() < cached.until) return cached.value;
  const res = await login(vu);
  if (res.status !== 200) return undefined;
  const body = res.json<LoginBody>();
  vu.state.token = { value: body.access_token, until: Date.now() + (body.expires_in - 60) * 1000 };
  return body.access_token;
}

function login(vu: VU): Promise<Response> {
  return vu.transaction("login", () =>
    vu.http.post("/auth/login", {
      json: credentials(vu.env),
      name: "POST /auth/login",
      category: "login",
      responseType: "json",
    }),
  );
}

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!;
const bearer = (t: string) => ({ authorization: `Bearer ${t}` });

const FIRST = [
  "Amina",
  "Baraka",
  "Chebet",
  "Daniel",
  "Esther",
  "Faith",
  "Hassan",
  "Joyce",
  "Kamau",
  "Wanjiru",
];
const LAST = [
  "Otieno",
  "Mwangi",
  "Kiprono",
  "Achieng",
  "Wafula",
  "Njoroge",
  "Omondi",
  "Chege",
  "Ruto",
  "Were",
];
const REGIONS = ["Central", "Coast", "Eastern", "Nyanza", "Rift Valley", "Western"];

function newFarmer(vu: VU): Record<string, unknown> {
  const age = 19 + Math.floor(Math.random() * 60);
  const size = 1 + Math.floor(Math.random() * 8);
  return {
    farmer: {
      national_id: `PL-${vu.id}-${vu.iteration}-${Math.floor(Math.random() * 1e9)}`,
      first_name: pick(FIRST),
      last_name: pick(LAST),
      gender: Math.random() < 0.53 ? "MALE" : "FEMALE",
      birth_date: `${new Date().getFullYear() - age}-0${1 + Math.floor(Math.random() * 9)}-1${Math.floor(Math.random() * 9)}`,
      phone_numbers:
        Math.random() < 0.58 ? [`+2547${String(Math.floor(Math.random() * 1e8)).padStart(8, "0")}`] : [],
      marital_status: "MARRIED",
      education_level: "PRIMARY",
      income_source: "CROP",
      location: { region: pick(REGIONS), village: "Plan village", country_code: "KE" },
    },
    household: { size, children_count: Math.floor(Math.random() * size) },
    lands: [
      {
        ownership: "OWNER",
        size: Math.round((0.15 + Math.random() * 8) * 100) / 100,
        size_unit: "HECTARE",
        farming_type: "MIXED",
        crops: [{ crop_name: "Maize" }],
        livestock: [{ animal_type: "Goats", head_count: 1 + Math.floor(Math.random() * 20) }],
      },
    ],
  };
}

export default definePlan<SetupData>({
  name: "farmer-registry",
  description: "Seed 000: the Farmer Registry under logins, searches, registrations and async jobs",
  baseUrl: target,
  ...(database !== undefined ? { monitors: { postgres: database } } : {}),
  // Seed 001's table (openIMIS preset): login 2 s / 5 s, search 5 s / 7 s, online transactions
  // 3 s / 5 s, HTTP 4xx / 5xx, transaction failures, peak-load errors and deadlocks.
  criteria: [
    preset("openimis", {
      online: { where: { transaction: "create farmer" } },
      // Deadlocks need the database monitor: without it the row would fail for lack of data.
      ...(database === undefined ? { "database-deadlocks": false as const } : {}),
    }),
  ],
  async setup({ http, env }) {
    const res = await http.post("/auth/login", { json: credentials(env), responseType: "json" });
    if (res.status !== 200) throw new Error(`setup: login failed with HTTP ${res.status}`);
    const auth = bearer(res.json<LoginBody>().access_token);
    const names: string[] = [];
    const ids: string[] = [];
    for (const offset of [0, 100, 200]) {
      const page = await http.get("/farmers", {
        query: { limit: 100, offset, sort: "name" },
        headers: auth,
        responseType: "json",
      });
      if (page.status !== 200) throw new Error(`setup: listing farmers failed with HTTP ${page.status}`);
      for (const f of page.json<{
        items: { id: string; functional_id: string | null; first_name: string; last_name: string }[];
      }>().items) {
        names.push(`${f.first_name} ${f.last_name}`);
        ids.push(f.functional_id ?? f.id);
      }
    }
    if (ids.length === 0) throw new Error("setup: the registry has no farmers (seed it first)");
    return { names, ids };
  },
  scenarios: {
    // Staff signing in: each iteration is one login.
    login: {
      executor: "constant-arrival-rate",
      rate: 2,
      duration,
      preAllocatedVUs: 2,
      maxVUs: 10,
      flow: async (vu) => {
        const res = await login(vu);
        vu.check(res, { "login 200": (r) => r.status === 200 });
      },
    },
    // Look-ups: 60% by name (trigram search), 40% by id.
    search: {
      executor: "constant-arrival-rate",
      rate: 20,
      duration,
      preAllocatedVUs: 10,
      maxVUs: 60,
      mix: [
        {
          name: "by-name",
          weight: 3,
          flow: async (vu) => {
            const t = await token(vu);
            if (t === undefined) return;
            const res = await vu.transaction("search", () =>
              vu.http.get("/farmers", {
                query: { q: pick((vu.setupData as SetupData).names), limit: 20 },
                headers: bearer(t),
                name: "GET /farmers?q",
                category: "search",
              }),
            );
            vu.check(res, { "search 200": (r) => r.status === 200 });
          },
        },
        {
          name: "by-id",
          weight: 2,
          flow: async (vu) => {
            const t = await token(vu);
            if (t === undefined) return;
            const res = await vu.transaction("search by id", () =>
              vu.http.get(`/farmers/${encodeURIComponent(pick((vu.setupData as SetupData).ids))}`, {
                headers: bearer(t),
                name: "GET /farmers/:id",
                category: "search",
              }),
            );
            vu.check(res, { "get 200": (r) => r.status === 200 });
          },
        },
      ],
    },
    // Registration clerks: create a farmer with household and land, then correct a field.
    register: {
      executor: "constant-vus",
      vus: 2,
      duration,
      flow: async (vu) => {
        const t = await token(vu);
        if (t === undefined) return;
        const created = await vu.transaction("create farmer", () =>
          vu.http.post("/farmers", {
            json: newFarmer(vu),
            headers: bearer(t),
            name: "POST /farmers",
            category: "online_transaction",
            responseType: "json",
          }),
        );
        if (!vu.check(created, { "create 201": (r) => r.status === 201 })) return;
        const id = created.json<{ farmer: { id: string } }>().farmer.id;
        await vu.sleep({ uniform: ["200ms", "600ms"] });
        const updated = await vu.transaction("update farmer", () =>
          vu.http.patch(`/farmers/${id}`, {
            json: { occupation: "Farmer", has_personal_phone: true },
            headers: bearer(t),
            name: "PATCH /farmers/:id",
            category: "online_transaction",
          }),
        );
        vu.check(updated, { "update 200": (r) => r.status === 200 });
        await vu.sleep({ uniform: ["500ms", "1500ms"] });
      },
    },
    // Batches of async jobs, awaited to completion (seed 000's Celery POD test, in small).
    jobs: {
      executor: "constant-arrival-rate",
      rate: 1,
      timeUnit: "2s",
      duration,
      preAllocatedVUs: 2,
      maxVUs: 8,
      gracefulStop: "20s",
      flow: async (vu) => {
        const t = await token(vu);
        if (t === undefined) return;
        const task = pick(["score", "score", "dedup", "idgen"]);
        const enq = await vu.transaction("enqueue jobs", () =>
          vu.http.post(`/jobs/${task}`, {
            json: { count: 10 },
            headers: bearer(t),
            name: "POST /jobs/:task",
            category: "async_job",
            responseType: "json",
            tags: { task },
          }),
        );
        if (!vu.check(enq, { "enqueue 202": (r) => r.status === 202 })) return;
        const batch = enq.json<{ batch_id: string }>().batch_id;
        const done = await vu.transaction("await jobs", async () => {
          for (let i = 0; i < 100; i++) {
            const s = await vu.http.get("/jobs", {
              query: { batch },
              headers: bearer(t),
              name: "GET /jobs?batch",
              category: "async_job",
              responseType: "json",
              tags: { task },
            });
            if (s.status === 200 && s.json<{ done: boolean }>().done) return true;
            await vu.sleep("200ms");
          }
          return false;
        });
        vu.check(done, { "jobs done within 20s": (d) => d });
      },
    },
  },
});
