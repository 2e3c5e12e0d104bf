/**
 * The base latency of a server as a bare client sees it: one keep-alive socket, a pre-built GET,
 * one request every `everyMs`, the time from write to the last byte of the response. Paced like
 * the test (not back to back) because on a busy machine a process that sleeps between requests
 * pays the scheduler's wake-up latency, which every tool in the test pays too.
 *
 *   node --import tsx bench/http/probe-latency.ts <url> [count] [everyMs]
 *
 * Prints `{"medianMs":x,"p99Ms":y,"count":n}`. The harness runs it pinned to the tools' core.
 */
import { connect } from "node:net";

const url = new URL(process.argv[2] ?? "");
const count = Number(process.argv[3] ?? 500);
const everyMs = Number(process.argv[4] ?? 0);
const WARMUP = 100;
const request = Buffer.from(`GET ${url.pathname} HTTP/1.1\r\nhost: ${url.host}\r\n\r\n`);

const socket = connect(Number(url.port), url.hostname);
socket.setNoDelay(true);
await new Promise<void>((resolve, reject) => {
  socket.once("connect", resolve);
  socket.once("error", reject);
});

const times: number[] = [];
let buffered = "";
let sentAt = 0;
let next: (() => void) | undefined;
socket.setEncoding("latin1").on("data", (chunk: string) => {
  buffered += chunk;
  const head = buffered.indexOf("\r\n\r\n");
  if (head < 0) return;
  const length = /content-length: *(\d+)/i.exec(buffered.slice(0, head));
  if (length === null || buffered.length < head + 4 + Number(length[1])) return;
  times.push(performance.now() - sentAt);
  buffered = "";
  next?.();
});

for (let i = 0; i < WARMUP + count; i++) {
  if (everyMs > 0) await new Promise((r) => setTimeout(r, everyMs));
  await new Promise<void>((resolve) => {
    next = resolve;
    sentAt = performance.now();
    socket.write(request);
  });
}
socket.destroy();
const measured = times.slice(WARMUP).sort((a, b) => a - b);
const at = (p: number) =>
  measured[Math.min(measured.length - 1, Math.ceil((p / 100) * measured.length) - 1)]!;
process.stdout.write(`${JSON.stringify({ medianMs: at(50), p99Ms: at(99), count: measured.length })}\n`);
