/**
 * Http1Pool (the fast driver) against scripted TCP servers on 127.0.0.1: what it writes, keep-alive
 * reuse and its limits, stale sockets, pipelining, aborts, timeouts, close and destroy. The
 * HttpClient-level behaviour is covered on both drivers by the other http-*.test.ts files.
 */
import { createServer, type LookupFunction, type Server, type Socket } from "node:net";
import { Pool } from "undici";
import { afterEach, describe, expect, it } from "vitest";
import { classifyNetError } from "../../src/protocols/http-errors.js";
import { type Http1Handler, Http1Pool, type Http1PoolOptions } from "../../src/protocols/http1-pool.js";

interface ReceivedRequest {
  /** Head and body as latin1 text, exactly as received. */
  raw: string;
  method: string;
  path: string;
  /** Zero-based index of the request on its connection. */
  onConnection: number;
  /** Zero-based index of the connection. */
  connection: number;
}

interface ScriptedServer {
  readonly url: string;
  readonly requests: ReceivedRequest[];
  readonly connections: number;
  readonly openSockets: number;
  readonly maxOutstanding: number;
  close(): Promise<void>;
}

type Reply = (req: ReceivedRequest, socket: Socket) => void;

const servers: ScriptedServer[] = [];
const pools: Http1Pool[] = [];
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.destroy()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** A TCP server that splits HTTP/1.1 requests (Content-Length bodies) and lets `reply` answer each. */
async function scriptedServer(reply: Reply): Promise<ScriptedServer> {
  const requests: ReceivedRequest[] = [];
  const sockets = new Set<Socket>();
  let connections = 0;
  let maxOutstanding = 0;
  const server: Server = createServer((socket) => {
    const connection = connections++;
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => {});
    let buffered = Buffer.alloc(0);
    let onConnection = 0;
    socket.on("data", (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      const batch: ReceivedRequest[] = [];
      for (;;) {
        const end = buffered.indexOf("\r\n\r\n");
        if (end < 0) break;
        const head = buffered.subarray(0, end).toString("latin1");
        const cl = /\r\ncontent-length: *(\d+)/i.exec(head);
        const total = end + 4 + (cl === null ? 0 : Number(cl[1]));
        if (buffered.length < total) break;
        const raw = buffered.subarray(0, total).toString("latin1");
        buffered = buffered.subarray(total);
        const [method = "", path = ""] = head.split(" ", 2);
        const req = { raw, method, path, onConnection: onConnection++, connection };
        requests.push(req);
        batch.push(req);
      }
      maxOutstanding = Math.max(maxOutstanding, batch.length);
      for (const req of batch) reply(req, socket);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  const s: ScriptedServer = {
    url: `http://127.0.0.1:${port}`,
    requests,
    get connections() {
      return connections;
    },
    get openSockets() {
      return sockets.size;
    },
    get maxOutstanding() {
      return maxOutstanding;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
  servers.push(s);
  return s;
}

function ok(body = "ok", extra = ""): string {
  return `HTTP/1.1 200 OK\r\n${extra}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

function pool(url: string, opts: Partial<Http1PoolOptions> = {}): Http1Pool {
  const p = new Http1Pool(url, { connections: 4, ...opts });
  pools.push(p);
  return p;
}

interface Outcome {
  status: number;
  statusText: string;
  headers: Record<string, string>;
  body: string;
  error: (Error & { code?: string }) | null;
  completed: boolean;
  calls: string[];
}

interface Script {
  /** Abort (with this error) from onConnect or onHeaders. */
  abortIn?: "connect" | "headers";
  abortWith?: Error;
  /** What onHeaders returns. */
  headersResult?: boolean;
}

/** Dispatch one request and collect every callback until onComplete or onError. */
function send(
  p: Http1Pool | Pool,
  opts: { path: string; method?: string; headers?: string[]; body?: string | Buffer | null },
  script: Script = {},
): Promise<Outcome> {
  return new Promise((resolve) => {
    const out: Outcome = {
      status: 0,
      statusText: "",
      headers: {},
      body: "",
      error: null,
      completed: false,
      calls: [],
    };
    const chunks: Buffer[] = [];
    let abort: ((err?: Error) => void) | null = null;
    const handler: Http1Handler = {
      onConnect(a) {
        out.calls.push("connect");
        abort = a;
        if (script.abortIn === "connect") a(script.abortWith);
      },
      onHeaders(status, raw, _resume, statusText) {
        out.calls.push("headers");
        out.status = status;
        out.statusText = statusText;
        for (let i = 0; i + 1 < raw.length; i += 2) {
          out.headers[raw[i]!.toString("latin1").toLowerCase()] = raw[i + 1]!.toString("latin1");
        }
        if (script.abortIn === "headers") abort?.(script.abortWith);
        return script.headersResult ?? true;
      },
      onData(chunk) {
        out.calls.push("data");
        chunks.push(Buffer.from(chunk));
        return true;
      },
      onComplete() {
        out.calls.push("complete");
        out.completed = true;
        out.body = Buffer.concat(chunks).toString("latin1");
        resolve(out);
      },
      onError(err) {
        out.calls.push("error");
        out.error = err;
        resolve(out);
      },
    };
    p.dispatch(
      {
        path: opts.path,
        method: (opts.method ?? "GET") as "GET",
        headers: opts.headers ?? [],
        body: opts.body ?? null,
      },
      handler,
    );
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("requests on the wire", () => {
  it("writes the same bytes undici does, for bodiless and body requests", async () => {
    const srv = await scriptedServer((_req, socket) => socket.write(ok()));
    const cases = [
      { path: "/a?b=1", method: "GET", headers: ["user-agent", "strain", "X-Trace", "t1"] },
      { path: "/json", method: "POST", headers: ["content-type", "application/json"], body: '{"wörld":1}' },
      { path: "/bin", method: "PUT", headers: [], body: Buffer.from([0, 1, 2, 255]) },
      { path: "/empty", method: "POST", headers: [] },
      { path: "/del", method: "DELETE", headers: ["Host", "other.test"] },
      { path: "/latin", method: "GET", headers: ["x-name", "caf\u00e9"] },
    ];
    const undici = new Pool(srv.url, { connections: 1 });
    try {
      for (const c of cases) expect((await send(undici, c)).status).toBe(200);
    } finally {
      await undici.destroy();
    }
    const fast = pool(srv.url, { connections: 1 });
    for (const c of cases) expect((await send(fast, c)).status).toBe(200);
    const byUndici = srv.requests.slice(0, cases.length).map((r) => r.raw);
    const byFast = srv.requests.slice(cases.length).map((r) => r.raw);
    expect(byFast).toEqual(byUndici);
    expect(byFast[0]).toBe(
      `GET /a?b=1 HTTP/1.1\r\nhost: 127.0.0.1:${new URL(srv.url).port}\r\nconnection: keep-alive\r\nuser-agent: strain\r\nX-Trace: t1\r\n\r\n`,
    );
  });

  it("caches encoded requests by method, path and header contents, never mixing them up", async () => {
    const srv = await scriptedServer((_req, socket) => socket.write(ok()));
    const p = pool(srv.url, { connections: 1 });
    const headers = ["x-a", "1"];
    await send(p, { path: "/x", headers });
    await send(p, { path: "/x", headers: ["x-a", "1"] }); // same contents, another array
    await send(p, { path: "/x", headers: ["x-a", "2"] });
    await send(p, { path: "/x", method: "DELETE", headers });
    await send(p, { path: "/y", headers });
    expect(srv.requests.map((r) => r.raw.split("\r\n").filter((l) => !l.startsWith("host:")))).toEqual([
      ["GET /x HTTP/1.1", "connection: keep-alive", "x-a: 1", "", ""],
      ["GET /x HTTP/1.1", "connection: keep-alive", "x-a: 1", "", ""],
      ["GET /x HTTP/1.1", "connection: keep-alive", "x-a: 2", "", ""],
      ["DELETE /x HTTP/1.1", "connection: keep-alive", "x-a: 1", "", ""],
      ["GET /y HTTP/1.1", "connection: keep-alive", "x-a: 1", "", ""],
    ]);
  });

  it.each([
    ["a header value with CRLF", { path: "/", headers: ["x-a", "1\r\nx-b: 2"] }],
    ["a header name with a space", { path: "/", headers: ["x a", "1"] }],
    ["a path with a space", { path: "/a b" }],
    ["a relative path", { path: "a" }],
    ["a transfer-encoding header", { path: "/", headers: ["transfer-encoding", "chunked"] }],
    [
      "a content-length that does not match the body",
      { path: "/", method: "POST", headers: ["content-length", "9"], body: "abc" },
    ],
  ])("refuses %s through onError, as undici does, and sends nothing", async (_label, opts) => {
    const srv = await scriptedServer((_req, socket) => socket.write(ok()));
    const fast = await send(pool(srv.url), opts);
    const undici = new Pool(srv.url, { connections: 1 });
    try {
      const ref = await send(undici, opts);
      expect(fast.error?.code).toBe(ref.error?.code);
      expect(fast.calls).toEqual(["error"]);
    } finally {
      await undici.destroy();
    }
    expect(srv.requests).toHaveLength(0);
  });
});

describe("keep-alive", () => {
  it("reuses one connection for sequential requests, also from inside onComplete", async () => {
    const srv = await scriptedServer((_req, socket) => socket.write(ok()));
    const p = pool(srv.url);
    for (let i = 0; i < 5; i++) expect((await send(p, { path: "/" })).body).toBe("ok");
    // A handler that sends its next request from onComplete finds the connection already free.
    await new Promise<void>((resolve) => {
      let left = 20;
      const handler: Http1Handler = {
        onConnect() {},
        onHeaders: () => true,
        onData: () => true,
        onComplete() {
          if (--left === 0) resolve();
          else p.dispatch({ path: "/", method: "GET" }, handler);
        },
        onError: (err) => {
          throw err;
        },
      };
      p.dispatch({ path: "/", method: "GET" }, handler);
    });
    expect(srv.requests).toHaveLength(25);
    expect(srv.connections).toBe(1);
  });

  it("queues beyond `connections` and never opens more", async () => {
    const srv = await scriptedServer((_req, socket) => setTimeout(() => socket.write(ok()), 15));
    const p = pool(srv.url, { connections: 2 });
    const all = await Promise.all(Array.from({ length: 9 }, () => send(p, { path: "/" })));
    expect(all.every((o) => o.completed)).toBe(true);
    expect(srv.connections).toBe(2);
    expect(srv.maxOutstanding).toBe(1); // no pipelining by default
  });

  it("Connection: close from the server ends that connection; the next request opens another", async () => {
    const srv = await scriptedServer((req, socket) => socket.write(ok(req.path, "Connection: close\r\n")));
    const p = pool(srv.url, { connections: 1 });
    const all = await Promise.all([
      send(p, { path: "/1" }),
      send(p, { path: "/2" }),
      send(p, { path: "/3" }),
    ]);
    expect(all.map((o) => o.body)).toEqual(["/1", "/2", "/3"]);
    expect(srv.connections).toBe(3);
  });

  it("a Keep-Alive timeout hint below the safety margin means no reuse", async () => {
    const srv = await scriptedServer((_req, socket) => socket.write(ok("ok", "Keep-Alive: timeout=1\r\n")));
    const p = pool(srv.url);
    await send(p, { path: "/" });
    await send(p, { path: "/" });
    expect(srv.connections).toBe(2);
  });

  it("drops an idle connection the server closed, without sending on it", async () => {
    const srv = await scriptedServer((_req, socket) => {
      socket.write(ok());
      setTimeout(() => socket.end(), 10); // idle close by the server (FIN)
    });
    const p = pool(srv.url);
    expect((await send(p, { path: "/1" })).body).toBe("ok");
    await sleep(60);
    expect((await send(p, { path: "/2" })).body).toBe("ok");
    expect(srv.requests.map((r) => r.path)).toEqual(["/1", "/2"]);
    expect(srv.connections).toBe(2);
  });

  it("re-sends a GET once on a fresh connection when a reused socket dies before any response byte", async () => {
    const srv = await scriptedServer((req, socket) => {
      // The second request on a connection meets a server that is closing it.
      if (req.onConnection === 1) socket.destroy();
      else socket.write(ok(req.path));
    });
    const p = pool(srv.url, { connections: 1 });
    expect((await send(p, { path: "/1" })).body).toBe("/1");
    const retried = await send(p, { path: "/2" });
    expect(retried.error).toBeNull();
    expect(retried.body).toBe("/2");
    expect(srv.requests.map((r) => [r.path, r.connection])).toEqual([
      ["/1", 0],
      ["/2", 0],
      ["/2", 1],
    ]);
  });

  it("does not re-send a POST, nor a request that died on a fresh connection", async () => {
    const srv = await scriptedServer((req, socket) => {
      if (req.onConnection === 1 || req.path === "/die") socket.destroy();
      else socket.write(ok());
    });
    const p = pool(srv.url, { connections: 1 });
    await send(p, { path: "/first" });
    const post = await send(p, { path: "/post", method: "POST", body: "x" });
    expect(post.error).not.toBeNull();
    expect(classifyNetError(post.error).kind).toBe("reset");
    const fresh = await send(p, { path: "/die" });
    expect(classifyNetError(fresh.error).kind).toBe("reset");
    expect(srv.requests.filter((r) => r.path !== "/first").map((r) => r.path)).toEqual(["/post", "/die"]);
  });
});

describe("responses", () => {
  it("skips 1xx heads, reads a close-delimited body, and gives HEAD no body", async () => {
    const srv = await scriptedServer((req, socket) => {
      if (req.path === "/info")
        socket.write(`HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\n\r\n${ok("final")}`);
      else if (req.path === "/until-close")
        socket.end("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nall of it");
      else socket.write("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n"); // HEAD
    });
    const p = pool(srv.url, { connections: 1 });
    const info = await send(p, { path: "/info" });
    expect(info).toMatchObject({ status: 200, body: "final" });
    expect(info.calls.filter((c) => c === "headers")).toHaveLength(1);
    const head = await send(p, { path: "/head", method: "HEAD" });
    expect(head).toMatchObject({ status: 200, body: "", completed: true });
    const eof = await send(p, { path: "/until-close" });
    expect(eof).toMatchObject({ status: 200, body: "all of it", completed: true });
    expect(srv.connections).toBe(1); // HEAD kept the connection
    expect((await send(p, { path: "/info" })).body).toBe("final");
    expect(srv.connections).toBe(2); // the close-delimited body ended the first one
  });

  it("pipelining (opt-in) sends several GETs at once and reads responses sent in one segment", async () => {
    const srv = await scriptedServer((req, socket) => {
      // Answer only once three are in, all in one write.
      if (req.onConnection % 3 === 2) socket.write(ok("a") + ok("bb") + ok("ccc"));
    });
    const p = pool(srv.url, { connections: 1, pipelining: 3 });
    const all = await Promise.all([
      send(p, { path: "/1" }),
      send(p, { path: "/2" }),
      send(p, { path: "/3" }),
    ]);
    expect(all.map((o) => o.body)).toEqual(["a", "bb", "ccc"]);
    expect(srv.maxOutstanding).toBeGreaterThanOrEqual(2);
    expect(srv.connections).toBe(1);
  });

  it("bytes nobody asked for close that connection; the next request gets a new one", async () => {
    const srv = await scriptedServer((_req, socket) => {
      socket.write(ok());
      setTimeout(() => socket.write("HTTP/1.1 200 OK\r\n"), 10);
    });
    const p = pool(srv.url);
    await send(p, { path: "/1" });
    await sleep(50);
    expect((await send(p, { path: "/2" })).body).toBe("ok");
    expect(srv.connections).toBe(2);
  });

  it("a body cut short is a reset (undici's UND_ERR_SOCKET), and a bad reply is HPE_*", async () => {
    const srv = await scriptedServer((req, socket) => {
      if (req.path === "/cut") socket.end("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nabc");
      else socket.end("NOT HTTP\r\n\r\n");
    });
    const p = pool(srv.url);
    const cut = await send(p, { path: "/cut" });
    expect(cut.error).toMatchObject({ code: "UND_ERR_SOCKET" });
    expect(cut.calls).toEqual(["connect", "headers", "data", "error"]);
    const bad = await send(p, { path: "/bad" });
    expect(bad.error).toMatchObject({ code: "HPE_INVALID_CONSTANT", name: "HTTPParserError" });
  });
});

describe("handlers that give up", () => {
  it("abort in onConnect: onError with that error, nothing sent, the connection serves the next one", async () => {
    const srv = await scriptedServer((_req, socket) => socket.write(ok()));
    const p = pool(srv.url, { connections: 1 });
    await send(p, { path: "/warm" });
    const reason = new Error("changed my mind");
    const aborted = await send(p, { path: "/never" }, { abortIn: "connect", abortWith: reason });
    expect(aborted.error).toBe(reason);
    expect(aborted.calls).toEqual(["connect", "error"]);
    expect((await send(p, { path: "/next" })).body).toBe("ok");
    expect(srv.requests.map((r) => r.path)).toEqual(["/warm", "/next"]);
    expect(srv.connections).toBe(1);
  });

  it("abort in onHeaders: onError, its socket closed, no more callbacks", async () => {
    const srv = await scriptedServer((_req, socket) => socket.write(ok("x".repeat(100))));
    const p = pool(srv.url, { connections: 1 });
    const out = await send(p, { path: "/" }, { abortIn: "headers" });
    expect(out.calls).toEqual(["connect", "headers", "error"]);
    expect(out.error).toMatchObject({ code: "UND_ERR_ABORTED" });
    await sleep(30);
    expect(srv.openSockets).toBe(0);
    expect((await send(p, { path: "/" })).completed).toBe(true);
  });

  it("false from onHeaders: the body is read and dropped, onComplete follows, the socket is reused", async () => {
    const srv = await scriptedServer((_req, socket) => socket.write(ok("y".repeat(5000))));
    const p = pool(srv.url, { connections: 1 });
    const out = await send(p, { path: "/" }, { headersResult: false });
    expect(out.calls).toEqual(["connect", "headers", "complete"]);
    expect((await send(p, { path: "/" })).body).toHaveLength(5000);
    expect(srv.connections).toBe(1);
  });
});

describe("timeouts and failures", () => {
  it("headers timeout: UND_ERR_HEADERS_TIMEOUT", async () => {
    const srv = await scriptedServer(() => {});
    const out = await send(pool(srv.url, { headersTimeout: 100 }), { path: "/" });
    expect(out.error).toMatchObject({ code: "UND_ERR_HEADERS_TIMEOUT" });
  });

  it("body timeout: UND_ERR_BODY_TIMEOUT", async () => {
    const srv = await scriptedServer((_req, socket) =>
      socket.write("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"),
    );
    const out = await send(pool(srv.url, { bodyTimeout: 100 }), { path: "/" });
    expect(out.error).toMatchObject({ code: "UND_ERR_BODY_TIMEOUT" });
    expect(out.body).toBe("");
  });

  it("connect timeout: UND_ERR_CONNECT_TIMEOUT (a resolver that never answers)", async () => {
    const never: LookupFunction = () => {};
    const p = pool("http://never.test:80", { connect: { timeout: 100, lookup: never } });
    const out = await send(p, { path: "/" });
    expect(out.error).toMatchObject({ code: "UND_ERR_CONNECT_TIMEOUT" });
    expect(classifyNetError(out.error).kind).toBe("timeout");
  });

  it("refused: the socket's ECONNREFUSED, once per request", async () => {
    const srv = await scriptedServer(() => {});
    const url = srv.url;
    await srv.close();
    servers.length = 0;
    const p = pool(url, { connections: 2 });
    const all = await Promise.all(Array.from({ length: 5 }, () => send(p, { path: "/" })));
    expect(all.map((o) => o.error?.code)).toEqual(Array(5).fill("ECONNREFUSED"));
  });
});

describe("close and destroy", () => {
  it("close() lets in-flight and queued requests finish, then refuses new ones", async () => {
    const srv = await scriptedServer((_req, socket) => setTimeout(() => socket.write(ok()), 20));
    const p = pool(srv.url, { connections: 1 });
    const a = send(p, { path: "/a" });
    const b = send(p, { path: "/b" });
    await p.close();
    expect((await a).body).toBe("ok");
    expect((await b).body).toBe("ok");
    expect((await send(p, { path: "/c" })).error).toMatchObject({ code: "UND_ERR_CLOSED" });
    await sleep(20);
    expect(srv.openSockets).toBe(0);
  });

  it("destroy() fails in-flight and queued requests with UND_ERR_DESTROYED and closes every socket", async () => {
    const srv = await scriptedServer(() => {});
    const p = pool(srv.url, { connections: 1 });
    const inFlight = send(p, { path: "/hang" });
    const queued = send(p, { path: "/queued" });
    await sleep(30);
    await p.destroy();
    expect((await inFlight).error).toMatchObject({ code: "UND_ERR_DESTROYED" });
    expect((await queued).error).toMatchObject({ code: "UND_ERR_DESTROYED" });
    expect((await send(p, { path: "/late" })).error).toMatchObject({ code: "UND_ERR_DESTROYED" });
    await sleep(20);
    expect(srv.openSockets).toBe(0);
  });
});
