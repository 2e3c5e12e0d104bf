/**
 * h2load (nghttp2) over HTTP/1.1: `--h1 -t1 -c N -D s`, and `--rps r` (requests per second per
 * client) for a fixed rate. h2load prints min/max/mean only, so for the stall test its percentiles
 * are computed from its own per-request log (`--log-file`: start, status, µs to the end of the response).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { nearestRank } from "./ground-truth.js";
import { type Invocation, type Load, numberFrom, type Tool } from "./tool.js";

export function createH2load(): Tool {
  return {
    name: "h2load",
    missing() {
      try {
        execFileSync("h2load", ["--version"], { stdio: "ignore" });
        return null;
      } catch {
        return "h2load is not installed (bench/install-peers.sh: nghttp2-client)";
      }
    },
    version() {
      return execFileSync("h2load", ["--version"], { encoding: "utf8" }).trim();
    },
    invocation(load: Load, url: string, latencies: boolean): Invocation | null {
      const argv = ["h2load", "--h1", "-t1", `-c${load.connections}`, "-D", String(load.seconds)];
      let shown = `h2load --h1 -t1 -c${load.connections} -D ${load.seconds}`;
      if (load.kind === "rate") {
        const perClient = load.rate / load.connections;
        if (!Number.isInteger(perClient)) return null; // --rps is per client and whole
        argv.push(`--rps=${perClient}`);
        shown += ` --rps=${perClient}`;
      }
      let logDir: string | undefined;
      if (latencies) {
        logDir = mkdtempSync(join(tmpdir(), "strain-bench-h2load-"));
        argv.push(`--log-file=${join(logDir, "requests.tsv")}`);
        shown += " --log-file=requests.tsv";
      }
      argv.push(url);
      shown += " $URL";
      return {
        argv,
        shown,
        read({ stdout }) {
          const completed = numberFrom(stdout, /(\d+) succeeded/, "h2load");
          const loadSeconds = numberFrom(stdout, /finished in ([\d.]+)s/, "h2load");
          if (logDir === undefined) return { completed, loadSeconds };
          try {
            const us: number[] = [];
            for (const line of readFileSync(join(logDir, "requests.tsv"), "utf8").split("\n")) {
              const cols = line.split("\t");
              if (cols.length >= 3 && cols[1] !== "-1") us.push(Number(cols[2]));
            }
            us.sort((a, b) => a - b);
            const ms = (v: number | undefined) => (v === undefined ? null : v / 1000);
            return {
              completed,
              loadSeconds,
              latency: {
                p50: ms(nearestRank(us, 50)),
                p95: ms(nearestRank(us, 95)),
                p99: ms(nearestRank(us, 99)),
                max: ms(us[us.length - 1]),
                note: "from its --log-file, timed from when each request was sent",
              },
            };
          } finally {
            rmSync(logDir, { recursive: true, force: true });
          }
        },
      };
    },
  };
}
