import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A small stand-in system under test for `strain demo`, with known latencies per route so the
 * numbers the demo prints can be checked by eye: login ~40 ms, search 5–60 ms (cycling), item
 * read ~3 ms, item create ~15 ms with one 500 in 200 creates.
 */
export interface DemoTarget {
  url: string;
  close(): Promise<void>;
}

const SEARCH_DELAYS = [5, 8, 10, 12, 15, 20, 25, 30, 45, 60];

export async function startDemoTarget(port = 0): Promise<DemoTarget> {
  let searches = 0;
  let creates = 0;
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = req.url ?? "/";
    const path = url.split("?", 1)[0]!;
    const reply = (status: number, body: unknown, delayMs: number) => {
      setTimeout(() => {
        const text = JSON.stringify(body);
        res.writeHead(status, {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(text),
        });
        res.end(text);
      }, delayMs);
    };
    // Drain request bodies so keep-alive connections stay usable.
    req.resume();
    req.on("end", () => {
      if (req.method === "POST" && path === "/login") return reply(200, { token: "demo-token" }, 40);
      if (req.method === "GET" && path === "/search") {
        const d = SEARCH_DELAYS[searches++ % SEARCH_DELAYS.length]!;
        return reply(200, { results: [{ id: 1, name: "Amina Njoroge" }] }, d);
      }
      if (req.method === "GET" && path.startsWith("/items/")) return reply(200, { id: path.slice(7) }, 3);
      if (req.method === "POST" && path === "/items") {
        creates++;
        return creates % 200 === 0
          ? reply(500, { error: "simulated failure" }, 15)
          : reply(201, { id: creates }, 15);
      }
      reply(404, { error: "not found" }, 0);
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
