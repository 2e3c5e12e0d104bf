import type { LookupFunction } from "node:net";
import type { Dispatcher, Pool } from "undici";
import { ErrorCodes, StrainError } from "../errors.js";
import { parseDuration } from "../plan/duration.js";
import type {
  ErrorClass,
  HttpDriver,
  HttpMethod,
  NetErrorKind,
  RequestOptions,
  Response,
  ResponseType,
} from "../plan/types.js";
import { createHostAllowlist, type HostAllowlist } from "./host-allowlist.js";
import {
  BODY_TOO_LARGE_CODE,
  classifyNetError,
  describeNetError,
  HOST_NOT_ALLOWED_CODE,
  TOTAL_TIMEOUT_CODE,
} from "./http-errors.js";
import { Http1Pool } from "./http1-pool.js";
import { type Lane, type TimedEntry, TimeoutLanes } from "./timeout-lanes.js";
import { undici } from "./undici-lazy.js";

/**
 * The HTTP/1.1 client VUs use, on undici. One keep-alive `Pool` per origin; requests never throw for
 * network or HTTP failures: every `send` resolves to an `HttpResult` in exactly one error class.
 *
 *   send ─▶ resolve URL (cached origin state) ─▶ host allowed? ─no─▶ net_error{host_not_allowed}
 *                                                     │yes
 *            Exchange (undici handler) ◀── Pool.dispatch ── redirects re-dispatch the same Exchange
 *                 │ onHeaders / onData / onComplete / onError, total timeout, abort signal
 *                 ▼
 *            HttpResponse (status, class, timings, bytes, lazily parsed headers and body)
 */
export interface HttpClientConfig {
  /** Relative URLs are appended to it ("/users" on "http://h/api" is "http://h/api/users"). */
  baseUrl?: string;
  /** Allowlist, lower-case: "name" (any port) or "name:port". */
  hosts: readonly string[];
  /** Keep-alive connections per origin. */
  connections: number;
  /** Milliseconds; 0 disables that timeout. `totalMs` covers every redirect hop. */
  timeouts: { connectMs: number; headersMs: number; bodyMs: number; totalMs: number };
  /** Largest response body accepted, bytes (kept or discarded). */
  maxBodySize: number;
  maxRedirects: number;
  /** Default headers, under the request's own. */
  headers: Readonly<Record<string, string>>;
  /** Default body handling when a request does not say; "none" discards the body. */
  responseType: ResponseType;
  /** Header names whose values never appear in errors (authorization and cookie always). */
  secrets: readonly string[];
  /** Name resolution override (tests inject failures here; also for pinning names). Default: the system resolver. */
  lookup?: LookupFunction;
  /**
   * Connection pool per origin: "fast" is Strain's own HTTP/1.1 pool (`Http1Pool`), "undici" is
   * undici's `Pool`; "auto" (default) picks the fast pool for http: origins and undici for https:.
   */
  driver?: HttpDriver;
  /** Requests in flight per connection (HTTP/1.1 pipelining); default 1. */
  pipelining?: number;
}

/** A completed request as the VU sees it, with what the metrics need. */
export interface HttpResult extends Response {
  method: HttpMethod;
  /** `opts.name`, else the request path without the query string. */
  name: string;
  /** Approximate wire bytes sent: request lines, headers, body (all hops). */
  bytesSent: number;
  /** Approximate wire bytes received: status lines, headers, bodies (all hops, discarded ones too). */
  bytesReceived: number;
}

/** Per-origin state, built once: the allowlist verdict and the pool. */
interface Origin {
  /** "http://host:port" as undici wants it. */
  readonly origin: string;
  /** "http://host" or "http://host:port" (default port omitted), for result URLs. */
  readonly urlPrefix: string;
  /** "host:port" for messages (never the full URL: queries can carry tokens). */
  readonly peer: string;
  readonly allowed: boolean;
  /** `host: …\r\n` plus undici's `connection: keep-alive\r\n`, for byte counts. */
  readonly fixedHeaderBytes: number;
  pool: Pool | Http1Pool | null;
}

