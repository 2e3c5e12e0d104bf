import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { RunObserver, RunResult } from "../../engine/coordinator.js";
import { Aggregator } from "../../metrics/aggregate.js";
import { Histogram } from "../../metrics/histogram.js";
import type { IntervalSnapshot } from "../../metrics/types.js";
import { createOutputs } from "./create-outputs.js";
import { JsonOutput } from "./json-output.js";
import { combineObservers } from "./output.js";
import { parseOutFlags } from "./parse-out.js";

const root = mkdtempSync(join(tmpdir(), "strain-json-out-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function interval(index: number, values: number[]): IntervalSnapshot {
  const h = new Histogram();
  for (const v of values) h.recordMs(v);
  const tags = { scenario: "s", name: "/a" };
  return {
    v: 1,
    index,
    start: 1000 * index,
    end: 1000 * (index + 1),
    entries: [
      { metric: "http_reqs", type: "counter", tags, value: values.length },
      {
        metric: "http_req_duration",
        type: "trend",
        tags,
        count: values.length,
        sum: values.reduce((a, b) => a + b, 0),
        min: Math.min(...values),
        max: Math.max(...values),
        hist: h.encode(),
      },
    ],
  };
}

const start = { runDir: "/runs/x", plan: { name: "p", intervalMs: 1000 }, workers: 2, runStartEpoch: 0 };

describe("JsonOutput", () => {
  it("writes start, one line per interval with the merged entries plus percentiles, warnings and end", async () => {
    const path = join(root, "out.ndjson");
    const out = new JsonOutput(path);
    const snaps = [interval(0, [1, 2, 3, 100]), interval(1, [5])];
    out.onStart(start);
    for (const s of snaps) out.onSnapshot(s);
    out.onWarning("careful");
    out.onEnd({ status: "completed", exitCode: 0 } as RunResult);
    await out.close();
    const lines = readFileSync(path, "utf8")
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.type)).toEqual(["start", "interval", "interval", "warning", "end"]);
    expect(lines[0]).toEqual({
      type: "start",
      v: 1,
      run: "/runs/x",
      plan: "p",
      workers: 2,
      intervalMs: 1000,
      runStartEpoch: 0,
    });
    const trend = lines[1].entries[1];
    const stats = new Aggregator().addAll([snaps[0]!]).stats("http_req_duration");
    if (stats?.type !== "trend") throw new Error("no trend");
    expect(trend.hist).toBe(snaps[0]!.entries[1]!.type === "trend" ? snaps[0]!.entries[1]!.hist : "");
    expect(trend.stats).toEqual({
      avg: 26.5,
      p50: stats.med,
      p90: stats.p90,
      p95: stats.p95,
      p99: stats.p99,
      "p99.9": stats.p(99.9),
    });
    expect(lines[2].entries[0]).toEqual(snaps[1]!.entries[0]);
    expect(lines[4]).toMatchObject({ type: "end", status: "completed", exitCode: 0 });
  });

  it("fails before the run on a path it cannot open", () => {
    expect(() =>
      createOutputs(parseOutFlags([`json=${join(root, "no/such/dir/x.ndjson")}`], root), () => {}),
    ).toThrow(expect.objectContaining({ code: "STRAIN_ERR_RUN_DIR" }));
  });
});

describe("combineObservers", () => {
  it("calls every observer in order; one that throws does not stop the others", () => {
    const seen: string[] = [];
    const errors: unknown[] = [];
    const a: RunObserver = {
      onSnapshot: () => {
        seen.push("a");
        throw new Error("a broke");
      },
    };
    const b: RunObserver = {
      onSnapshot: (s) => void seen.push(`b${s.index}`),
      onStart: () => void seen.push("start"),
    };
    const both = combineObservers([a, b], (err) => errors.push(err));
    both.onStart?.(start as never);
    both.onSnapshot?.(interval(3, [1]));
    expect(seen).toEqual(["start", "a", "b3"]);
    expect((errors[0] as Error).message).toBe("a broke");
    expect(() => combineObservers([a, b]).onSnapshot?.(interval(4, [1]))).toThrow("a broke");
    expect(seen.at(-1)).toBe("b4");
  });
});
