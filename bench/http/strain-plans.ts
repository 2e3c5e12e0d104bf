/**
 * The plans Strain runs in the benchmarks, generated as TypeScript files like a user would write them.
 *
 *   minimal    one GET, nothing else
 *   realistic  a named request with tags, a check on the status; the scenario tagged too
 *
 * Closed loop ("max"): constant-vus, one VU per connection. Fixed rate: constant-arrival-rate with
 * maxVUs well above what the rate needs, so a stalled server shows as latency, not as dropped
 * iterations.
 */
import type { Load } from "./tool.js";

export type StrainFlavour = "minimal" | "realistic";

/** VUs an arrival-rate scenario may grow to (the stall test holds 400 requests at once). */
const MAX_VUS = 1000;

const FLOWS: Record<StrainFlavour, string> = {
  minimal: `async (vu) => {
        await vu.http.get("/");
      }`,
  realistic: `async (vu) => {
        const res = await vu.http.get("/", { name: "home", tags: { page: "home" } });
        vu.check(res, { "status is 200": (r) => r.status === 200 });
      }`,
};

/** The source of a plan applying `load` to `url` with the given flow. */
export function renderPlan(flavour: StrainFlavour, load: Load, url: string): string {
  const origin = new URL(url).origin;
  const executor =
    load.kind === "max"
      ? `executor: "constant-vus",
      vus: ${load.connections},
      duration: "${load.seconds}s",`
      : `executor: "constant-arrival-rate",
      rate: ${load.rate},
      duration: "${load.seconds}s",
      preAllocatedVUs: ${load.connections},
      maxVUs: ${Math.max(MAX_VUS, load.connections)},`;
  return `import { definePlan } from "strain";

export default definePlan({
  name: "bench-${flavour}-${load.kind}",
  baseUrl: "${origin}",
  http: { connections: ${load.kind === "rate" ? (load.maxConnections ?? load.connections) : load.connections} },
  scenarios: {
    load: {
      ${executor}${flavour === "realistic" ? `\n      tags: { team: "bench" },` : ""}
      flow: ${FLOWS[flavour]},
    },
  },
});
`;
}

/** A plan of one request: what Strain costs to start, bundle, run nothing much, report and stop. */
export function renderStartupPlan(url: string): string {
  return `import { definePlan } from "strain";

export default definePlan({
  name: "bench-startup",
  baseUrl: "${new URL(url).origin}",
  scenarios: {
    once: { executor: "shared-iterations", vus: 1, iterations: 1, flow: ${FLOWS.minimal} },
  },
});
`;
}