const DEFAULT_SECRET_HEADERS = ["authorization", "cookie", "proxy-authorization", "set-cookie"];
/** " HTTP/1.1\r\n" after method and path, and the blank line ending the headers. */
const REQUEST_LINE_EXTRA = 1 + 11 + 2;
/** Shared abort reason: allocating an Error per abandoned request buys nothing (its stack is ours). */
const ABANDONED = new Error("strain: request abandoned");
/** Origins cached by the URL prefix as written; bounded so URLs with random hosts cannot grow it forever. */
const MAX_CACHED_ORIGIN_KEYS = 1024;

export class HttpClient {
  private readonly cfg: HttpClientConfig;
  private readonly allowlist: HostAllowlist;
  /** By the prefix as the user wrote it ("http://Host:80"), then by normalised origin. */
  private readonly originsByKey = new Map<string, Origin>();
  private readonly originsByOrigin = new Map<string, Origin>();
  private readonly base: { origin: Origin; path: string } | null;
  private readonly defaultHeaders: readonly string[];
  private readonly defaultHeaderBytes: number;
  private readonly secretNames: ReadonlySet<string>;
  /** @internal */ readonly lanes = new TimeoutLanes();
  /** @internal */ closed = false;
  /** @internal Requests in flight per connection. */ readonly pipelining: number;
  /** Exchanges whose response completed, waiting for their socket to be reusable (see `defer`). */
  private deferred: Exchange[] = [];
  private spare: Exchange[] = [];
  private deferScheduled = false;
  private readonly stopWatches = new WeakMap<AbortSignal, StopWatch>();
  private readonly scheduleFlush = () => setImmediate(this.flushDeferred);
  private readonly flushDeferred = () => {
    const batch = this.deferred;
    this.deferred = this.spare;
    this.spare = batch;
    this.deferScheduled = false;
    for (let i = 0; i < batch.length; i++) batch[i]!.continueAfterComplete();
    batch.length = 0;
  };

  constructor(config: HttpClientConfig) {
    this.cfg = config;
    this.pipelining = Math.max(1, config.pipelining ?? 1);
    this.allowlist = createHostAllowlist(config.hosts);
    const secretNames = new Set(DEFAULT_SECRET_HEADERS);
    for (const s of config.secrets) secretNames.add(s.toLowerCase());
    this.secretNames = secretNames;

    const flat: string[] = [];
    let bytes = 0;
    let hasUserAgent = false;
    for (const [name, value] of Object.entries(config.headers)) {
      const lower = name.toLowerCase();
      if (lower === "user-agent") hasUserAgent = true;
      flat.push(lower, value);
      bytes += lower.length + value.length + 4;
    }
    if (!hasUserAgent) {
      flat.push("user-agent", "strain");
      bytes += 10 + 6 + 4;
    }
    this.defaultHeaders = flat;
    this.defaultHeaderBytes = bytes;

    if (config.baseUrl !== undefined) {
      const u = parseAbsolute(config.baseUrl, "baseUrl");
      const origin = this.originFor(`${u.protocol}//${u.host}`, u);
      let path = u.pathname;
      while (path.endsWith("/")) path = path.slice(0, -1);
      this.base = { origin, path };
    } else {
      this.base = null;
    }
  }

  /**
   * Send one request and follow its redirects. Never rejects for request failures: they come back
   * classified (`ok`, `http_error`, `net_error` with a kind, `in_flight_at_stop`). Rejects with
   * `STRAIN_ERR_PLAN_INVALID` only for programming errors: an unparseable or relative URL without
   * `baseUrl`, both `json` and `body`, a header value undici refuses.
   *
   * `startAt` (performance.now() ms) overrides the measured start (open-model scheduled start);
   * the total timeout still counts from the call. `signal` aborting while in flight gives
   * `in_flight_at_stop`.
   */
  send(
    method: HttpMethod,
    url: string,
    opts: RequestOptions | undefined,
    startAt: number | null,
    signal: AbortSignal | null,
  ): Promise<HttpResult> {
    const calledAt = performance.now();
    const ex = new Exchange(this, method, startAt ?? calledAt);
    const promise = new Promise<HttpResult>((resolve, reject) => {
      ex.resolve = resolve;
      ex.reject = reject;
    });
    try {
      this.prepare(ex, url, opts);
    } catch (err) {
      ex.reject(err);
      return promise;
    }
    if (this.closed || signal?.aborted === true) {
      ex.finishStopped();
      return promise;
    }
    if (!ex.origin.allowed) {
      ex.finishNet("host_not_allowed", HOST_NOT_ALLOWED_CODE, null);
      return promise;
    }
    this.lanes.add(ex, ex.totalMs, calledAt);
    if (signal !== null) this.watchStop(ex, signal);
    ex.dispatchSafely();
    return promise;
  }

