/**
 * Ground-truth server of the stall test. Answers `200 ok` at once, except that every request that
 * ARRIVES in [holdFrom, holdUntil) ms after the first request is held until holdUntil, then all of
 * them are answered together, oldest first.
 *
 *   node --import tsx bench/http/stall-server.ts [--hold-from 5000] [--hold-until 7000]
 *
 * Prints `{"port":N}` once listening; on SIGTERM prints
 * `{"requests":N,"held":N,"releasedLateMs":x}` and exits (releasedLateMs: how late the release
 * timer fired).
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
let held: ServerResponse[] = [];
let timer: ReturnType<typeof setTimeout> | undefined;

function release(): void {
  releasedLateMs = performance.now() - (first + holdUntil);
  const batch = held;
  held = [];
  for (const res of batch) res.end("ok");
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
  process.stdout.write(`${JSON.stringify({ requests, held: heldCount, releasedLateMs })}\n`, () =>
    process.exit(0),
  );
});
