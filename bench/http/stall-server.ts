/**
 * Ground-truth server of the stall test. Answers `200 ok` at once, except that every request that
 * ARRIVES in [holdFrom, holdUntil) ms after the first request is held until holdUntil, then all of
 * them are answered together, oldest first.
 *
 *   node --import tsx bench/http/stall-server.ts [--hold-from 5000] [--hold-until 7000]
 *
 * Prints `{"port":N}` once listening; on SIGTERM prints
 * `{"requests":N,"held":N,"releasedLateMs":x,"releaseOffsetsMs":[…]}` and exits (releasedLateMs:
 * how late the release timer fired; releaseOffsetsMs: for each held response, oldest first, when
 * its write returned, in ms after holdUntil — 400 writes on 400 sockets take several ms, and a
 * perfect client sees each response then, not at holdUntil).
 */
import { createServer, type ServerResponse } from "node:http";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    "hold-from": { type: "string", default: "5000" },
    "hold-until": { type: "string", default: "7000" },
  },
});
const holdFrom = Number(values["hold-from"]);
const holdUntil = Number(values["hold-until"]);

let first = -1;
let requests = 0;
let heldCount = 0;
let releasedLateMs = 0;
const releaseOffsetsMs: number[] = [];
let held: ServerResponse[] = [];
let timer: ReturnType<typeof setTimeout> | undefined;

function release(): void {
  const due = first + holdUntil;
  releasedLateMs = performance.now() - due;
  const batch = held;
  held = [];
  for (const res of batch) {
    res.end("ok");
    releaseOffsetsMs.push(performance.now() - due);
  }
}

const server = createServer((_req, res) => {
  const now = performance.now();
  if (first < 0) first = now;
  requests++;
  const t = now - first;
  if (t >= holdFrom && t < holdUntil) {
    held.push(res);
    heldCount++;
    timer ??= setTimeout(release, first + holdUntil - now);
    return;
  }
  res.end("ok");
});
// Held requests keep their connections busy for up to 2 s; idle ones must not be closed under the tools.
server.keepAliveTimeout = 120_000;
server.headersTimeout = 130_000;
server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no address");
  process.stdout.write(`${JSON.stringify({ port: address.port })}\n`);
});

process.on("SIGTERM", () => {
  if (timer !== undefined) clearTimeout(timer);
  process.stdout.write(
    `${JSON.stringify({ requests, held: heldCount, releasedLateMs, releaseOffsetsMs })}\n`,
    () => process.exit(0),
  );
});
