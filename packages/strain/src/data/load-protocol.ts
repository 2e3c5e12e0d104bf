/** Messages between the `strain data` coordinator and its loader processes. */
import type { SerializedError } from "../errors.js";
import type { DatasetSource } from "./source.js";

export type ToLoader =
  | {
      type: "init";
      source: DatasetSource;
      databaseUrl: string;
      loadId: string;
      seed: number;
      firstRoot: number;
      roots: number;
      chunkRoots: number;
      /** Names of the tables to load (the others are generated for nothing: skipped). */
      tables: readonly string[];
      /** Generate the next chunk on a thread while the current one is written. */
      generateAhead: boolean;
    }
  | { type: "chunk"; chunk: number }
  | { type: "stop" };

export type FromLoader =
  | { type: "ready" }
  | {
      type: "chunk-done";
      chunk: number;
      /** Rows written per table of the load, in the load's table order. */
      rows: number[];
      bytes: number;
    }
  | { type: "chunk-failed"; chunk: number; message: string; connectionLost: boolean }
  | { type: "fatal"; error: SerializedError };