  /** Abort whatever is in flight (it resolves as `in_flight_at_stop`) and close every connection. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.lanes.close();
    const pools: (Pool | Http1Pool)[] = [];
    for (const o of this.originsByOrigin.values()) if (o.pool !== null) pools.push(o.pool);
    await Promise.all(pools.map((p) => p.destroy()));
  }

  /**
   * @internal
   * Continue `ex` (resolve its result, or follow its redirect) once its socket is reusable.
   * undici frees a keep-alive socket one event-loop turn after a response completes
   * (`setImmediate(resume)` in onMessageComplete); a VU that sent its next request sooner would
   * find the socket busy and open another one, so each VU would alternate between two
   * connections. The microtask runs after undici's setImmediate is queued (same parser stack), so
   * our setImmediate runs after it: one turn, one Immediate per batch, not per request.
   */
  defer(ex: Exchange): void {
    this.deferred.push(ex);
    if (!this.deferScheduled) {
      this.deferScheduled = true;
      queueMicrotask(this.scheduleFlush);
    }
  }

  /**
   * One listener per signal (not per request): Node warns past 10 listeners on one AbortSignal,
   * and an iteration may have many requests in flight under its signal.
   */
  private watchStop(ex: Exchange, signal: AbortSignal): void {
    let watch = this.stopWatches.get(signal);
    if (watch === undefined) {
      watch = new StopWatch();
      this.stopWatches.set(signal, watch);
      signal.addEventListener("abort", watch, { once: true });
    }
    watch.add(ex);
  }

  /** @internal */
  get maxBodySize(): number {
    return this.cfg.maxBodySize;
  }

  /** @internal */
  poolFor(origin: Origin): Pool | Http1Pool {
    if (origin.pool !== null) return origin.pool;
    const t = this.cfg.timeouts;
    const connect: { timeout: number; lookup?: LookupFunction } = { timeout: t.connectMs };
    if (this.cfg.lookup !== undefined) connect.lookup = this.cfg.lookup;
    const driver = this.cfg.driver ?? "auto";
    if (driver === "fast" || (driver === "auto" && origin.origin.startsWith("http:"))) {
      origin.pool = new Http1Pool(origin.origin, {
        connections: this.cfg.connections,
        pipelining: this.pipelining,
        connect,
        headersTimeout: t.headersMs,
        bodyTimeout: t.bodyMs,
      });
      return origin.pool;
    }
    origin.pool = new (undici().Pool)(origin.origin, {
      connections: this.cfg.connections,
      pipelining: this.pipelining,
      connect,
      headersTimeout: t.headersMs,
      bodyTimeout: t.bodyMs,
    });
    return origin.pool;
  }

  /**
   * @internal Remove secret header values from an error message: those this request carried
   * (after redirects dropped some) and the defaults (a request may have overridden one).
   */
  redact(message: string, headers: readonly string[]): string {
    return this.redactValues(this.redactValues(message, headers), this.defaultHeaders);
  }

  private redactValues(message: string, headers: readonly string[]): string {
    for (let i = 0; i + 1 < headers.length; i += 2) {
      if (!this.secretNames.has(headers[i]!.toLowerCase())) continue;
      const value = headers[i + 1]!;
      if (value === "") continue;
      if (message.includes(value)) message = message.split(value).join("[redacted]");
      // "Bearer <token>": a message may quote the token alone.
      const space = value.lastIndexOf(" ");
      const token = space >= 0 ? value.slice(space + 1) : "";
      if (token.length >= 4 && message.includes(token)) message = message.split(token).join("[redacted]");
    }
    return message;
  }

  /** @internal True for names whose values must not follow a redirect to another origin. */
  isSecretHeader(lowerName: string): boolean {
    return this.secretNames.has(lowerName);
  }

