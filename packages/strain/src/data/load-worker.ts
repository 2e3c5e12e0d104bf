/**
 * A loader process: writes chunks, each in one transaction on its own connection — a COPY per
 * table, then the chunk's ledger row, then COMMIT — so a chunk is in the database wholly, with its
 * ledger row, or not at all. Forked by the coordinator; exits when it goes away.
 *
 * Chunks are generated inline, before their COPY, or with `generateAhead` on a worker thread while
 * the previous chunk is written (the coordinator then keeps two chunks queued per loader). See
 * generate-thread.ts for when each pays.
 *
 * `synchronous_commit = off`: a crash of PostgreSQL itself may lose the last few commits, but each
 * loses its chunk and ledger row together, so a rerun still loads exactly what is missing.
 */
import { Worker } from "node:worker_threads";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { deserializeError, serializeError } from "../errors.js";
import type { DatasetDefinition } from "./dataset.js";
import {
  type ChunkGenerator,
  createChunkGenerator,
  type GeneratedChunk,
  type GenerateReply,
  type GenerateThreadData,
} from "./generate-thread.js";
import { RECORD_CHUNK_SQL } from "./ledger.js";
import type { FromLoader, ToLoader } from "./load-protocol.js";
import { describePgError, isConnectionLost } from "./pg-errors.js";
import { quoteName } from "./schema-prep.js";
import { resolveDataset } from "./source.js";

function send(msg: FromLoader): void {
  if (process.connected) process.send!(msg);
}

process.on("SIGINT", () => {});
process.on("SIGTERM", () => {});
process.on("disconnect", () => process.exit(1));
process.on("uncaughtException", (err) => {
  send({ type: "fatal", error: serializeError(err) });
  setTimeout(() => process.exit(1), 50);
});

interface State {
  init: Extract<ToLoader, { type: "init" }>;
  dataset: DatasetDefinition;
  client: pg.Client;
  /** Index in dataset.tables → position in the load's table list, or -1 when not loaded. */
  position: number[];
  copySql: string[];
  /** With generateAhead: the thread, asked for each chunk as soon as it is assigned. */
  ahead: GenerationThread | null;
  /** Inline generation (without generateAhead). */
  inline: ChunkGenerator | null;
  /** A chunk failed: the chunks queued behind it are not attempted. */
  failed: boolean;
}

/** The generation thread, with one pending promise per requested chunk (answered in order). */
class GenerationThread {
  private readonly worker: Worker;
  private readonly waiting = new Map<number, { resolve(g: GeneratedChunk): void; reject(e: Error): void }>();
  /** Why the thread is gone, once it is: later requests fail at once instead of waiting forever. */
  private dead: Error | null = null;

