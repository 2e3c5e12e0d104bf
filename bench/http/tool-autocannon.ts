/**
 * autocannon (npm, a devDependency of this workspace): `-c N -d s --json`, `--overallRate r` for a
 * fixed rate. Its JSON reports p50, p97.5, p99 and max but no p95.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { Invocation, Load, Tool } from "./tool.js";

interface AutocannonJson {
  duration: number;
  requests: { total: number };
  "2xx"?: number;
  latency: { p50: number; p97_5: number; p99: number; max: number };
}

function packageDir(): string | null {
  try {
    return dirname(createRequire(import.meta.url).resolve("autocannon/package.json"));
  } catch {
    return null;
  }
}

export function createAutocannon(): Tool {
  return {
    name: "autocannon",
    missing() {
      return packageDir() === null
        ? "autocannon is not installed (npm install -D -w bench autocannon@8.0.0)"
        : null;
    },
    version() {
      const dir = packageDir();
      if (dir === null) return "autocannon (not installed)";
      const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { version: string };
      return `autocannon ${pkg.version}`;
    },
    invocation(load: Load, url: string, latencies: boolean): Invocation | null {
      const dir = packageDir();
      if (dir === null) return null;
      const flags = ["-c", String(load.connections), "-d", String(load.seconds), "--json"];
      if (load.kind === "rate") flags.push("--overallRate", String(load.rate));
      return {
        argv: [process.execPath, join(dir, "autocannon.js"), ...flags, url],
        shown: `autocannon ${flags.join(" ")} $URL`,
        read({ stdout }) {
          const line = stdout
            .trim()
            .split("\n")
            .reverse()
            .find((l) => l.startsWith("{"));
          if (line === undefined)
            throw new Error(`autocannon: no JSON in its output:\n${stdout.slice(-1500)}`);
          const r = JSON.parse(line) as AutocannonJson;
          return {
            completed: r["2xx"] ?? r.requests.total,
            loadSeconds: r.duration,
            ...(latencies
              ? {
                  latency: {
                    p50: r.latency.p50,
                    p95: null,
                    p99: r.latency.p99,
                    max: r.latency.max,
                    note: `no p95 in its output; p97.5 = ${r.latency.p97_5} ms`,
                  },
                }
              : {}),
          };
        },
      };
    },
  };
}
