import { type LookupFunction, connect as netConnect, type Socket } from "node:net";
import { connect as tlsConnect } from "node:tls";
import type { Dispatcher } from "undici";
import {
  HEAD_CONTINUE,
  HEAD_SKIP_BODY,
  HEAD_STOP,
  Http1ResponseParser,
  type ResponseSink,
} from "./http1-parser.js";
import { type Lane, type TimedEntry, TimeoutLanes } from "./timeout-lanes.js";
import { undiciErrors as errors } from "./undici-lazy.js";

/**
 * A minimal HTTP/1.1 keep-alive client pool for one origin, for `HttpClient`'s hot path: a drop-in
 * for the part of undici's `Pool` it uses (`dispatch` with a legacy callback handler, `close`,
 * `destroy`), with errors shaped like undici's so `classifyNetError` gives the same kinds.
 *
 *   dispatch ─▶ Req (recycled) ─▶ idle Conn? ─yes─▶ onConnect(abort), one socket.write of cached bytes
 *                                    │no
 *                                    ▼
 *                  queue (intrusive FIFO) ─▶ opens a Conn if under `connections`
 *   Conn: socket ─read─▶ Http1ResponseParser ─▶ onHeaders / onData / onComplete | onError
 *         free again ─▶ next queued Req, or the idle stack (LIFO: sequential requests reuse one socket)
 *
 * Why not undici: per request it builds a Request object, re-validates and re-encodes the headers,
 * runs llhttp through WASM and reads through the stream machinery. Here a repeated request is one
 * write of a cached Buffer; reads bypass the stream machinery (`onread` into one buffer shared by
 * every connection, copied out once per read); a response head identical to the previous one is
 * recognised with one compare; timeouts ride `TimeoutLanes`; request state objects are recycled,
 * with no closure or Promise per request. The figure is on the class below.
 */
export interface Http1PoolOptions {
  /** Keep-alive connections at most. */
  connections: number;
  /** Requests in flight per connection; 1 (default) disables pipelining. Only GET/HEAD are pipelined. */
  pipelining?: number;
  connect?: {
    /** Connect timeout in ms, 0 disables (default 10 s, undici's). */
    timeout?: number;
    lookup?: LookupFunction;
    /** https only: check the server certificate (default true). */
    rejectUnauthorized?: boolean;
  };
  /** ms from sending a request to the end of its response headers; 0 disables. Default 300 s (undici's). */
  headersTimeout?: number;
  /** ms between body reads; 0 disables. Default 300 s (undici's). */
  bodyTimeout?: number;
  /** Idle keep-alive lifetime without a server hint, ms. Default 4 s (undici's). */
  keepAliveTimeout?: number;
  /** Cap on a server's `Keep-Alive: timeout` hint, ms. Default 600 s. */
  keepAliveMaxTimeout?: number;
  /** Subtracted from the server's hint so we close first, ms. Default 2 s (undici's). */
  keepAliveTimeoutThreshold?: number;
  /** Largest response head accepted, bytes. Default 16 KiB (Node's and undici's). */
  maxHeaderSize?: number;
}

/** The legacy undici handler the pool calls (what `HttpClient`'s Exchange implements). */
export interface Http1Handler {
  /**
   * The request got a connection and is about to be written. `abort(err)` fails it with
   * `onError(err)` and closes its socket. The function belongs to a recycled request slot: it is
   * valid until the request's `onComplete` or `onError`, and must not be called after.
   */
  onConnect(abort: (err?: Error) => void): void;
  /** Returning false means the handler is done: the rest of the response is read and dropped. */
  onHeaders(statusCode: number, rawHeaders: Buffer[], resume: () => void, statusText: string): boolean;
  /** Returning false: as for `onHeaders`. */
  onData(chunk: Buffer): boolean;
  onComplete(trailers: string[] | null): void;
  onError(err: Error): void;
}

const C_CONNECTING = 0;
const C_READY = 1;
const C_CLOSED = 2;

const R_FREE = 0;
const R_QUEUED = 1;
const R_ACTIVE = 2;
const R_DONE = 3;

const PHASE_NONE = 0;
const PHASE_CONNECT = 1;
const PHASE_HEADERS = 2;
const PHASE_BODY = 3;

const DEFAULT_TIMEOUT = 300_000;
const SWEEP_MS = 1000;
const MAX_TEMPLATES = 512;
const MAX_FREE_REQS = 1024;
const NOOP = () => {};
/** Marks requests the pool already settled (an abort): `Conn.fail` skips them. */
const ABORTED = new errors.InformationalError("aborted");

/**
 * One buffer for every plain-TCP read of every connection: libuv reads one socket at a time and the
 * `onread` callback runs before the next read, and each read is copied out before returning.
 * Measured (raw socket loop, 10 connections): `onread` 8.6–8.9 µs CPU per request against 10.7–15.3
 * for 'data' events.
 */
