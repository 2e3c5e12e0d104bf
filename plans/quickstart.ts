import { definePlan } from "strain";

// `strain demo` starts a target on loopback and passes its URL here.
const target = process.env.TARGET_URL ?? "http://127.0.0.1:8080";
const duration = process.env.STRAIN_DEMO_DURATION ?? "20s";

export default definePlan({
  name: "quickstart",
  baseUrl: target,
  scenarios: {
    // Open model: 50 user journeys start every second, whatever the target's latency.
    search: {
      executor: "constant-arrival-rate",
      rate: 50,
      duration,
      preAllocatedVUs: 20,
      maxVUs: 200,
      flow: async (vu) => {
        await vu.transaction("login", () =>
          vu.http.post("/login", { json: { user: "demo" }, category: "login" }),
        );
        const res = await vu.http.get("/search", {
          query: { q: "amina" },
          name: "search",
          category: "search",
        });
        vu.check(res, { "status is 200": (r) => r.status === 200 });
        await vu.sleep({ uniform: ["100ms", "300ms"] });
      },
    },
    // Closed model: 4 users creating records back to back with think time.
    create: {
      executor: "constant-vus",
      vus: 4,
      duration,
      flow: async (vu) => {
        await vu.http.post("/items", {
          json: { name: `item-${vu.id}-${vu.iteration}` },
          name: "create item",
        });
        await vu.sleep("250ms");
      },
    },
  },
});
