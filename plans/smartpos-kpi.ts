import { definePlan, preset } from "strain";

/**
 * SmartPOS "Scenario 1: Peak Transaction Volume" (seed 002) judged against its Key Performance
 * Indicators: P50 < 200 ms (alert 300), P95 < 500 ms (800), P99 < 1000 ms (1500), error rate
 * < 0.5% (1%), throughput 15,000 RPS (alert < 12,000) over the steady window.
 *
 *   TARGET_URL=http://127.0.0.1:8080 RATE=15000 npx strain run plans/smartpos-kpi.ts --workers 8
 *
 * The `smartpos-kpi` preset judges every request together; lower RATE for a rehearsal and lower
 * the throughput row with it (`throughput: { target: ">=500/s", threshold: ">=400/s" }`).
 */
const target = process.env.TARGET_URL ?? "http://127.0.0.1:8080";
const rate = Number(process.env.RATE ?? 15000);
const hold = process.env.HOLD ?? "1h";

// One request per iteration, so iterations per second are requests per second.
export default definePlan({
  name: "smartpos-kpi",
  baseUrl: target,
  scenarios: {
    peak: {
      executor: "ramping-arrival-rate",
      startRate: 0,
      preAllocatedVUs: 200,
      maxVUs: 5000,
      stages: [
        { duration: "5m", target: rate, name: "ramp-up" },
        { duration: hold, target: rate, name: "sustain" },
      ],
      // The seed's traffic mix: 40% orders, 30% payment confirmations, 20% bills, 10% device tokens.
      mix: [
        {
          name: "order-creation",
          weight: 40,
          flow: async (vu) => {
            await vu.http.post("/v1/orders", {
              json: { items: [{ sku: "A1", qty: 1 }] },
              category: "order-creation",
            });
          },
        },
        {
          name: "payment-confirmation",
          weight: 30,
          flow: async (vu) => {
            await vu.http.post(`/v1/payments/pi_${vu.id}/confirm`, {
              name: "/v1/payments/:id/confirm",
              category: "payment-confirmation",
            });
          },
        },
        {
          name: "bill-retrieval",
          weight: 20,
          flow: async (vu) => {
            await vu.http.get(`/v1/bills/${vu.iteration % 1000}`, {
              name: "/v1/bills/:id",
              category: "bill-retrieval",
            });
          },
        },
        {
          name: "device-token",
          weight: 10,
          flow: async (vu) => {
            await vu.http.post("/v1/devices/token", {
              json: { deviceId: `dev-${vu.id}` },
              category: "device-token",
            });
          },
        },
      ],
    },
  },
  criteria: [preset("smartpos-kpi")],
});
