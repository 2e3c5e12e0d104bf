/**
 * wrk: closed loop only (one thread, N connections). It cannot hold a rate (wrk2's -R is not in
 * wrk), so it has no fixed-rate invocation; in the stall test it runs closed-loop to show the
 * coordinated omission. Its percentiles come from a done() Lua hook over its own histogram.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Invocation, type Load, numberFrom, type Tool } from "./tool.js";

const LATENCY_SCRIPT = `done = function(summary, latency, requests)
  io.write(string.format("strain-bench-latency-us %d %d %d %d\\n",
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max))
end
`;

export function createWrk(): Tool {
  return {
    name: "wrk",
    missing() {
      try {
        execFileSync("wrk", ["--version"], { stdio: "ignore" });
      } catch (err) {
        // wrk --version exits 1 after printing its version.
        if ((err as { code?: string }).code === "ENOENT")
          return "wrk is not installed (bench/install-peers.sh)";
      }
      return null;
    },
    version() {
      try {
        execFileSync("wrk", ["--version"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
        return "wrk";
      } catch (err) {
        // "wrk debian/4.1.0-3+b2 [epoll] Copyright (C) 2012 Will Glozer"
        const out = String((err as { stdout?: string }).stdout ?? "");
        return /^wrk \S+/.exec(out)?.[0] ?? "wrk";
      }
    },
    invocation(load: Load, url: string, latencies: boolean): Invocation | null {
      if (load.kind !== "max") return null;
      let scriptDir: string | undefined;
      const argv = ["wrk", "-t1", `-c${load.connections}`, `-d${load.seconds}s`];
      if (latencies) {
        scriptDir = mkdtempSync(join(tmpdir(), "strain-bench-wrk-"));
        const script = join(scriptDir, "latency.lua");
        writeFileSync(script, LATENCY_SCRIPT);
        argv.push("-s", script);
      }
      argv.push(url);
      return {
        argv,
        shown: `wrk -t1 -c${load.connections} -d${load.seconds}s${latencies ? " -s latency.lua" : ""} $URL`,
        read({ stdout }) {
          if (scriptDir !== undefined) rmSync(scriptDir, { recursive: true, force: true });
          const completed = numberFrom(stdout, /(\d+) requests in/, "wrk");
          const inSeconds = /requests in ([\d.]+)(m?s)/.exec(stdout);
          const loadSeconds =
            inSeconds !== null ? Number(inSeconds[1]) / (inSeconds[2] === "ms" ? 1000 : 1) : load.seconds;
          const m = /strain-bench-latency-us (\d+) (\d+) (\d+) (\d+)/.exec(stdout);
          return {
            completed,
            loadSeconds,
            ...(m !== null
              ? {
                  latency: {
                    p50: Number(m[1]) / 1000,
                    p95: Number(m[2]) / 1000,
                    p99: Number(m[3]) / 1000,
                    max: Number(m[4]) / 1000,
                    note: "closed loop: wrk cannot hold a rate",
                  },
                }
              : {}),
          };
        },
      };
    },
  };
}
