import { createServer, type Server } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runPlan, tempDir, writePlan } from "../helpers/run-plan.js";

/**
 * A server that answers each request 20 ms after it arrives, in order, and records how many
 * requests a connection held unanswered at once: 1 without pipelining, up to `http.pipelining`
 * with it.
 */
let server: Server;
let url = "";
let connections = 0;
let maxUnanswered = 0;

beforeAll(async () => {
  server = createServer((socket) => {
    connections++;
    let unanswered = 0;
    let buffered = "";
    let answerAt = 0;
    socket.on("error", () => {});
    socket.on("data", (chunk: Buffer) => {
      buffered += chunk.toString("latin1");
      for (let end = buffered.indexOf("\r\n\r\n"); end >= 0; end = buffered.indexOf("\r\n\r\n")) {
        buffered = buffered.slice(end + 4);
        unanswered++;
        maxUnanswered = Math.max(maxUnanswered, unanswered);
        // In order, each 20 ms after the later of its arrival and the previous answer.
        answerAt = Math.max(answerAt, performance.now()) + 20;
        setTimeout(() => {
          unanswered--;
          socket.write("HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok");
        }, answerAt - performance.now());
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("plan http.driver and http.pipelining reach the wire", () => {
  const dir = tempDir();

  it.each([
    ["fast", 1],
    ["fast", 3],
    ["undici", 3],
  ] as const)("driver %s, pipelining %i: 6 VUs on 2 connections", async (driver, pipelining) => {
    connections = 0;
    maxUnanswered = 0;
    const plan = writePlan(
      dir,
      `pipe-${driver}-${pipelining}.ts`,
      `import { definePlan } from "strain";
export default definePlan({
  name: "pipe",
  baseUrl: "${url}",
  http: { connections: 2, driver: "${driver}", pipelining: ${pipelining} },
  scenarios: {
    s: { executor: "per-vu-iterations", vus: 6, iterations: 5, flow: async (vu) => { await vu.http.get("/x"); } },
  },
});`,
    );
    const { result } = await runPlan(plan, { workers: 1, runsDir: dir });
    expect(result.summary.requests.ok).toBe(30);
    expect(connections).toBe(2);
    expect(maxUnanswered).toBe(pipelining);
  });

  it("refuses an unknown driver and a pipelining depth below 1 before any traffic", async () => {
    const plan = writePlan(
      dir,
      "pipe-bad.ts",
      `import { definePlan } from "strain";
export default definePlan({
  name: "pipe-bad",
  baseUrl: "${url}",
  http: { driver: "curl" as never, pipelining: 0 },
  scenarios: { s: { executor: "shared-iterations", vus: 1, iterations: 1, flow: async (vu) => { await vu.http.get("/x"); } } },
});`,
    );
    connections = 0;
    const err = await runPlan(plan, { workers: 1, runsDir: dir }).then(
      () => null,
      (e: unknown) => e as { code?: string; details?: string[] },
    );
    expect(err?.code).toBe("STRAIN_ERR_PLAN_INVALID");
    expect(err?.details?.join("\n")).toMatch(/^http\.driver: .*"auto".*$/m);
    expect(err?.details?.join("\n")).toMatch(/^http\.pipelining: /m);
    expect(connections).toBe(0);
  });
});
