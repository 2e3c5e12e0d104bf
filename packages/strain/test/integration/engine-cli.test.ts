import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CliIO } from "../../src/cli/io.js";
import { runMain } from "../../src/cli/main.js";
import { type GroundTruthServer, startGroundTruthServer } from "../fixtures/ground-truth-server.js";
import { tempDir, writePlan } from "../helpers/run-plan.js";

function fakeIO(isTTY: boolean): CliIO & { out: string; err: string } {
  const io = {
    out: "",
    err: "",
    stdout: {
      write: (s: string) => {
        io.out += s;
      },
    },
    stderr: {
      write: (s: string) => {
        io.err += s;
      },
    },
    isTTY,
    env: {},
    cwd: process.cwd(),
    onSignal: () => () => {},
  };
  return io;
}

describe("strain run in-process (injected io)", () => {
  let server: GroundTruthServer;
  const dir = tempDir();
  let plan = "";
  beforeAll(async () => {
    server = await startGroundTruthServer({ recordArrivals: false });
    plan = writePlan(
      dir,
      "p.ts",
      `import { definePlan } from "strain";
export default definePlan({
  name: "cli-inproc",
  baseUrl: "${server.url}",
  scenarios: {
    browse: { executor: "constant-arrival-rate", rate: 40, duration: "3s", preAllocatedVUs: 5,
              flow: async (vu) => { await vu.http.get("/delay?ms=10", { name: "page" }); } },
  },
});`,
    );
  });
  afterAll(async () => {
    await server.close();
  });

  it("on a TTY redraws one live line per scenario and ends with the table", async () => {
    const io = fakeIO(true);
    expect(await runMain(["run", plan, "-o", dir, "-w", "1"], io)).toBe(0);
    expect(io.err).toContain("\u001b[1A"); // cursor up: the line is redrawn in place
    expect(io.err).toMatch(/browse\s+00:0\d \/ 00:03\s+VUs\s+\d+\s+\d+ req\/s\s+p95\s+\S+\s+errors 0\.00%/);
    expect(io.out).toMatch(/page\s+120\s/);
    expect(io.out).toMatch(/120 scheduled = 120 ok/);
  });

  it("--quiet prints no progress, only the summary", async () => {
    const io = fakeIO(false);
    expect(await runMain(["run", plan, "-o", dir, "-w", "1", "--quiet"], io)).toBe(0);
    expect(io.err).toBe("");
    expect(io.out).toMatch(/cli-inproc: completed/);
  });

  it("rejects bad usage with exit 2", async () => {
    const io = fakeIO(false);
    expect(await runMain(["run", plan, "--workers", "0"], io)).toBe(2);
    expect(await runMain(["run", plan, "--env", "=x"], io)).toBe(2);
    expect(io.err).toMatch(/missing the variable name/);
  });
});