  /** @internal Resolve `url` into `ex.origin` / `ex.path`; throws on programming errors. */
  resolveUrl(ex: Exchange, url: string): void {
    const scheme = url.indexOf("://");
    if (scheme < 0) {
      const base = this.base;
      if (base === null) {
        throw new StrainError(
          ErrorCodes.PLAN_INVALID,
          `relative URL "${clip(url)}" but the plan has no baseUrl`,
          {
            hint: "Set baseUrl in the plan, or use an absolute http:// or https:// URL.",
          },
        );
      }
      const rel = stripFragment(url);
      ex.origin = base.origin;
      const slashed = rel.charCodeAt(0) === 47 /* / */ ? rel : `/${rel}`;
      ex.path = base.path === "" ? slashed : base.path + slashed;
      return;
    }
    let end = scheme + 3;
    while (end < url.length) {
      const c = url.charCodeAt(end);
      if (c === 47 /* / */ || c === 63 /* ? */ || c === 35 /* # */) break;
      end++;
    }
    const key = url.slice(0, end);
    let origin = this.originsByKey.get(key);
    if (origin === undefined) {
      const u = parseAbsolute(key, "URL");
      origin = this.originFor(key, u);
    }
    ex.origin = origin;
    const rest = stripFragment(url.slice(end));
    ex.path = rest === "" ? "/" : rest.charCodeAt(0) === 63 /* ? */ ? `/${rest}` : rest;
  }

  private originFor(key: string, u: URL): Origin {
    if (u.username !== "" || u.password !== "") {
      throw new StrainError(ErrorCodes.PLAN_INVALID, "credentials in URLs are not supported", {
        hint: "Send them in an Authorization header (and list it in options.secrets if it is custom).",
      });
    }
    const port = u.port === "" ? (u.protocol === "https:" ? 443 : 80) : Number(u.port);
    const originStr = `${u.protocol}//${u.hostname}:${port}`;
    let origin = this.originsByOrigin.get(originStr);
    if (origin === undefined) {
      const peer = `${u.hostname}:${port}`;
      origin = {
        origin: originStr,
        urlPrefix: `${u.protocol}//${u.host}`,
        peer,
        allowed: this.allowlist.allows(u.hostname, port),
        // "host: <host>\r\n" (port omitted when default) + "connection: keep-alive\r\n"
        fixedHeaderBytes: 8 + u.host.length + 24,
        pool: null,
      };
      this.originsByOrigin.set(originStr, origin);
    }
    if (this.originsByKey.size < MAX_CACHED_ORIGIN_KEYS) this.originsByKey.set(key, origin);
    return origin;
  }

  private prepare(ex: Exchange, url: string, opts: RequestOptions | undefined): void {
    this.resolveUrl(ex, url);
    const t = this.cfg.timeouts;
    ex.totalMs = t.totalMs;
    if (opts?.timeout !== undefined) {
      ex.totalMs = parseDuration(opts.timeout);
      // A request allowed longer than the plan's phase timeouts must not be cut by them.
      if (ex.totalMs > t.headersMs || ex.totalMs > t.bodyMs) ex.phaseTimeoutMs = ex.totalMs;
    }
    const q = ex.path.indexOf("?");
    ex.name = opts?.name ?? (q < 0 ? ex.path : ex.path.slice(0, q));
    ex.maxRedirects = this.cfg.maxRedirects;
    const responseType = opts?.responseType ?? this.cfg.responseType;
    ex.keepBody = responseType !== "none";
    if (opts === undefined) {
      ex.headers = this.defaultHeaders;
      ex.headerBytes = this.defaultHeaderBytes;
      return;
    }
    if (opts.query !== undefined) ex.path = appendQuery(ex.path, opts.query);
    if (opts.expectedStatuses !== undefined) ex.expected = opts.expectedStatuses;

    let body: string | Uint8Array | null = null;
    let contentType: string | null = null;
    if (opts.json !== undefined) {
      if (opts.body !== undefined) {
        throw new StrainError(ErrorCodes.PLAN_INVALID, "a request has both json and body", {
          hint: "Give one of them.",
        });
      }
      body = JSON.stringify(opts.json) ?? "null";
      contentType = "application/json";
    } else if (opts.body !== undefined) {
      body = opts.body;
    }
    ex.body = body;
    ex.bodyBytes = body === null ? 0 : typeof body === "string" ? Buffer.byteLength(body) : body.byteLength;

    if (opts.headers === undefined && contentType === null) {
      ex.headers = this.defaultHeaders;
      ex.headerBytes = this.defaultHeaderBytes;
      return;
    }
    const own = opts.headers ?? {};
    const flat: string[] = [];
    let bytes = 0;
    const defaults = this.defaultHeaders;
    for (let i = 0; i < defaults.length; i += 2) {
      const name = defaults[i]!;
      if (hasHeader(own, name)) continue;
      const value = defaults[i + 1]!;
      flat.push(name, value);
      bytes += name.length + value.length + 4;
    }
    for (const name in own) {
      const value = own[name];
      if (value === undefined) continue;
      flat.push(name, value);
      bytes += name.length + value.length + 4;
    }
    if (contentType !== null && !hasHeader(own, "content-type")) {
      flat.push("content-type", contentType);
      bytes += 12 + contentType.length + 4;
    }
    ex.headers = flat;
    ex.headerBytes = bytes;
  }
}