  constructor(data: GenerateThreadData) {
    const self = new URL(import.meta.url);
    if (self.pathname.endsWith(".ts")) {
      // From sources (the test runner): tsx's hooks do not reach worker threads, so the thread
      // registers them before importing its TypeScript entry.
      const entry = new URL("./generate-thread.ts", self).href;
      const api = import.meta.resolve("tsx/esm/api");
      const boot = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); })`;
      this.worker = new Worker(boot, { eval: true, workerData: data });
    } else {
      this.worker = new Worker(new URL("./generate-thread.js", self), { workerData: data });
    }
    this.worker.on("message", (m: GenerateReply) => {
      const w = this.waiting.get(m.chunk);
      this.waiting.delete(m.chunk);
      if (m.type === "chunk") w?.resolve(m);
      else w?.reject(deserializeError(m.error));
    });
    this.worker.on("error", (err) => this.failAll(err));
    this.worker.on("exit", (code) => this.failAll(new Error(`generation thread exited (code ${code})`)));
  }

  /** Start generating `chunk` now (behind those already asked for); resolves with its COPY text. */
  request(chunk: number): Promise<GeneratedChunk> {
    return new Promise((resolve, reject) => {
      if (this.dead !== null) {
        reject(this.dead);
        return;
      }
      this.waiting.set(chunk, { resolve, reject });
      this.worker.postMessage(chunk);
    });
  }

  private failAll(err: Error): void {
    this.dead ??= err;
    for (const w of this.waiting.values()) w.reject(err);
    this.waiting.clear();
  }
}

let state: State | undefined;
let queue: Promise<void> = Promise.resolve();

process.on("message", (msg: ToLoader) => {
  if (msg.type === "stop") {
    void queue.then(() => state?.client.end().catch(() => undefined)).then(() => process.exit(0));
    return;
  }
  // Generation of a chunk starts as soon as it is assigned; its COPY waits for the chunks before it.
  const generated = msg.type === "chunk" && state?.ahead ? state.ahead.request(msg.chunk) : null;
  generated?.catch(() => undefined); // its failure surfaces when its turn comes
  queue = queue
    .then(() => handle(msg, generated))
    .catch((err: unknown) => {
      if (state !== undefined) state.failed = true; // the chunks queued behind it are not written
      send({ type: "fatal", error: serializeError(err) });
      setTimeout(() => process.exit(1), 50);
    });
});

async function handle(msg: ToLoader, generated: Promise<GeneratedChunk> | null): Promise<void> {
  if (msg.type === "init") {
    const dataset = await resolveDataset(msg.source);
    const client = new pg.Client({ connectionString: msg.databaseUrl, application_name: "strain data" });
    // A dropped connection also surfaces as the failing query's rejection; this only keeps the
    // client's own 'error' event from crashing the process first.
    client.on("error", () => undefined);
    await client.connect();
    await client.query("SET synchronous_commit = off");
    const position = dataset.tables.map((t) => msg.tables.indexOf(t.name));
    const copySql = dataset.tables.map(
      (t) => `COPY ${quoteName(t.name)} (${t.columns.map((c) => quoteName(c)).join(", ")}) FROM STDIN`,
    );
    const plan = {
      seed: msg.seed,
      firstRoot: msg.firstRoot,
      roots: msg.roots,
      chunkRoots: msg.chunkRoots,
      wants: position.map((p) => p >= 0),
    };
    const ahead = msg.generateAhead ? new GenerationThread({ source: msg.source, ...plan }) : null;
    const inline = ahead === null ? createChunkGenerator(dataset, plan) : null;
    state = { init: msg, dataset, client, position, copySql, ahead, inline, failed: false };
    send({ type: "ready" });
    return;
  }
  if (msg.type === "chunk" && state !== undefined) {
    if (state.failed) return;
    const g = generated !== null ? await generated : state.inline!(msg.chunk);
    // Committed, the chunk's buffers are read by nothing: the next inline chunk writes into them.
    if (await loadChunk(state, msg.chunk, g)) state.inline?.reuse(g);
  }
}

/** COPY a chunk and its ledger row in one transaction; whether it committed. */
async function loadChunk(s: State, chunk: number, g: GeneratedChunk): Promise<boolean> {
  const { init, dataset, client, position } = s;
  const rows = init.tables.map(() => 0);
  let bytes = 0;
  try {
    await client.query("BEGIN");
    for (let t = 0; t < dataset.tables.length; t++) {
      const pos = position[t]!;
      const lines = g.lines[t]!;
      const bytesOf = g.buffers[t]!;
      if (pos < 0 || lines === 0) continue;
      const buf = Buffer.from(bytesOf.buffer, bytesOf.byteOffset, bytesOf.byteLength);
      bytes += buf.length;
      await copyBuffer(client, s.copySql[t]!, buf);
      rows[pos] = lines;
    }
    await client.query(RECORD_CHUNK_SQL, [init.loadId, chunk, rows]);
    await client.query("COMMIT");
    send({ type: "chunk-done", chunk, rows, bytes });
    return true;
  } catch (err) {
    s.failed = true;
    const lost = isConnectionLost(err);
    if (!lost) await client.query("ROLLBACK").catch(() => undefined);
    send({ type: "chunk-failed", chunk, message: describePgError(err), connectionLost: lost });
    return false;
  }
}

function copyBuffer(client: pg.Client, sql: string, buf: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const stream = client.query(copyFrom(sql));
    stream.on("error", reject);
    stream.on("finish", () => resolve());
    stream.end(buf);
  });
}
