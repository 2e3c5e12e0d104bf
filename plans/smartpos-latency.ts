import { definePlan, preset } from "strain";

/**
 * SmartPOS latency breakdown by endpoint category (seed 002): P50 / P95 / P99 targets for
 * authentication, device tokens, orders, payment intents and confirmations, and sync / async
 * reports.
 *
 *   TARGET_URL=http://127.0.0.1:8080 npx strain run plans/smartpos-latency.ts
 *
 * The `smartpos-latency` preset keys on the `category` tag: every request names its endpoint
 * category (`{ category: "order-creation" }`). The seed gives targets only, so each row passes or
 * fails at its target. The async report row times the enqueue request (the seed's queue time).
 */
const target = process.env.TARGET_URL ?? "http://127.0.0.1:8080";
const duration = process.env.DURATION ?? "10m";

export default definePlan({
  name: "smartpos-latency",
  baseUrl: target,
  scenarios: {
    // A cashier's session, closed model: sign in, take orders and payments, now and then a report.
    cashiers: {
      executor: "constant-vus",
      vus: Number(process.env.VUS ?? 50),
      duration,
      flow: async (vu) => {
        const auth = await vu.http.post("/v1/auth/token", {
          json: { user: `cashier-${vu.id}`, password: vu.env.POS_PASSWORD ?? "" },
          category: "authentication",
          responseType: "json",
        });
        const token = auth.status === 200 ? auth.json<{ access_token: string }>().access_token : "";
        const headers = { authorization: `Bearer ${token}` };
        await vu.http.post("/v1/devices/token", {
          json: { deviceId: `dev-${vu.id}` },
          headers,
          category: "device-token",
        });
        for (let i = 0; i < 5; i++) {
          await vu.http.post("/v1/orders", {
            json: { items: [{ sku: "A1", qty: 1 }] },
            headers,
            category: "order-creation",
          });
          await vu.http.post("/v1/payment-intents", {
            json: { amount: 100000 },
            headers,
            category: "payment-intent",
          });
          await vu.http.post(`/v1/payment-intents/pi_${vu.id}_${i}/confirm`, {
            headers,
            name: "/v1/payment-intents/:id/confirm",
            category: "payment-confirmation",
          });
          await vu.sleep({ uniform: ["1s", "3s"] });
        }
        if (vu.iteration % 10 === 0) {
          await vu.http.get("/v1/reports/daily", { headers, category: "report-sync" });
          await vu.http.post("/v1/reports", { json: { kind: "monthly" }, headers, category: "report-async" });
        }
      },
    },
  },
  options: { secrets: ["POS_PASSWORD"] },
  criteria: [preset("smartpos-latency")],
});
