import { readFileSync } from "node:fs";
import { parse as parseCsv } from "csv-parse/sync";
import type { Segment } from "../engine/executor-types.js";
import { ErrorCodes, StrainError } from "../errors.js";
import type { Feeder } from "../plan/types.js";

export type FeederRow = Record<string, unknown>;
export type FeederMode = "sequential" | "random" | "unique";

/**
 * Read a feeder file: CSV with a header row (values stay strings) or JSONL (one object a line).
 * Read once per process at start-up, never on the hot path.
 */
export function readFeederRows(path: string): FeederRow[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new StrainError(ErrorCodes.FEEDER, `cannot read feeder file ${path}`, { cause: err });
  }
  if (path.endsWith(".jsonl")) {
    const rows: FeederRow[] = [];
    const lines = text.split("\n");
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!.trim();
      if (line === "") continue;
      try {
        rows.push(JSON.parse(line) as FeederRow);
      } catch {
        throw new StrainError(ErrorCodes.FEEDER, `${path}:${i + 1}: not a JSON object`, {
          hint: "JSONL feeders hold one JSON object per line",
        });
      }
    }
    return rows;
  }
  try {
    return parseCsv(text, { columns: true, skip_empty_lines: true, trim: true }) as FeederRow[];
  } catch (err) {
    throw new StrainError(ErrorCodes.FEEDER, `${path}: ${(err as Error).message}`, {
      cause: err,
      hint: "CSV feeders need a header row naming the columns",
    });
  }
}

/** Asks the coordinator for the next never-used row index of a unique feeder; null when none is left. */
export type UniqueLeaser = (feeder: string) => Promise<number | null>;

/**
 * One feeder in one worker.
 * - sequential: rows in file order, striped by segment (worker i takes i, i+N, …) and wrapping
 *   around, so N workers together walk the file in order.
 * - random: uniform picks from a PRNG seeded per segment (reproducible).
 * - unique: each row index is leased from the coordinator, which hands every index out once across
 *   all workers; one IPC round trip per row (rows used = rows leased, none stranded in a worker).
 */
export function createFeeder(
  name: string,
  rows: readonly FeederRow[],
  mode: FeederMode,
  segment: Segment,
  lease: UniqueLeaser,
): Feeder<FeederRow> {
  if (rows.length === 0) {
    throw new StrainError(ErrorCodes.FEEDER, `feeder '${name}' has no rows`);
  }
  if (mode === "sequential") {
    let next = segment.index % rows.length;
    return {
      next: () => {
        const row = rows[next]!;
        next = (next + segment.count) % rows.length;
        return Promise.resolve(row);
      },
    };
  }
  if (mode === "random") {
    const random = mulberry32(0x9e3779b9 ^ (segment.index + 1));
    return { next: () => Promise.resolve(rows[Math.floor(random() * rows.length)]!) };
  }
  return {
    next: async () => {
      const index = await lease(name);
      if (index === null || index >= rows.length) {
        throw new StrainError(
          ErrorCodes.FEEDER_EXHAUSTED,
          `feeder '${name}' has no unused rows left (${rows.length} rows, mode unique)`,
          { hint: "add rows to the file, or lower the iteration count" },
        );
      }
      return rows[index]!;
    },
  };
}

/** Small, fast, seedable PRNG (public domain mulberry32); quality is ample for picking rows. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Coordinator side of `unique` feeders: hands out each index once across every worker. */
export class UniqueRowCursor {
  private next = 0;
  constructor(readonly total: number) {}
  lease(): number | null {
    if (this.next >= this.total) return null;
    return this.next++;
  }
  get used(): number {
    return this.next;
  }
}