/**
 * One request's life across its redirect hops. It is the undici dispatch handler (the legacy
 * callback form: undici's client calls it natively, whereas the controller form wraps every
 * request in two more objects and parses headers eagerly), a timeout-lane entry, and an entry of
 * its abort signal's `StopWatch`: intrusive links, so nothing is allocated to track it.
 */
class Exchange implements TimedEntry, Dispatcher.DispatchHandler {
  // ── request
  origin!: Origin;
  path = "/";
  name = "";
  headers: readonly string[] = [];
  headerBytes = 0;
  body: string | Uint8Array | null = null;
  bodyBytes = 0;
  keepBody = false;
  expected: RequestOptions["expectedStatuses"] | null = null;
  maxRedirects = 0;
  redirects = 0;
  totalMs = 0;
  /** Raised headers/body timeouts for a request whose own `timeout` exceeds the plan's; 0 = pool defaults. */
  phaseTimeoutMs = 0;
  // ── response (current hop)
  status = 0;
  rawHeaders: Buffer[] | null = null;
  chunks: Buffer[] | null = null;
  received = 0;
  redirectTo: string | null = null;
  waitingAt = 0;
  // ── totals
  bytesSent = 0;
  bytesReceived = 0;
  // ── control
  abortFn: ((err?: Error) => void) | null = null;
  done = false;
  /** A completed result waiting for `continueAfterComplete`. */
  ready: HttpResponse | null = null;
  resolve!: (r: HttpResult) => void;
  reject!: (err: unknown) => void;
  // ── TimedEntry
  deadline = 0;
  prevTimed: TimedEntry | null = null;
  nextTimed: TimedEntry | null = null;
  lane: Lane | null = null;
  // ── StopWatch entry
  stopWatch: StopWatch | null = null;
  prevStop: Exchange | null = null;
  nextStop: Exchange | null = null;

  constructor(
    private readonly client: HttpClient,
    public method: HttpMethod,
    private readonly start: number,
  ) {}

  /** Dispatch, turning a synchronous throw (pool creation, undici argument checks) into `onError`. */
  dispatchSafely(): void {
    try {
      this.dispatch();
    } catch (err) {
      this.onError(err as Error);
    }
  }

  private dispatch(): void {
    const o = this.origin;
    this.bytesSent +=
      this.method.length +
      this.path.length +
      REQUEST_LINE_EXTRA +
      o.fixedHeaderBytes +
      this.headerBytes +
      this.bodyBytes +
      (this.body === null ? 0 : 18 + String(this.bodyBytes).length);
    this.status = 0;
    this.rawHeaders = null;
    this.chunks = null;
    this.received = 0;
    this.redirectTo = null;
    this.abortFn = null;
    const opts: Dispatcher.DispatchOptions = {
      path: this.path,
      method: this.method,
      headers: this.headers as string[],
      body: this.body,
    };
    if (this.phaseTimeoutMs > 0) {
      opts.headersTimeout = this.phaseTimeoutMs;
      opts.bodyTimeout = this.phaseTimeoutMs;
    }
    // undici pipelines nothing behind a "blocking" request, which every non-HEAD one is by default;
    // GETs are not, so both drivers pipeline GET and HEAD only, behind GET and HEAD only.
    if (this.client.pipelining > 1 && this.method === "GET") opts.blocking = false;
    this.client.poolFor(o).dispatch(opts, this);
  }

  // ── undici handler ────────────────────────────────────────────────────────────────────────

