import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";

const SERVER = fileURLToPath(new URL("./stall-server.ts", import.meta.url));

let child: ChildProcess | undefined;
afterEach(() => {
  child?.kill("SIGKILL");
  child = undefined;
});

async function start(holdFrom: number, holdUntil: number) {
  child = spawn(
    process.execPath,
    ["--import", "tsx", SERVER, "--hold-from", String(holdFrom), "--hold-until", String(holdUntil)],
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const { port } = JSON.parse((await lines.next()).value as string) as { port: number };
  return { url: `http://127.0.0.1:${port}/`, lines };
}

async function timedGet(url: string): Promise<{ sentAt: number; doneAt: number }> {
  const sentAt = performance.now();
  const res = await fetch(url);
  expect(await res.text()).toBe("ok");
  return { sentAt, doneAt: performance.now() };
}

describe("stall server", () => {
  it("holds requests arriving in the window until its end, and only those", async () => {
    const { url, lines } = await start(300, 800);
    const first = await timedGet(url); // starts the server's clock when it arrives, before first.doneAt
    const since = (ms: number) => new Promise((r) => setTimeout(r, first.doneAt + ms - performance.now()));
    await since(400);
    const held = await timedGet(url); // arrives 400 ms (+ the first's round trip at most) after the first
    await since(900);
    const after = await timedGet(url);

    const rtt = first.doneAt - first.sentAt;
    expect(rtt).toBeLessThan(250);
    // Released 800 ms after the first arrived: it waited 400 ms, less at most the first's round trip.
    expect(held.doneAt - held.sentAt).toBeGreaterThanOrEqual(400 - rtt - 5);
    expect(held.doneAt - held.sentAt).toBeLessThan(400 + 100);
    expect(after.doneAt - after.sentAt).toBeLessThan(100);

    child!.kill("SIGTERM");
    const stats = JSON.parse((await lines.next()).value as string) as { requests: number; held: number };
    expect(stats).toMatchObject({ requests: 3, held: 1 });
  });
});