const SHARED_READ = Buffer.allocUnsafe(64 * 1024);

/** Methods that carry a body by definition: undici sends `content-length: 0` for them when bodyless. */
const EXPECTS_PAYLOAD = new Set(["PUT", "POST", "PATCH", "QUERY", "PROPFIND", "PROPPATCH"]);
const KNOWN_METHODS = new Set([
  "GET",
  "HEAD",
  "POST",
  "PUT",
  "DELETE",
  "PATCH",
  "OPTIONS",
  "TRACE",
  "CONNECT",
]);
const TOKEN_RE = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** undici's `headerCharRegex` and `invalidPathRegex`. */
const INVALID_HEADER_CHAR = /[^\t\x20-\x7e\x80-\xff]/;
const INVALID_PATH_CHAR = /[^\u0021-\u00ff]/;
const NON_ASCII = /[\u0080-\uffff]/;

/** The encoded head of a request, cached per (method, path, headers). */
class Template {
  next: Template | null = null;
  constructor(
    readonly method: string,
    /** A copy of the flat header array it was built from, compared element by element. */
    readonly headers: readonly string[],
    /** Everything up to the end of the headers, without content-length and the blank line. */
    readonly prefix: string,
    /** The whole head when there is no body. */
    readonly bytes: Buffer,
    readonly ascii: boolean,
    /** A `connection: close` header asked for the connection to end after this request. */
    readonly reset: boolean,
    /** The caller's own content-length header, or -1. */
    readonly userContentLength: number,
  ) {}
}

/** One request's state from dispatch to its last callback. Recycled: the pool keeps a free list. */
class Req {
  handler: Http1Handler | null = null;
  state = R_FREE;
  /** The whole request when it has no body. */
  bytes: Buffer | null = null;
  /** The head (with content-length) when it has a body. */
  headStr = "";
  body: string | Uint8Array | null = null;
  ascii = true;
  isHead = false;
  idempotent = false;
  reset = false;
  written = false;
  retried = false;
  /** The handler said it is done (false from onHeaders/onData): read the rest, deliver nothing. */
  discard = false;
  headersTimeout = 0;
  bodyTimeout = 0;
  conn: Conn | null = null;
  next: Req | null = null;
  /** Created once per slot, not per request (see Http1Handler.onConnect). */
  readonly abort: (err?: Error) => void;

  constructor(pool: Http1Pool) {
    this.abort = (err?: Error) => pool.abortReq(this, err);
  }
}

/** One socket, its parser and the requests in flight on it (oldest first). */
class Conn implements TimedEntry, ResponseSink {
  state = C_CONNECTING;
  readonly socket: Socket;
  readonly parser: Http1ResponseParser;
  head: Req | null = null;
  tail: Req | null = null;
  inflight = 0;
  /** A stale-socket retry waiting for this fresh connection. */
  reserved: Req | null;
  /** Completed at least one response: a failure before any response byte may be a stale socket. */
  reused = false;
  /** No more requests on it (the server or a request asked to close). */
  reset = false;
  inIdle = false;
  idleTicks = 0;
  unrefd = false;
  keepAliveMs: number;
  phase = PHASE_NONE;
  needBodyTimer = false;
  // TimedEntry
  deadline = 0;
  prevTimed: TimedEntry | null = null;
  nextTimed: TimedEntry | null = null;
  lane: Lane | null = null;

  constructor(
    private readonly pool: Http1Pool,
    reserved: Req | null,
  ) {
    this.reserved = reserved;
    this.keepAliveMs = pool.keepAliveTimeout;
    this.parser = new Http1ResponseParser(this, pool.maxHeaderSize);
    this.socket = pool.openSocket(this);
    this.socket.on("error", this.onSocketError);
    this.socket.on("end", this.onEnd);
    this.socket.on("close", this.onClose);
  }

  /** The plain-socket `onread` callback: copy the read out of the shared buffer, then parse it. */
  readonly onRead = (n: number, _buf: Uint8Array): boolean => {
    if (n > 0) {
      const chunk = Buffer.allocUnsafe(n);
      SHARED_READ.copy(chunk, 0, 0, n);
      this.onChunk(chunk);
    }
    return true;
  };

  /** TLS sockets: 'data' chunks are fresh Buffers already. */
  readonly onChunk = (chunk: Buffer): void => {
    if (this.state === C_CLOSED) return;
    if (this.head === null) {
      // Bytes nobody asked for: the next request would read them as its response.
      this.fail(new errors.SocketError("bad response"), false);
      return;
    }
    const err = this.parser.execute(chunk);
    if (err !== null) {
      this.fail(err, false);
      return;
    }
    if (this.state === C_CLOSED) return;
    if (this.needBodyTimer || this.phase === PHASE_BODY) {
      // Once per read, not per body piece: a response that completes in this read costs no timer.
      this.needBodyTimer = false;
      const req = this.head;
      if (req !== null && req.bodyTimeout > 0 && this.parser.inMessage) {
        this.pool.lanes.remove(this);
        this.pool.lanes.add(this, req.bodyTimeout, performance.now());
        this.phase = PHASE_BODY;
      }
    }
  };

