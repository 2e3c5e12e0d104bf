/**
 * The generating half of a loader process, on a worker thread: chunk numbers in, each table's COPY
 * text out (transferred, not copied). While the loader's main thread streams chunk N to PostgreSQL
 * and waits for its COMMIT, this thread is already generating chunk N+1, so the database is not
 * left idle for the ~85 ms a 1,000-household chunk takes to generate.
 */
import { parentPort, workerData } from "node:worker_threads";
import { serializeError } from "../errors.js";
import type { ChunkOutput } from "./dataset.js";
import { LineBuffer } from "./line-buffer.js";
import type { DatasetSource } from "./source.js";
import { resolveDataset } from "./source.js";

export interface GenerateThreadData {
  source: DatasetSource;
  seed: number;
  firstRoot: number;
  roots: number;
  chunkRoots: number;
  /** Per dataset table: whether this load wants its rows. */
  wants: boolean[];
}

export type GenerateReply =
  | {
      type: "chunk";
      chunk: number;
      /** Per dataset table: rows and their COPY text (empty when not wanted). */
      lines: number[];
      buffers: Uint8Array[];
    }
  | { type: "error"; chunk: number; error: ReturnType<typeof serializeError> };

if (parentPort !== null) {
  const port = parentPort;
  const data = workerData as GenerateThreadData;
  const ready = resolveDataset(data.source).then((dataset) => {
    const buffers = dataset.tables.map(() => new LineBuffer());
    const out: ChunkOutput = {
      wants: (t) => data.wants[t] === true,
      row: (t, line) => buffers[t]!.push(line),
    };
    return { dataset, buffers, out };
  });
  // Messages are handled in order: each waits for the previous through `queue`.
  let queue: Promise<void> = Promise.resolve();
  let buffersOf: LineBuffer[] = [];
  port.on("message", (chunk: number) => {
    queue = queue.then(async () => {
      try {
        const { dataset, buffers, out } = await ready;
        buffersOf = buffers;
        const first = data.firstRoot + chunk * data.chunkRoots;
        const count = Math.min(data.chunkRoots, data.roots - chunk * data.chunkRoots);
        dataset.generate(first, count, data.seed, out);
        const lines = buffers.map((b) => b.lines);
        const taken = buffers.map((b) => b.take());
        // LineBuffer allocates ≥ 1 MiB outside Node's small-buffer pool: each ArrayBuffer is this
        // table's alone and can move to the main thread without a copy.
        const transfer = taken.filter((b) => b.length > 0).map((b) => b.buffer as ArrayBuffer);
        port.postMessage({ type: "chunk", chunk, lines, buffers: taken } satisfies GenerateReply, transfer);
      } catch (err) {
        for (const b of buffersOf) b.take(); // a half-generated chunk must not leak into the next
        port.postMessage({ type: "error", chunk, error: serializeError(err) } satisfies GenerateReply);
      }
    });
  });
}