  onConnect(abort: (err?: Error) => void): void {
    // Already finished (timeout or stop while queued): never send it.
    if (this.done) abort(ABANDONED);
    else this.abortFn = abort;
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[], _resume: () => void, statusText: string): boolean {
    if (this.done) return false;
    if (statusCode < 200) return true; // 1xx informational: the real response follows
    this.waitingAt = performance.now();
    this.status = statusCode;
    this.rawHeaders = rawHeaders;
    let bytes = 15 + statusText.length + 2; // "HTTP/1.1 200 " + text + CRLF, blank line
    for (let i = 0; i < rawHeaders.length; i++) bytes += rawHeaders[i]!.length + 2;
    this.bytesReceived += bytes;

    if (
      statusCode >= 300 &&
      statusCode < 400 &&
      this.redirects < this.maxRedirects &&
      isRedirect(statusCode)
    ) {
      const location = findRawHeader(rawHeaders, "location");
      if (location !== null) {
        this.redirectTo = location.toString("latin1");
        return true;
      }
    }
    if (this.method !== "HEAD") {
      const cl = findRawHeader(rawHeaders, "content-length");
      if (cl !== null && Number(cl.toString("latin1")) > this.client.maxBodySize) {
        this.failAndAbort("body_too_large", BODY_TOO_LARGE_CODE);
        return false;
      }
    }
    if (this.keepBody) this.chunks = [];
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.done) return false;
    const n = chunk.length;
    this.bytesReceived += n;
    this.received += n;
    if (this.received > this.client.maxBodySize) {
      this.failAndAbort("body_too_large", BODY_TOO_LARGE_CODE);
      return false;
    }
    if (this.chunks !== null && this.redirectTo === null) this.chunks.push(chunk);
    return true;
  }

  onComplete(_trailers: string[] | null): void {
    if (this.done) return;
    this.abortFn = null; // that hop is over; aborting it now would be a no-op at best
    if (this.redirectTo === null) {
      // Timings end now; only the hand-over waits for the socket (see HttpClient.defer).
      this.detach();
      const r = this.result(isExpected(this.status, this.expected) ? "ok" : "http_error");
      if (this.keepBody) r.bodyChunks = this.chunks ?? [];
      this.ready = r;
    }
    this.client.defer(this);
  }

  /** @internal Called by the client one loop turn after onComplete. */
  continueAfterComplete(): void {
    if (this.ready !== null) {
      this.resolve(this.ready);
      this.ready = null;
    } else if (!this.done && this.redirectTo !== null) {
      // A total timeout or stop in between has already finished the exchange (done).
      this.follow(this.redirectTo);
    }
  }

  onError(err: Error): void {
    if (this.done) return;
    if (this.client.closed) {
      this.finishStopped();
      return;
    }
    const code = (err as { code?: unknown }).code;
    if (code === "UND_ERR_INVALID_ARG") {
      this.detach();
      this.reject(
        new StrainError(
          ErrorCodes.PLAN_INVALID,
          `invalid request: ${this.client.redact(err.message, this.headers)}`,
          {
            hint: "Check the URL path and header values (no control characters or spaces).",
          },
        ),
      );
      return;
    }
    const c = classifyNetError(err);
    this.finishNet(c.kind, c.code, err);
  }

  // ── TimedEntry / EventListener ────────────────────────────────────────────────────────────

  onTimeout(): void {
    if (!this.done) this.failAndAbort("timeout", TOTAL_TIMEOUT_CODE);
  }

  /** The iteration's signal aborted. */
  onStop(): void {
    if (this.done) return;
    this.finishStopped();
    this.abortFn?.(ABANDONED);
  }

  // ── internals ─────────────────────────────────────────────────────────────────────────────

  private follow(location: string): void {
    this.redirects++;
    const status = this.status;
    let target: string;
    const fromOrigin = this.origin;
    try {
      target = new URL(location, fromOrigin.urlPrefix + this.path).href;
      this.client.resolveUrl(this, target);
    } catch {
      this.finishNet("protocol", "INVALID_REDIRECT", new Error(`unusable Location header on a ${status}`));
      return;
    }
    if (!this.origin.allowed) {
      this.finishNet("host_not_allowed", HOST_NOT_ALLOWED_CODE, null);
      return;
    }
    // 303, and 301/302 after a POST, turn into GET without a body (what browsers and curl -L do).
    if (
      (status === 303 && this.method !== "HEAD") ||
      ((status === 301 || status === 302) && this.method === "POST")
    ) {
      this.method = "GET";
      this.body = null;
      this.bodyBytes = 0;
      this.dropHeaders((name) => name === "content-type" || name === "content-length");
    }
    // Credentials stay with the origin they were meant for.
    if (this.origin !== fromOrigin) this.dropHeaders((name) => this.client.isSecretHeader(name));
    this.dispatchSafely();
  }

  private dropHeaders(drop: (lowerName: string) => boolean): void {
    const kept: string[] = [];
    let bytes = 0;
    for (let i = 0; i + 1 < this.headers.length; i += 2) {
      const name = this.headers[i]!;
      if (drop(name.toLowerCase())) continue;
      const value = this.headers[i + 1]!;
      kept.push(name, value);
      bytes += name.length + value.length + 4;
    }
    this.headers = kept;
    this.headerBytes = bytes;
  }

  private failAndAbort(kind: NetErrorKind, code: string): void {
    this.finishNet(kind, code, null);
    this.abortFn?.(ABANDONED);
  }

  private detach(): void {
    this.done = true;
    this.client.lanes.remove(this);
    this.stopWatch?.remove(this);
  }

  /** @internal */
  finishNet(kind: NetErrorKind, code: string, err: unknown): void {
    this.detach();
    const r = this.result("net_error");
    r.status = 0;
    r.netError = kind;
    let message = describeNetError(kind, code, this.origin.peer, err);
    if (kind === "timeout" && code === TOTAL_TIMEOUT_CODE) message += ` after ${this.totalMs} ms`;
    if (kind === "body_too_large") message += ` (${this.client.maxBodySize} bytes)`;
    if (kind === "host_not_allowed" && this.redirects > 0) message = `redirect refused: ${message}`;
    r.error = this.client.redact(message, this.headers);
    if (this.keepBody) r.bodyChunks = [];
    this.resolve(r);
  }

  /** @internal */
  finishStopped(): void {
    this.detach();
    const r = this.result("in_flight_at_stop");
    r.status = 0;
    r.error = "stopped while in flight";
    if (this.keepBody) r.bodyChunks = [];
    this.resolve(r);
  }

  private result(errorClass: ErrorClass): HttpResponse {
    const end = performance.now();
    const r = new HttpResponse();
    r.method = this.method;
    r.name = this.name;
    r.url = this.origin.urlPrefix + this.path;
    r.status = this.status;
    r.rawHeaders = this.rawHeaders;
    r.errorClass = errorClass;
    r.duration = end - this.start;
    r.waiting = this.waitingAt === 0 ? 0 : this.waitingAt - this.start;
    r.bytesSent = this.bytesSent;
    r.bytesReceived = this.bytesReceived;
    return r;
  }
}