  readonly onConnected = (): void => {
    if (this.state !== C_CONNECTING) return;
    this.state = C_READY;
    this.pool.lanes.remove(this);
    this.phase = PHASE_NONE;
    this.pool.connReady(this);
  };

  private readonly onSocketError = (err: Error): void => {
    if (this.state === C_CLOSED) return;
    // undici: a reset after a response that announced the close is just its end.
    if ((err as { code?: unknown }).code === "ECONNRESET" && this.parser.inBody && !this.parser.keepAlive) {
      this.onEnd();
      return;
    }
    this.fail(err, true);
  };

  private readonly onEnd = (): void => {
    if (this.state === C_CLOSED) return;
    if (this.head === null || !this.parser.inMessage) {
      this.fail(new errors.SocketError("other side closed"), true);
      return;
    }
    const err = this.parser.finish(); // completes a body that runs until close
    if (err !== null) this.fail(err, false);
    else if (this.state !== C_CLOSED) this.fail(new errors.SocketError("other side closed"), true);
  };

  private readonly onClose = (): void => {
    this.pool.socketClosed();
    if (this.state !== C_CLOSED) this.fail(new errors.SocketError("closed"), true);
  };

  /** Send `req` on this connection. The caller checked `canTake()`. */
  start(req: Req): void {
    req.state = R_ACTIVE;
    req.conn = this;
    req.next = null;
    if (this.tail === null) this.head = req;
    else this.tail.next = req;
    this.tail = req;
    this.inflight++;
    if (this.unrefd) {
      this.socket.ref();
      this.unrefd = false;
    }
    req.handler!.onConnect(req.abort);
    if (req.state !== R_ACTIVE || this.state === C_CLOSED) return; // aborted before sending
    req.written = true;
    if (req.reset) this.reset = true;
    const s = this.socket;
    const body = req.body;
    if (body === null) s.write(req.bytes!);
    else if (typeof body === "string" && req.ascii) s.write(req.headStr + body);
    else {
      s.cork();
      s.write(req.headStr, "latin1");
      s.write(body);
      s.uncork();
    }
    if (this.head === req) this.armHeaders(req);
  }

  /** Undo `start` for a request aborted inside its onConnect (it is the tail and was not sent). */
  unlinkUnsent(req: Req): void {
    let prev: Req | null = null;
    for (let r = this.head; r !== null; prev = r, r = r.next) {
      if (r !== req) continue;
      if (prev === null) this.head = r.next;
      else prev.next = r.next;
      if (this.tail === r) this.tail = prev;
      this.inflight--;
      r.next = null;
      return;
    }
  }

  canTake(req: Req | null): boolean {
    if (this.state !== C_READY || this.reset) return false;
    if (this.inflight === 0) return true;
    const max = this.pool.pipelining;
    if (this.inflight >= max) return false;
    // Only idempotent requests are pipelined, behind idempotent ones (a failure re-sends them).
    if (req !== null && !req.idempotent) return false;
    for (let r = this.head; r !== null; r = r.next) if (!r.idempotent) return false;
    return true;
  }

  private armHeaders(req: Req): void {
    if (req.headersTimeout > 0) {
      this.pool.lanes.remove(this);
      this.pool.lanes.add(this, req.headersTimeout, performance.now());
      this.phase = PHASE_HEADERS;
    }
  }

  armConnect(ms: number): void {
    this.pool.lanes.add(this, ms, performance.now());
    this.phase = PHASE_CONNECT;
  }

  // ── ResponseSink ───────────────────────────────────────────────────────────────────────────

  onResponseHead(status: number, statusText: string, rawHeaders: Buffer[]): number {
    const req = this.head;
    if (req === null) {
      this.fail(new errors.SocketError("bad response"), false);
      return HEAD_STOP;
    }
    if (this.phase !== PHASE_NONE) {
      this.pool.lanes.remove(this);
      this.phase = PHASE_NONE;
    }
    if (req.bodyTimeout > 0) this.needBodyTimer = true;
    const hint = this.parser.keepAliveHintMs;
    if (hint >= 0) {
      const ms = Math.min(hint - this.pool.keepAliveTimeoutThreshold, this.pool.keepAliveMaxTimeout);
      if (ms <= 0) this.reset = true;
      else this.keepAliveMs = ms;
    }
    if (!req.discard) {
      const more = req.handler!.onHeaders(status, rawHeaders, NOOP, statusText);
      if (this.state === C_CLOSED || req.state !== R_ACTIVE) return HEAD_STOP;
      if (more === false) req.discard = true;
    }
    return req.isHead ? HEAD_SKIP_BODY : HEAD_CONTINUE;
  }

