import { describe, expect, it } from "vitest";
import { type MonitorsDefinition, monitorsSchema, resolveMonitors } from "./schema.js";
import { DEFAULT_SYSTEM_CONFIG } from "./system.js";
import { DEFAULT_VALIDITY_RULES } from "./validity.js";

function problems(input: unknown): string[] {
  const r = monitorsSchema.safeParse(input);
  if (r.success) return [];
  return r.error.issues.map((i) => {
    const hint = (i as { params?: { hint?: string } }).params?.hint;
    return `${i.path.join(".")}: ${i.message}${hint !== undefined ? ` (${hint})` : ""}`;
  });
}

describe("monitors schema", () => {
  it("accepts the documented shapes", () => {
    const def: MonitorsDefinition = {
      system: {
        processes: [
          { name: "db", pattern: "^postgres", tree: true },
          { name: "api", pid: 4242 },
        ],
      },
      postgres: `postgres://app:\${env.PGPASSWORD}@127.0.0.1:5432/registry`,
      prometheus: {
        url: "http://127.0.0.1:9090",
        headers: { Authorization: `Bearer \${env.PROM_TOKEN}` },
        queries: {
          api_cpu: "sum(rate(process_cpu_seconds_total[1m]))",
          db_p95: { query: "x", at: "end", step: "5s" },
        },
      },
      generator: { cpu: 85, eventLoopP99: "100ms", window: "10s", dropped: 2 },
    };
    expect(problems(def)).toEqual([]);
    expect(problems({})).toEqual([]);
    expect(
      problems({ system: false, postgres: { url: "postgresql://h/db", required: true, topQueries: 0 } }),
    ).toEqual([]);
  });

  it("reports every problem at once, with hints", () => {
    const out = problems({
      sytem: true,
      system: {
        processes: [{ name: "x" }, { name: "y", pid: 1, pattern: "p" }, { name: "z", pattern: "(" }],
      },
      postgres: "mysql://localhost/db",
      prometheus: { url: "127.0.0.1:9090", queries: { "bad-name": "up" } },
      generator: { window: "5 seconds" },
    });
    expect(out).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^sytem: unknown key "sytem" \(did you mean "system"\?\)/),
        expect.stringMatching(/^system\.processes\.0: needs a pid or a pattern/),
        expect.stringMatching(/^system\.processes\.1: has both pid and pattern/),
        expect.stringMatching(/^system\.processes\.2\.pattern: is not a regular expression/),
        expect.stringMatching(/^prometheus\.url: is not a http: or https: URL/),
        expect.stringMatching(/^prometheus\.queries\.bad-name: "bad-name" cannot name a series/),
        expect.stringMatching(/^generator\.window: "5 seconds" is not a duration/),
      ]),
    );
    expect(out.some((l) => l.startsWith("postgres"))).toBe(true);
  });

  it("never echoes a password in a URL problem", () => {
    const out = problems({ postgres: { url: "mysql://app:hunter2@db/x" } });
    expect(out.join("\n")).not.toContain("hunter2");
  });
});

describe("resolveMonitors", () => {
  it("runs the system monitor and the default validity rules when the plan says nothing", () => {
    expect(resolveMonitors(undefined, 1000)).toEqual({
      system: DEFAULT_SYSTEM_CONFIG,
      postgres: null,
      prometheus: null,
      validity: DEFAULT_VALIDITY_RULES,
    });
    expect(resolveMonitors({ system: false }, 1000).system).toBeNull();
  });

  it("fills defaults and converts units", () => {
    const r = resolveMonitors(
      {
        system: { perCore: false, processes: [{ name: "db", pattern: "^postgres" }] },
        postgres: "postgres://127.0.0.1/x",
        prometheus: {
          url: "http://p:9090",
          queries: { a: "up", b: { query: "rate(x[1m])", at: "end", step: "15s" } },
        },
        generator: { eventLoopP99: "0.1s", window: "2s", dropped: 0.5 },
      },
      5000,
    );
    expect(r.system).toMatchObject({
      perCore: false,
      csv: true,
      processes: [{ name: "db", pattern: "^postgres", tree: false }],
    });
    expect(r.postgres).toEqual({
      url: "postgres://127.0.0.1/x",
      required: false,
      topQueries: 10,
      cpus: null,
    });
    expect(r.prometheus?.queries).toEqual([
      { name: "a", query: "up", at: "interval", type: "level", stepMs: null },
      { name: "b", query: "rate(x[1m])", at: "end", type: "level", stepMs: 15_000 },
    ]);
    // A 2 s window cannot be seen with 5 s intervals: one interval is the least.
    expect(r.validity).toEqual({
      cpuPercent: 90,
      eventLoopP99Ms: 100,
      minDurationMs: 5000,
      droppedRatio: 0.005,
    });
  });
});