/**
 * The exchanges in flight under one abort signal, as an intrusive list; the signal's only listener.
 *
 *   signal ──abort──▶ StopWatch: head ⇄ exchange ⇄ exchange   (each → in_flight_at_stop)
 */
class StopWatch {
  private head: Exchange | null = null;

  add(ex: Exchange): void {
    ex.stopWatch = this;
    ex.prevStop = null;
    ex.nextStop = this.head;
    if (this.head !== null) this.head.prevStop = ex;
    this.head = ex;
  }

  remove(ex: Exchange): void {
    if (ex.stopWatch !== this) return;
    if (ex.prevStop === null) this.head = ex.nextStop;
    else ex.prevStop.nextStop = ex.nextStop;
    if (ex.nextStop !== null) ex.nextStop.prevStop = ex.prevStop;
    ex.stopWatch = null;
    ex.prevStop = null;
    ex.nextStop = null;
  }

  handleEvent(): void {
    let ex = this.head;
    while (ex !== null) {
      const next = ex.nextStop;
      ex.onStop(); // unlinks ex
      ex = next;
    }
    this.head = null;
  }
}

/**
 * The `HttpResult` implementation. Headers and body are decoded on first use: most load-test
 * requests never look at them.
 */
class HttpResponse implements HttpResult {
  method: HttpMethod = "GET";
  name = "";
  url = "";
  status = 0;
  errorClass: ErrorClass = "ok";
  netError?: NetErrorKind;
  error?: string;
  duration = 0;
  waiting = 0;
  bytesSent = 0;
  bytesReceived = 0;
  /** @internal Raw header buffers from undici ([name, value, …]); parsed on first `headers` read. */
  rawHeaders: Buffer[] | null = null;
  /** @internal Kept body chunks, or null when the body was discarded (responseType "none"). */
  bodyChunks: Buffer[] | null = null;
  private parsedHeaders: Record<string, string | string[]> | null = null;
  private bodyBuffer: Buffer | null = null;
  private bodyText: string | null = null;