  onResponseBody(chunk: Buffer): boolean {
    const req = this.head!;
    if (req.discard) return true;
    const more = req.handler!.onData(chunk);
    if (this.state === C_CLOSED || req.state !== R_ACTIVE) return false;
    if (more === false) req.discard = true;
    return true;
  }

  onResponseComplete(): boolean {
    const req = this.head!;
    if (this.phase !== PHASE_NONE) {
      this.pool.lanes.remove(this);
      this.phase = PHASE_NONE;
    }
    this.needBodyTimer = false;
    this.head = req.next;
    if (this.head === null) this.tail = null;
    this.inflight--;
    req.next = null;
    req.state = R_DONE;
    this.reused = true;
    if (!this.parser.keepAlive) this.reset = true;
    const handler = req.handler!;
    // Free the connection before the handler runs, so a request it sends from onComplete reuses it.
    if (this.reset) {
      if (this.inflight === 0) this.close();
      else this.fail(new errors.SocketError("closed"), true); // pipelined requests go back to the queue
    } else if (this.head !== null) {
      this.armHeaders(this.head);
    } else {
      this.pool.pump(this);
    }
    handler.onComplete(null);
    this.pool.recycle(req);
    return this.state !== C_CLOSED;
  }

  // ── TimedEntry ─────────────────────────────────────────────────────────────────────────────

  onTimeout(): void {
    const phase = this.phase;
    this.phase = PHASE_NONE;
    if (phase === PHASE_CONNECT) this.fail(this.pool.connectTimeoutError(), false);
    else if (phase === PHASE_HEADERS) this.fail(new errors.HeadersTimeoutError(), false);
    else if (phase === PHASE_BODY) this.fail(new errors.BodyTimeoutError(), false);
  }

  // ── ending ─────────────────────────────────────────────────────────────────────────────────

  /** Close an idle connection (or one whose last response asked for it). */
  close(): void {
    if (this.state === C_CLOSED) return;
    this.state = C_CLOSED;
    this.pool.lanes.remove(this);
    this.socket.destroy();
    this.pool.connClosed(this, false);
    this.pool.connEnded(); // queued requests may need a new connection now
  }

  /**
   * Close the socket and take this connection's requests off it (they are the caller's to fail,
   * retry or re-queue); tells the pool. Null when it was already closed.
   */
  private teardown(): { head: Req | null; reserved: Req | null; wasConnecting: boolean } | null {
    if (this.state === C_CLOSED) return null;
    const wasConnecting = this.state === C_CONNECTING;
    this.state = C_CLOSED;
    this.pool.lanes.remove(this);
    this.socket.destroy();
    const head = this.head;
    this.head = null;
    this.tail = null;
    this.inflight = 0;
    const reserved = this.reserved;
    this.reserved = null;
    this.pool.connClosed(this, wasConnecting && reserved === null);
    return { head, reserved, wasConnecting };
  }

  /**
   * The connection failed with `err`. The request at the head gets `err` — or, when the socket
   * was reused and died before any byte of its response, one re-send on a fresh connection (GET
   * and HEAD only, as undici retries idempotent requests); requests pipelined behind it were not
   * answered and go back to the front of the queue.
   */
  fail(err: Error, closeError: boolean): void {
    const closed = this.teardown();
    if (closed === null) return;
    const { head: first, reserved, wasConnecting } = closed;
    if (wasConnecting) {
      // One request per failed connection attempt, as undici fails its client's pending request.
      const req = reserved ?? this.pool.dequeue();
      if (req !== null) this.pool.failReq(req, err);
    } else if (first !== null) {
      let rest = first.next;
      first.next = null;
      if (first.state === R_ACTIVE) {
        const stale =
          closeError &&
          this.reused &&
          !this.parser.inMessage &&
          first.idempotent &&
          !first.retried &&
          !this.pool.closed;
        if (stale) this.pool.retry(first);
        else this.pool.failReq(first, err);
      }
      const back: Req[] = [];
      while (rest !== null) {
        const next = rest.next;
        rest.next = null;
        if (rest.state === R_ACTIVE) back.push(rest);
        rest = next;
      }
      for (let i = back.length - 1; i >= 0; i--) this.pool.requeueFront(back[i]!);
    }
    this.pool.afterConnClosed();
  }

  /** Fail everything on this connection with `err` (pool destroyed): no retry, no re-queue. */
  destroyWith(err: Error): void {
    const closed = this.teardown();
    if (closed === null) return;
    if (closed.reserved !== null) this.pool.failReq(closed.reserved, err);
    let req = closed.head;
    while (req !== null) {
      const next = req.next;
      req.next = null;
      if (req.state === R_ACTIVE) this.pool.failReq(req, err);
      req = next;
    }
  }
}

