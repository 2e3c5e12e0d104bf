/**
 * Chunk generation for the loader processes: chunk numbers in, each table's COPY text out.
 *
 * `createChunkGenerator` is used in two ways. Inline, on the loader's main thread, between two
 * COPYs. Or, with `generateAhead`, on a worker thread (the bottom of this file), so chunk N+1 is
 * generated while chunk N streams to PostgreSQL and commits, and the database is not left idle
 * while each chunk is generated (1,000 households take ~85 ms). Inline is the default when the
 * database shares this machine's cores: there, overlapping only moves CPU from COPY to generation.
 * Measured on 2 cores, `bench/data-copy.ts`: PostgreSQL pinned to its own core, 64–65% of the COPY
 * ceiling inline vs 69–71% ahead; everything sharing both cores, 57–61% inline vs 54–55% ahead.
 */
import { parentPort, workerData } from "node:worker_threads";
import { serializeError } from "../errors.js";
import type { ChunkOutput, DatasetDefinition } from "./dataset.js";
import { LineBuffer } from "./line-buffer.js";
import { type DatasetSource, resolveDataset } from "./source.js";

export interface ChunkPlan {
  seed: number;
  firstRoot: number;
  roots: number;
  chunkRoots: number;
  /** Per dataset table: whether this load wants its rows. */
  wants: boolean[];
}

export interface GenerateThreadData extends ChunkPlan {
  source: DatasetSource;
}

export interface GeneratedChunk {
  chunk: number;
  /** Per dataset table: rows and their COPY text (empty when not wanted). */
  lines: number[];
  buffers: Uint8Array[];
}

export type GenerateReply =
  | ({ type: "chunk" } & GeneratedChunk)
  | { type: "error"; chunk: number; error: ReturnType<typeof serializeError> };

/** Makes one chunk's COPY text at a time. */
export interface ChunkGenerator {
  /** Generate `chunk`; a failed chunk leaves nothing behind. */
  (chunk: number): GeneratedChunk;
  /** Hand back a chunk's buffers once nothing reads them (its COPY committed), for the next chunks. */
  reuse(g: GeneratedChunk): void;
}

/** Generates one chunk at a time into per-table buffers. */
export function createChunkGenerator(dataset: DatasetDefinition, plan: ChunkPlan): ChunkGenerator {
  const buffers = dataset.tables.map(() => new LineBuffer());
  const out: ChunkOutput = {
    wants: (t) => plan.wants[t] === true,
    row: (t, line) => buffers[t]!.push(line),
  };
  const generate = (chunk: number): GeneratedChunk => {
    const first = plan.firstRoot + chunk * plan.chunkRoots;
    const count = Math.min(plan.chunkRoots, plan.roots - chunk * plan.chunkRoots);
    try {
      dataset.generate(first, count, plan.seed, out);
    } catch (err) {
      for (const b of buffers) b.take(); // a half-generated chunk must not leak into the next
      throw err;
    }
    const lines = buffers.map((b) => b.lines);
    return { chunk, lines, buffers: buffers.map((b) => b.take()) };
  };
  return Object.assign(generate, {
    reuse(g: GeneratedChunk): void {
      for (let t = 0; t < g.buffers.length; t++) buffers[t]!.reuse(g.buffers[t]!);
    },
  });
}

if (parentPort !== null) {
  const port = parentPort;
  const data = workerData as GenerateThreadData;
  const ready = resolveDataset(data.source).then((dataset) => createChunkGenerator(dataset, data));
  // Messages are handled in order: each waits for the previous through `queue`.
  let queue: Promise<void> = Promise.resolve();
  port.on("message", (chunk: number) => {
    queue = queue.then(async () => {
      try {
        const generated = (await ready)(chunk);
        // LineBuffer allocates ≥ 1 MiB outside Node's small-buffer pool: each ArrayBuffer is this
        // table's alone and can move to the main thread without a copy.
        const transfer = generated.buffers.filter((b) => b.length > 0).map((b) => b.buffer as ArrayBuffer);
        port.postMessage({ type: "chunk", ...generated } satisfies GenerateReply, transfer);
      } catch (err) {
        port.postMessage({ type: "error", chunk, error: serializeError(err) } satisfies GenerateReply);
      }
    });
  });
}
