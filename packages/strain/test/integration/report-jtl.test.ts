import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { HttpClient } from "../../src/protocols/http.js";
import { CsvOutput } from "../../src/results/outputs/csv-output.js";
import { JTL_COLUMNS, JtlWriter, jtlSampleOf } from "../../src/results/outputs/jtl.js";
import { useGroundTruthServer } from "../helpers/run-plan.js";

// `--out csv=<file>` with real requests: two "workers" (two HttpClients, two JtlWriters on their
// part files, as the worker's request path will use them) send real requests to the ground-truth
// server; the CSV output merges the parts at close. Row count equals requests; the columns parse
// as JMeter's CSV reader sees them.

describe("JTL CSV from real requests", () => {
  const gt = useGroundTruthServer();

  it("one row per request, JMeter's columns, each row saying what happened", async () => {
    const target = join(gt.dir, "requests.jtl");
    const out = new CsvOutput(target);
    out.onStart({ workers: 2 });
    const plan = [
      ...Array.from({ length: 60 }, () => "/delay?ms=5"),
      ...Array.from({ length: 15 }, () => "/status?code=500"),
      ...Array.from({ length: 5 }, () => "http://127.0.0.1:1/refused"),
    ];
    const seen = new Map<string, number>();
    await Promise.all(
      [0, 1].map(async (w) => {
        const client = new HttpClient({
          baseUrl: gt.server.url,
          hosts: ["127.0.0.1"],
          connections: 4,
          timeouts: { connectMs: 2000, headersMs: 5000, bodyMs: 5000, totalMs: 10_000 },
          maxBodySize: 1 << 20,
          maxRedirects: 0,
          headers: {},
          responseType: "none",
          secrets: [],
        });
        const writer = new JtlWriter(out.partPath(w), 1024);
        try {
          for (let i = w; i < plan.length; i += 2) {
            const res = await client.send("GET", plan[i]!, { name: plan[i]!.split("?")[0]! }, null, null);
            writer.write(
              jtlSampleOf(res, {
                endEpochMs: Date.now(),
                threadName: `s 1-${w + 1}`,
                grpThreads: 1,
                allThreads: 2,
              }),
            );
            const key = `${res.name} ${res.status} ${res.errorClass}`;
            seen.set(key, (seen.get(key) ?? 0) + 1);
          }
        } finally {
          writer.close();
          await client.close();
        }
      }),
    );
    await out.close();
    expect(out.rows).toBe(plan.length);

    const rows = parse(readFileSync(target, "utf8"), { columns: true }) as Record<string, string>[];
    expect(rows.length).toBe(plan.length);
    expect(Object.keys(rows[0]!)).toEqual([...JTL_COLUMNS]);
    const count = (f: (r: Record<string, string>) => boolean) => rows.filter(f).length;
    expect(count((r) => r.label === "/delay" && r.responseCode === "200" && r.success === "true")).toBe(60);
    expect(count((r) => r.label === "/status" && r.responseCode === "500" && r.success === "false")).toBe(15);
    expect(
      count(
        (r) =>
          r.responseCode === "Non HTTP response code: refused" &&
          r.success === "false" &&
          (r.responseMessage ?? "").startsWith("Non HTTP response message:"),
      ),
    ).toBe(5);
    for (const r of rows) {
      expect(Number.isInteger(Number(r.timeStamp))).toBe(true);
      expect(Number(r.elapsed)).toBeGreaterThanOrEqual(0);
      expect(r.dataType).toBe("text");
      expect(["s 1-1", "s 1-2"]).toContain(r.threadName);
    }
    // /delay?ms=5 took at least 5 ms, and its time to first byte is within it.
    for (const r of rows.filter((x) => x.label === "/delay")) {
      expect(Number(r.elapsed)).toBeGreaterThanOrEqual(5);
      expect(Number(r.Latency)).toBeLessThanOrEqual(Number(r.elapsed));
      expect(Number(r.bytes)).toBeGreaterThan(0);
      expect(r.URL).toBe(`${gt.server.url}/delay`);
    }
    // The merged file is in timeStamp order as far as each worker's own order allows: no row is
    // more than a few hundred ms before the one above it.
    const ts = rows.map((r) => Number(r.timeStamp));
    for (let i = 1; i < ts.length; i++) expect(ts[i]! - ts[i - 1]!).toBeGreaterThan(-500);
    expect([...seen.values()].reduce((a, b) => a + b, 0)).toBe(plan.length);
  });
});