/**
 * The fast driver's pool: one per origin, at most `connections` keep-alive sockets.
 *
 * CPU/request, bare dispatch loop, nginx `return 200`, loopback, one run: undici Pool 22.3 µs → this 11.4 µs.
 * (10 connections, process.cpuUsage, median of 3 × 100k on a busy 2-core VM; a bare net.Socket
 * writing a pre-built request: 9.3 µs. A CPU comparison is a benchmark, not a test: bench/.)
 */
export class Http1Pool {
  /** @internal */ readonly lanes = new TimeoutLanes();
  /** @internal */ readonly pipelining: number;
  /** @internal */ readonly keepAliveTimeout: number;
  /** @internal */ readonly keepAliveMaxTimeout: number;
  /** @internal */ readonly keepAliveTimeoutThreshold: number;
  /** @internal */ readonly maxHeaderSize: number;
  /** @internal */ closed = false;
  private destroyed = false;
  private readonly maxConnections: number;
  private readonly hostname: string;
  private readonly port: number;
  private readonly tls: boolean;
  private readonly hostHeader: string;
  private readonly connectTimeout: number;
  private readonly lookup: LookupFunction | undefined;
  private readonly rejectUnauthorized: boolean;
  private readonly headersTimeout: number;
  private readonly bodyTimeout: number;
  private readonly conns: Conn[] = [];
  /** Connections being opened for the queue (not for a retry). */
  private connecting = 0;
  private readonly idle: Conn[] = [];
  private qHead: Req | null = null;
  private qTail: Req | null = null;
  private queued = 0;
  private readonly free: Req[] = [];
  private readonly templates = new Map<string, Template>();
  private sweepTimer: ReturnType<typeof setInterval> | null = null;
  private openSockets = 0;
  private closeWaiters: (() => void)[] = [];

  constructor(origin: string | URL, opts: Http1PoolOptions) {
    const u = typeof origin === "string" ? new URL(origin) : origin;
    if (u.protocol !== "http:" && u.protocol !== "https:") {
      throw new errors.InvalidArgumentError("invalid protocol");
    }
    this.tls = u.protocol === "https:";
    // URL keeps IPv6 brackets in hostname; net.connect wants the bare address.
    this.hostname = u.hostname.startsWith("[") ? u.hostname.slice(1, -1) : u.hostname;
    this.port = u.port === "" ? (this.tls ? 443 : 80) : Number(u.port);
    this.hostHeader = u.host; // default port omitted, as undici sends it
    this.maxConnections = Math.max(1, opts.connections);
    this.pipelining = Math.max(1, opts.pipelining ?? 1);
    this.connectTimeout = opts.connect?.timeout ?? 10_000;
    this.lookup = opts.connect?.lookup;
    this.rejectUnauthorized = opts.connect?.rejectUnauthorized ?? true;
    this.headersTimeout = opts.headersTimeout ?? DEFAULT_TIMEOUT;
    this.bodyTimeout = opts.bodyTimeout ?? DEFAULT_TIMEOUT;
    this.keepAliveTimeout = opts.keepAliveTimeout ?? 4000;
    this.keepAliveMaxTimeout = opts.keepAliveMaxTimeout ?? 600_000;
    this.keepAliveTimeoutThreshold = opts.keepAliveTimeoutThreshold ?? 2000;
    this.maxHeaderSize = opts.maxHeaderSize ?? 16 * 1024;
  }

  /**
   * Queue one request; the handler hears back through its callbacks only (errors included, as
   * undici's `Dispatcher.dispatch` does). Supported: `headers` as a flat [name, value, …] array or
   * a plain object, `body` as a string or bytes, `headersTimeout` / `bodyTimeout` overrides.
   */
  dispatch(opts: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    const h = handler as Http1Handler;
    if (this.destroyed) {
      h.onError(new errors.ClientDestroyedError());
      return false;
    }
    if (this.closed) {
      h.onError(new errors.ClientClosedError());
      return false;
    }
    const req = this.free.pop() ?? new Req(this);
    req.handler = h;
    req.state = R_QUEUED;
    const err = this.prepare(req, opts);
    if (err !== null) {
      this.recycle(req);
      h.onError(err);
      return false;
    }
    if (this.qHead === null) {
      const conn = this.takeIdle(req);
      if (conn !== null) {
        conn.start(req);
        if (req.state !== R_ACTIVE) this.recycle(req); // aborted in onConnect
        if (conn.inflight === 0) this.pump(conn);
        return true;
      }
    }
    this.enqueue(req);
    this.maybeConnect();
    return true;
  }

