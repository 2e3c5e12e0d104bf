import { describe, expect, it } from "vitest";
import { runPinned } from "./pinned-run.js";

/** Burns `ms` of its own CPU time (not wall time), so a busy machine does not change the figure. */
const burn = (ms: number) =>
  `const t = process.cpuUsage(); while ((process.cpuUsage(t).user + process.cpuUsage(t).system) / 1000 < ${ms}) {}`;

describe("runPinned", () => {
  it("counts the CPU of a child that outlives its parent", async () => {
    // The parent starts a child that burns 400 ms of CPU, then exits at once: the child is orphaned,
    // as Strain's worker is when its coordinator exits first.
    const parent = `
      const { spawn } = require("node:child_process");
      spawn(process.execPath, ["-e", ${JSON.stringify(burn(400))}], { stdio: "ignore" }).unref();
    `;
    const r = await runPinned([process.execPath, "-e", parent], { core: 0, timeoutMs: 30_000 });
    expect(r.exitCode).toBe(0);
    expect(r.cpuSeconds).toBeGreaterThanOrEqual(0.4);
    expect(r.maxProcessRssBytes).toBeGreaterThan(10e6);
  });

  it("passes the tool's output and exit code through", async () => {
    const r = await runPinned([process.execPath, "-e", 'process.stdout.write("hi"); process.exit(3)'], {
      core: 0,
      timeoutMs: 30_000,
    });
    expect(r.stdout).toBe("hi");
    expect(r.exitCode).toBe(3);
  });
});
