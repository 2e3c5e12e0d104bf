import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll } from "vitest";
import { Coordinator, type RunObserver, type RunResult } from "../../src/engine/coordinator.js";
import { readSeries, type SeriesLine } from "../../src/results/run-dir.js";
import { type GroundTruthServer, startGroundTruthServer } from "../fixtures/ground-truth-server.js";

/** A temp folder for one test's plans and run directories. */
export function tempDir(prefix = "strain-test-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Write a TS plan file whose body is `source` (it may `import { definePlan } from "strain"`). */
export function writePlan(dir: string, name: string, source: string): string {
  const path = join(dir, name);
  writeFileSync(path, source);
  return path;
}

export interface InProcessRun {
  result: RunResult;
  lines: SeriesLine[];
  intervals: Extract<SeriesLine, { type: "interval" }>[];
}

/** Run a plan with the real coordinator and real worker processes, in the test's process. */
export async function runPlan(
  planPath: string,
  opts: {
    workers?: number;
    runsDir: string;
    env?: Record<string, string>;
    observer?: RunObserver;
    onCoordinator?: (c: Coordinator) => void;
  },
): Promise<InProcessRun> {
  const c = new Coordinator({
    planPath,
    workers: opts.workers ?? 2,
    runsDir: opts.runsDir,
    ...(opts.env !== undefined ? { env: opts.env } : {}),
    ...(opts.observer !== undefined ? { observer: opts.observer } : {}),
  });
  opts.onCoordinator?.(c);
  const result = await c.run();
  const { lines } = readSeries(result.runDir);
  const intervals = lines.filter(
    (l): l is Extract<SeriesLine, { type: "interval" }> => l.type === "interval",
  );
  return { result, lines, intervals };
}

/** Sum of a counter over an interval's entries matching `tags`. */
export function counterIn(
  snap: {
    entries: readonly { metric: string; type: string; tags: Record<string, string>; value?: number }[];
  },
  metric: string,
  tags: Record<string, string> = {},
): number {
  let n = 0;
  for (const e of snap.entries) {
    if (e.metric !== metric || e.type !== "counter") continue;
    if (Object.entries(tags).every(([k, v]) => e.tags[k] === v)) n += e.value ?? 0;
  }
  return n;
}

/**
 * A ground-truth server for one describe block (started before its tests, closed after) and a temp
 * folder for its plans and run directories. Read `server` inside tests, not at collection time.
 */
export function useGroundTruthServer(): { readonly server: GroundTruthServer; readonly dir: string } {
  let server: GroundTruthServer | undefined;
  const dir = tempDir();
  beforeAll(async () => {
    server = await startGroundTruthServer({ recordArrivals: false });
  });
  afterAll(async () => {
    await server?.close();
  });
  return {
    get server(): GroundTruthServer {
      if (server === undefined) throw new Error("the ground-truth server starts in beforeAll");
      return server;
    },
    dir,
  };
}