  /** Stop accepting requests; resolve once those queued and in flight are done and sockets closed. */
  close(): Promise<void> {
    this.closed = true;
    const done = new Promise<void>((resolve) => this.closeWaiters.push(resolve));
    this.checkClosed();
    return done;
  }

  /** Fail everything queued or in flight (`UND_ERR_DESTROYED` unless `err` is given) and close every socket. */
  destroy(err?: Error): Promise<void> {
    const done = new Promise<void>((resolve) => this.closeWaiters.push(resolve));
    if (!this.destroyed) {
      this.destroyed = true;
      this.closed = true;
      const e = err ?? new errors.ClientDestroyedError();
      this.stopSweep();
      let req = this.qHead;
      this.qHead = null;
      this.qTail = null;
      this.queued = 0;
      while (req !== null) {
        const next = req.next;
        req.next = null;
        this.failReq(req, e);
        req = next;
      }
      for (const conn of this.conns.slice()) conn.destroyWith(e);
      this.lanes.close();
    }
    this.checkClosed();
    return done;
  }

  // ── internals used by Conn ─────────────────────────────────────────────────────────────────

  /** @internal */
  openSocket(conn: Conn): Socket {
    this.openSockets++;
    let socket: Socket;
    if (this.tls) {
      socket = tlsConnect({
        host: this.hostname,
        port: this.port,
        servername: isIp(this.hostname) ? "" : this.hostname,
        ALPNProtocols: ["http/1.1"],
        rejectUnauthorized: this.rejectUnauthorized,
        ...(this.lookup === undefined ? {} : { lookup: this.lookup }),
      });
      socket.once("secureConnect", conn.onConnected);
      socket.on("data", conn.onChunk);
    } else {
      socket = netConnect({
        host: this.hostname,
        port: this.port,
        noDelay: true,
        keepAlive: true,
        keepAliveInitialDelay: 60_000,
        ...(this.lookup === undefined ? {} : { lookup: this.lookup }),
        onread: { buffer: SHARED_READ, callback: conn.onRead },
      });
      socket.once("connect", conn.onConnected);
      return socket;
    }
    // undici's connector settings: no Nagle delay, TCP keep-alive probes after 60 s.
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 60_000);
    return socket;
  }

  /** @internal A connection is open: serve its reserved retry or the queue. */
  connReady(conn: Conn): void {
    if (conn.reserved === null) this.connecting--;
    this.pump(conn);
  }

  /** @internal Give `conn` queued work while it can take it; park it idle when it has none. */
  pump(conn: Conn): void {
    for (;;) {
      let req = conn.reserved;
      if (req !== null) conn.reserved = null;
      else {
        if (this.qHead === null || !conn.canTake(this.qHead)) break;
        req = this.dequeue()!;
      }
      conn.start(req);
      if (req.state !== R_ACTIVE) this.recycle(req);
      if (conn.state !== C_READY) return;
    }
    if (conn.inflight === 0 && conn.state === C_READY && !conn.inIdle) {
      if (this.closed && this.qHead === null) {
        conn.close();
        return;
      }
      conn.inIdle = true;
      conn.idleTicks = 0;
      this.idle.push(conn);
    }
  }

  /** @internal */
  dequeue(): Req | null {
    const req = this.qHead;
    if (req === null) return null;
    this.qHead = req.next;
    if (this.qHead === null) this.qTail = null;
    req.next = null;
    this.queued--;
    return req;
  }

  /** @internal */
  requeueFront(req: Req): void {
    req.state = R_QUEUED;
    req.conn = null;
    req.written = false;
    req.discard = false;
    req.next = this.qHead;
    this.qHead = req;
    if (this.qTail === null) this.qTail = req;
    this.queued++;
  }

  /** @internal Re-send `req` once, on a connection of its own. */
  retry(req: Req): void {
    req.retried = true;
    req.state = R_QUEUED;
    req.conn = null;
    req.written = false;
    req.discard = false;
    this.openConn(req);
  }

  /** @internal */
  failReq(req: Req, err: Error): void {
    if (req.state === R_DONE || req.state === R_FREE) return;
    req.state = R_DONE;
    const handler = req.handler!;
    handler.onError(err);
    this.recycle(req);
  }

  /** @internal */
  recycle(req: Req): void {
    if (req.state === R_FREE) return;
    req.state = R_FREE;
    req.handler = null;
    req.bytes = null;
    req.body = null;
    req.headStr = "";
    req.conn = null;
    req.next = null;
    req.written = false;
    req.retried = false;
    req.discard = false;
    if (this.free.length < MAX_FREE_REQS) this.free.push(req);
  }

  /** @internal The handler's `abort`. */
  abortReq(req: Req, err: Error | undefined): void {
    if (req.state !== R_ACTIVE) return;
    const e = err ?? new errors.RequestAbortedError();
    const conn = req.conn!;
    req.state = R_DONE;
    if (!req.written) {
      // Inside its onConnect: nothing was sent, the connection stays as it was.
      conn.unlinkUnsent(req);
      req.handler!.onError(e);
      return; // `start`'s caller recycles it
    }
    conn.fail(ABORTED, false);
    req.handler!.onError(e);
    this.recycle(req);
  }

  /** @internal */
  connClosed(conn: Conn, countedConnecting: boolean): void {
    const i = this.conns.indexOf(conn);
    if (i >= 0) this.conns.splice(i, 1);
    if (countedConnecting) this.connecting--;
    if (conn.inIdle) {
      conn.inIdle = false;
      const j = this.idle.indexOf(conn);
      if (j >= 0) this.idle.splice(j, 1);
    }
  }

  /** @internal After a connection failed: open another for the queue, or finish a close(). */
  afterConnClosed(): void {
    this.connEnded();
    this.checkClosed();
  }

  /** @internal */
  connEnded(): void {
    if (!this.destroyed && this.qHead !== null) this.maybeConnect();
  }

  /** @internal */
  socketClosed(): void {
    this.openSockets--;
    this.checkClosed();
  }

  /** @internal */
  connectTimeoutError(): Error {
    return new errors.ConnectTimeoutError(
      `Connect Timeout Error (attempted address: ${this.hostname}:${this.port}, timeout: ${this.connectTimeout}ms)`,
    );
  }

  // ── private ────────────────────────────────────────────────────────────────────────────────

  private enqueue(req: Req): void {
    req.state = R_QUEUED;
    req.next = null;
    if (this.qTail === null) this.qHead = req;
    else this.qTail.next = req;
    this.qTail = req;
    this.queued++;
  }

  private takeIdle(req: Req): Conn | null {
    const idle = this.idle;
    while (idle.length > 0) {
      const conn = idle.pop()!;
      conn.inIdle = false;
      if (conn.state === C_READY && !conn.reset) return conn;
    }
    if (this.pipelining > 1 && req.idempotent) {
      for (const conn of this.conns) if (conn.canTake(req)) return conn;
    }
    return null;
  }

  private maybeConnect(): void {
    while (this.conns.length < this.maxConnections && this.connecting < this.queued) this.openConn(null);
  }

  private openConn(reserved: Req | null): void {
    const conn = new Conn(this, reserved);
    this.conns.push(conn);
    if (reserved === null) this.connecting++;
    if (this.connectTimeout > 0) conn.armConnect(this.connectTimeout);
    if (this.sweepTimer === null) {
      this.sweepTimer = setInterval(this.sweep, SWEEP_MS);
      this.sweepTimer.unref();
    }
  }

  /** Once a second: close connections idle past their keep-alive time, unref the idle ones. */
  private readonly sweep = (): void => {
    const idle = this.idle;
    for (let i = idle.length - 1; i >= 0; i--) {
      const conn = idle[i]!;
      if (++conn.idleTicks * SWEEP_MS >= conn.keepAliveMs) {
        conn.close();
      } else if (!conn.unrefd) {
        // An idle pool must not keep the process alive (undici unrefs idle sockets too).
        conn.socket.unref();
        conn.unrefd = true;
      }
    }
    if (this.conns.length === 0) this.stopSweep();
  };

  private stopSweep(): void {
    if (this.sweepTimer !== null) clearInterval(this.sweepTimer);
    this.sweepTimer = null;
  }

  private checkClosed(): void {
    if (!this.closed) return;
    if (!this.destroyed) {
      if (this.qHead !== null) return;
      for (const conn of this.conns) if (conn.inflight > 0 || conn.reserved !== null) return;
      for (const conn of this.conns.slice()) conn.close();
      this.stopSweep();
    }
    if (this.openSockets === 0 && this.closeWaiters.length > 0) {
      const waiters = this.closeWaiters;
      this.closeWaiters = [];
      for (const w of waiters) w();
    }
  }

  /** Fill `req` from the dispatch options; returns the error for an invalid request. */
  private prepare(req: Req, opts: Dispatcher.DispatchOptions): Error | null {
    const method = opts.method;
    const path = opts.path;
    let body = opts.body ?? null;
    if (body !== null) {
      if (typeof body === "string") {
        if (body.length === 0) body = null;
      } else if (body instanceof Uint8Array) {
        if (body.byteLength === 0) body = null;
      } else {
        return new errors.InvalidArgumentError("body must be a string or bytes (Http1Pool)");
      }
    }
    let headers: readonly string[];
    const given = opts.headers;
    if (given === null || given === undefined) headers = EMPTY;
    else if (Array.isArray(given)) headers = given as readonly string[];
    else if (typeof given === "object" && !(Symbol.iterator in given)) {
      const flat: string[] = [];
      for (const [k, v] of Object.entries(given as Record<string, unknown>)) {
        if (v === undefined) continue;
        if (Array.isArray(v)) for (const x of v) flat.push(k, String(x));
        else flat.push(k, String(v));
      }
      headers = flat;
    } else {
      return new errors.InvalidArgumentError("headers must be a flat array or an object (Http1Pool)");
    }

    let tpl: Template | null = this.templates.get(path) ?? null;
    while (tpl !== null && !(tpl.method === method && sameStrings(tpl.headers, headers))) tpl = tpl.next;
    if (tpl === null) {
      const built = this.buildTemplate(method, path, headers);
      if (built instanceof Error) return built;
      tpl = built;
      if (this.templates.size >= MAX_TEMPLATES) this.templates.clear();
      built.next = this.templates.get(path) ?? null;
      this.templates.set(path, built);
    }

    req.isHead = method === "HEAD";
    req.idempotent = method === "GET" || method === "HEAD";
    req.reset = tpl.reset;
    req.headersTimeout = opts.headersTimeout ?? this.headersTimeout;
    req.bodyTimeout = opts.bodyTimeout ?? this.bodyTimeout;
    if (body === null) {
      if (tpl.userContentLength > 0) return new errors.RequestContentLengthMismatchError();
      req.bytes = tpl.bytes;
      req.body = null;
    } else {
      const len = typeof body === "string" ? Buffer.byteLength(body) : body.byteLength;
      if (tpl.userContentLength >= 0 && tpl.userContentLength !== len) {
        return new errors.RequestContentLengthMismatchError();
      }
      req.headStr = `${tpl.prefix}content-length: ${len}\r\n\r\n`;
      req.body = body;
      req.ascii = tpl.ascii;
    }
    return null;
  }

  /** Validate and encode a request head the way undici's Request and writeH1 do. */
  private buildTemplate(method: string, path: string, headers: readonly string[]): Template | Error {
    if (typeof path !== "string") return new errors.InvalidArgumentError("path must be a string");
    if (path[0] !== "/" && !path.startsWith("http://") && !path.startsWith("https://")) {
      return new errors.InvalidArgumentError("path must be an absolute URL or start with a slash");
    }
    if (INVALID_PATH_CHAR.test(path)) return new errors.InvalidArgumentError("invalid request path");
    if (typeof method !== "string") return new errors.InvalidArgumentError("method must be a string");
    if (!KNOWN_METHODS.has(method) && !TOKEN_RE.test(method)) {
      return new errors.InvalidArgumentError("invalid request method");
    }
    if (headers.length % 2 !== 0) return new errors.InvalidArgumentError("headers array must be even");
    let host: string | null = null;
    let userContentLength = -1;
    let reset = false;
    let rest = "";
    for (let i = 0; i < headers.length; i += 2) {
      const name = String(headers[i]);
      const value = String(headers[i + 1] ?? "");
      const lower = name.toLowerCase();
      if (!TOKEN_RE.test(name)) return new errors.InvalidArgumentError("invalid header key");
      if (INVALID_HEADER_CHAR.test(value)) return new errors.InvalidArgumentError(`invalid ${name} header`);
      switch (lower) {
        case "host":
          if (host !== null) return new errors.InvalidArgumentError("duplicate host header");
          host = value;
          break;
        case "content-length":
          if (userContentLength >= 0)
            return new errors.InvalidArgumentError("duplicate content-length header");
          if (!/^[0-9]+$/.test(value))
            return new errors.InvalidArgumentError("invalid content-length header");
          userContentLength = Number.parseInt(value, 10);
          break;
        case "transfer-encoding":
        case "keep-alive":
        case "upgrade":
          return new errors.InvalidArgumentError(`invalid ${lower} header`);
        case "connection":
          for (const token of value.toLowerCase().split(",")) {
            const t = token.trim();
            if (!TOKEN_RE.test(t)) return new errors.InvalidArgumentError("invalid connection header");
            if (t === "close") reset = true;
          }
          break;
        case "expect":
          return new errors.NotSupportedError("expect header not supported");
        default:
          rest += `${name}: ${value}\r\n`;
      }
    }
    const prefix = `${method} ${path} HTTP/1.1\r\nhost: ${host ?? this.hostHeader}\r\nconnection: ${reset ? "close" : "keep-alive"}\r\n${rest}`;
    const bodyless =
      userContentLength === 0 || EXPECTS_PAYLOAD.has(method)
        ? `${prefix}content-length: 0\r\n\r\n`
        : `${prefix}\r\n`;
    return new Template(
      method,
      headers.slice(),
      prefix,
      Buffer.from(bodyless, "latin1"),
      !NON_ASCII.test(prefix),
      reset,
      userContentLength,
    );
  }
}

const EMPTY: readonly string[] = [];

function sameStrings(a: readonly string[], b: readonly string[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function isIp(host: string): boolean {
  return /^[0-9.]+$/.test(host) || host.includes(":");
}
