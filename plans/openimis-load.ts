import { definePlan, preset } from "strain";

/**
 * openIMIS load test with seed 001's criteria table (Table 1: target and threshold values).
 *
 *   TARGET_URL=http://127.0.0.1:8000 npx strain run plans/openimis-load.ts --junit criteria.xml
 *
 * The `openimis` preset keys on the `transaction` tag: user actions are named `login`, `search`
 * and `online` (creating an insuree), as below. Its database-deadlocks row reads the PostgreSQL
 * monitor's `pg_deadlocks`; without a Postgres monitor that row has no data and fails — drop it
 * with `"database-deadlocks": false` if the run cannot watch the database.
 */
const target = process.env.TARGET_URL ?? "http://127.0.0.1:8000";
const users = Number(process.env.USERS ?? 30);

export default definePlan({
  name: "openimis-load",
  description: "Ramp to the peak, hold it, ramp down; judged against seed 001's Table 1",
  baseUrl: target,
  scenarios: {
    // JMeter's thread groups, as a closed model: users log in, search, and create an insuree.
    officers: {
      executor: "ramping-vus",
      startVUs: 0,
      stages: [
        { duration: "2m", target: users, name: "ramp-up" },
        { duration: "10m", target: users, name: "peak" },
        { duration: "1m", target: 0, name: "ramp-down" },
      ],
      flow: async (vu) => {
        const login = await vu.transaction("login", () =>
          vu.http.post("/api/auth/login", {
            json: { username: "officer", password: vu.env.OPENIMIS_PASSWORD ?? "" },
            responseType: "json",
          }),
        );
        const token = login.status === 200 ? login.json<{ token: string }>().token : "";
        const headers = { authorization: `Bearer ${token}` };
        await vu.sleep({ uniform: ["1s", "3s"] });
        await vu.transaction("search", async () => {
          const res = await vu.http.get("/api/insurees", {
            query: { name: "amina" },
            headers,
            name: "search insurees",
          });
          vu.check(res, { "search answered": (r) => r.status === 200 });
        });
        await vu.sleep({ uniform: ["2s", "5s"] });
        await vu.transaction("online", () =>
          vu.http.post("/api/insurees", {
            json: { chfId: `T${vu.id}-${vu.iteration}`, lastName: "Test", otherNames: "Load" },
            headers,
            name: "create insuree",
          }),
        );
        await vu.sleep({ uniform: ["3s", "8s"] });
      },
    },
  },
  options: { secrets: ["OPENIMIS_PASSWORD"] },
  criteria: [
    preset("openimis"),
    // The criteria table can hold rows of its own beside the preset's.
    { label: "Checks", metric: "checks", stat: "rate", target: ">=99.9%", threshold: ">=99%" },
  ],
});