  get headers(): Readonly<Record<string, string | string[] | undefined>> {
    if (this.parsedHeaders === null) this.parsedHeaders = parseRawHeaders(this.rawHeaders);
    return this.parsedHeaders;
  }

  text(): string {
    if (this.bodyText === null) this.bodyText = this.bytes().toString("utf8");
    return this.bodyText;
  }

  json<T = unknown>(): T {
    return JSON.parse(this.text()) as T;
  }

  bytes(): Buffer {
    if (this.bodyBuffer !== null) return this.bodyBuffer;
    const chunks = this.bodyChunks;
    if (chunks === null) {
      throw new StrainError(
        ErrorCodes.BODY_DISCARDED,
        `the body of ${this.method} ${this.name} was discarded`,
        {
          hint: 'Set responseType: "text", "json" or "binary" on the request (or in the plan\'s http options) to keep it.',
        },
      );
    }
    this.bodyBuffer =
      chunks.length === 0 ? Buffer.alloc(0) : chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
    return this.bodyBuffer;
  }

  /** Plain data (no body), for logs and debugging. */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = {
      method: this.method,
      name: this.name,
      url: this.url,
      status: this.status,
      errorClass: this.errorClass,
      duration: this.duration,
      waiting: this.waiting,
      bytesSent: this.bytesSent,
      bytesReceived: this.bytesReceived,
      headers: this.headers,
    };
    if (this.netError !== undefined) out.netError = this.netError;
    if (this.error !== undefined) out.error = this.error;
    return out;
  }
}

// ── helpers ───────────────────────────────────────────────────────────────────────────────────

function isRedirect(status: number): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}

function isExpected(status: number, expected: RequestOptions["expectedStatuses"] | null): boolean {
  if (expected === null || expected === undefined) return status >= 200 && status <= 399;
  if ("min" in expected) return status >= expected.min && status <= expected.max;
  return expected.includes(status);
}

/** Find a header in undici's raw [name, value, …] buffers, comparing names ASCII-case-insensitively without decoding. */
function findRawHeader(raw: Buffer[], lowerName: string): Buffer | null {
  const len = lowerName.length;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.length !== len) continue;
    let same = true;
    for (let j = 0; j < len; j++) {
      // | 0x20 lower-cases ASCII letters; the names compared here have no other characters it could confuse.
      if ((name[j]! | 0x20) !== lowerName.charCodeAt(j)) {
        same = false;
        break;
      }
    }
    if (same) return raw[i + 1]!;
  }
  return null;
}

function parseRawHeaders(raw: Buffer[] | null): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  if (raw === null) return out;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!.toString("latin1").toLowerCase();
    const value = raw[i + 1]!.toString("latin1");
    const prev = out[name];
    if (prev === undefined) out[name] = value;
    else if (Array.isArray(prev)) prev.push(value);
    else out[name] = [prev, value];
  }
  return out;
}

function hasHeader(headers: Readonly<Record<string, string>>, lowerName: string): boolean {
  for (const name in headers) {
    if (name.length === lowerName.length && name.toLowerCase() === lowerName) return true;
  }
  return false;
}

function appendQuery(path: string, query: Readonly<Record<string, string | number | boolean>>): string {
  let qs = "";
  for (const key in query) {
    const value = query[key];
    if (value === undefined) continue;
    qs += `${qs === "" ? "" : "&"}${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`;
  }
  if (qs === "") return path;
  return path + (path.includes("?") ? "&" : "?") + qs;
}

function stripFragment(s: string): string {
  const hash = s.indexOf("#");
  return hash < 0 ? s : s.slice(0, hash);
}

function parseAbsolute(url: string, what: string): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new StrainError(ErrorCodes.PLAN_INVALID, `${what} "${clip(url)}" is not a valid URL`);
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") {
    throw new StrainError(ErrorCodes.PLAN_INVALID, `${what} "${clip(url)}" is not http:// or https://`);
  }
  return u;
}

function clip(s: string): string {
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}
