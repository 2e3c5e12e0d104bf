/**
 * A loader process: generates chunks and writes each in one transaction on its own connection —
 * a COPY per table, then the chunk's ledger row, then COMMIT — so a chunk is in the database
 * wholly, with its ledger row, or not at all. Forked by the coordinator; exits when it goes away.
 *
 * `synchronous_commit = off`: a crash of PostgreSQL itself may lose the last few commits, but each
 * loses its chunk and ledger row together, so a rerun still loads exactly what is missing.
 */
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { serializeError } from "../errors.js";
import type { ChunkOutput, DatasetDefinition } from "./dataset.js";
import { RECORD_CHUNK_SQL } from "./ledger.js";
import { LineBuffer } from "./line-buffer.js";
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
  /** One per dataset table: the chunk's COPY text, encoded as the rows arrive. */
  buffers: LineBuffer[];
}

let state: State | undefined;
let queue: Promise<void> = Promise.resolve();

process.on("message", (msg: ToLoader) => {
  if (msg.type === "stop") {
    void queue.then(() => state?.client.end().catch(() => undefined)).then(() => process.exit(0));
    return;
  }
  queue = queue
    .then(() => handle(msg))
    .catch((err: unknown) => {
      send({ type: "fatal", error: serializeError(err) });
      setTimeout(() => process.exit(1), 50);
    });
});

async function handle(msg: ToLoader): Promise<void> {
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
    state = {
      init: msg,
      dataset,
      client,
      position,
      copySql,
      buffers: dataset.tables.map(() => new LineBuffer()),
    };
    send({ type: "ready" });
    return;
  }
  if (msg.type === "chunk" && state !== undefined) await loadChunk(state, msg.chunk);
}

async function loadChunk(s: State, chunk: number): Promise<void> {
  const { init, dataset, client, position } = s;
  const first = init.firstRoot + chunk * init.chunkRoots;
  const count = Math.min(init.chunkRoots, init.roots - chunk * init.chunkRoots);
  const { buffers } = s;
  const out: ChunkOutput = {
    wants: (t) => position[t]! >= 0,
    row: (t, line) => buffers[t]!.push(line),
  };
  dataset.generate(first, count, init.seed, out);
  const rows = init.tables.map(() => 0);
  let bytes = 0;
  try {
    await client.query("BEGIN");
    for (let t = 0; t < dataset.tables.length; t++) {
      const pos = position[t]!;
      const lines = buffers[t]!.lines;
      const buf = buffers[t]!.take();
      if (pos < 0 || lines === 0) continue;
      bytes += buf.length;
      await copyBuffer(client, s.copySql[t]!, buf);
      rows[pos] = lines;
    }
    await client.query(RECORD_CHUNK_SQL, [init.loadId, chunk, rows]);
    await client.query("COMMIT");
    send({ type: "chunk-done", chunk, rows, bytes });
  } catch (err) {
    for (const b of buffers) b.take(); // nothing of this chunk may leak into another
    const lost = isConnectionLost(err);
    if (!lost) await client.query("ROLLBACK").catch(() => undefined);
    send({ type: "chunk-failed", chunk, message: describePgError(err), connectionLost: lost });
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
