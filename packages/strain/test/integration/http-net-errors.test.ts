/**
 * One test per net_error kind, and in_flight_at_stop, against real sockets on 127.0.0.1.
 */
import { createServer as createHttpsServer, type Server as HttpsServer } from "node:https";
import { createServer as createNetServer, type LookupFunction } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpClient, type HttpClientConfig } from "../../src/protocols/http.js";
import { type GroundTruthServer, startGroundTruthServer } from "../fixtures/ground-truth-server.js";
import { DRIVERS, httpTestConfig } from "../helpers/http-config.js";

// Self-signed, issued by nobody the client trusts (generated once with openssl; valid until 2126).
const UNTRUSTED_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgLpy5MtjAjhFrUh6i
AIKy/Nmt0ZxkBy85eWggvzV3r+GhRANCAARgXBFXh81ldXwC/8rJPptS0aiL3M+f
Y2sE+gSmrN5ReZU9G0BKNj6K2W8/brW36KexfwLYQcDW0noAy/190DUQ
-----END PRIVATE KEY-----`;
const UNTRUSTED_CERT = `-----BEGIN CERTIFICATE-----
MIIBpzCCAU6gAwIBAgIULrOkfB4VYHc4ZXpXQ0sCvrdE1SIwCgYIKoZIzj0EAwIw
IDEeMBwGA1UEAwwVc3RyYWluLXVudHJ1c3RlZC10ZXN0MCAXDTI2MTEyMjE4NTA0
OFoYDzIxMjYxMDI5MTg1MDQ4WjAgMR4wHAYDVQQDDBVzdHJhaW4tdW50cnVzdGVk
LXRlc3QwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAARgXBFXh81ldXwC/8rJPptS
0aiL3M+fY2sE+gSmrN5ReZU9G0BKNj6K2W8/brW36KexfwLYQcDW0noAy/190DUQ
o2QwYjAdBgNVHQ4EFgQUSRNlFtkAG7crDotc3KV4hAfN+QwwHwYDVR0jBBgwFoAU
SRNlFtkAG7crDotc3KV4hAfN+QwwDwYDVR0TAQH/BAUwAwEB/zAPBgNVHREECDAG
hwR/AAABMAoGCCqGSM49BAMCA0cAMEQCICNSo8RMJeRDkAIxbxNxI3By3NgqZPLx
pn8wV6/HwTMZAiA373y2UxOsonNSzoXf4EJIQ2X81lO7kS6ichhnd7TULQ==
-----END CERTIFICATE-----`;

describe.each(DRIVERS)("%s driver", (driver) => {
  function config(over: Partial<HttpClientConfig> = {}): HttpClientConfig {
    return httpTestConfig(driver, { maxBodySize: 64 * 1024, ...over });
  }

  /** A port nothing listens on: bind port 0, note it, close it. */
  async function closedPort(): Promise<number> {
    const srv = createNetServer();
    await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
    const port = (srv.address() as { port: number }).port;
    await new Promise<void>((r) => srv.close(() => r()));
    return port;
  }

  /** Resolves nothing: every name fails like an unknown name would, without touching real DNS. */
  const failingLookup: LookupFunction = (hostname, _options, callback) => {
    const err = Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), {
      code: "ENOTFOUND",
      errno: -3008,
      syscall: "getaddrinfo",
      hostname,
    });
    process.nextTick(() => (callback as (e: Error) => void)(err));
  };

  let gt: GroundTruthServer;
  let client: HttpClient;

  beforeAll(async () => {
    gt = await startGroundTruthServer();
    client = new HttpClient(config());
  });
  afterAll(async () => {
    await client.close();
    await gt.close();
  });

  describe("net_error kinds", () => {
    it("refused: a closed port", async () => {
      const port = await closedPort();
      const res = await client.send("GET", `http://127.0.0.1:${port}/x`, undefined, null, null);
      expect(res.errorClass).toBe("net_error");
      expect(res.netError).toBe("refused");
      expect(res.status).toBe(0);
      expect(res.error).toBe(`connection refused to 127.0.0.1:${port}`);
    });

    it.each([
      ["/reset", "RST before any response"],
      ["/reset?mode=fin", "FIN before any response"],
      ["/reset-mid-body", "closed in the middle of the body"],
    ])("reset: %s (%s)", async (path) => {
      const res = await client.send("GET", gt.url + path, undefined, null, null);
      expect(res.errorClass).toBe("net_error");
      expect(res.netError).toBe("reset");
      expect(res.status).toBe(0);
      expect(res.error).toMatch(/closed before the response completed \((ECONNRESET|UND_ERR_SOCKET)\)/);
      if (path === "/reset-mid-body") expect(res.waiting).toBeGreaterThan(0);
    });

    it("timeout: /hang with a short headers timeout", async () => {
      const c = new HttpClient(
        config({ timeouts: { connectMs: 1000, headersMs: 150, bodyMs: 1000, totalMs: 5000 } }),
      );
      try {
        const res = await c.send("GET", `${gt.url}/hang`, undefined, null, null);
        expect(res.netError).toBe("timeout");
        expect(res.error).toBe(`timeout waiting for response headers to 127.0.0.1:${gt.port}`);
        expect(res.duration).toBeGreaterThanOrEqual(140);
        expect(res.duration).toBeLessThan(1500);
      } finally {
        await c.close();
      }
    });

    it("timeout: the total timeout (per-request `timeout` overrides the plan's)", async () => {
      const res = await client.send("GET", `${gt.url}/hang`, { timeout: "120ms" }, null, null);
      expect(res.netError).toBe("timeout");
      expect(res.error).toBe(`total request timeout to 127.0.0.1:${gt.port} after 120 ms`);
      expect(res.duration).toBeGreaterThanOrEqual(119);
      expect(res.duration).toBeLessThan(1000);
    });

    it("timeout: the total timeout also covers a request still queued for a connection", async () => {
      const c = new HttpClient(config({ connections: 1 }));
      try {
        const first = c.send("GET", `${gt.url}/hang`, { timeout: 400 }, null, null);
        const queued = await c.send("GET", `${gt.url}/ok`, { timeout: 100 }, null, null);
        expect(queued.netError).toBe("timeout");
        expect(queued.duration).toBeLessThan(350);
        expect((await first).netError).toBe("timeout");
      } finally {
        await c.close();
      }
    });

    it("dns: a name that does not resolve (injected lookup, no real DNS)", async () => {
      const c = new HttpClient(config({ hosts: ["nowhere.test"], lookup: failingLookup }));
      try {
        const res = await c.send("GET", "http://nowhere.test/x", undefined, null, null);
        expect(res.netError).toBe("dns");
        expect(res.error).toBe("DNS lookup failed for nowhere.test (ENOTFOUND)");
      } finally {
        await c.close();
      }
    });

    it("tls: https to a plain-HTTP port", async () => {
      const res = await client.send("GET", `https://127.0.0.1:${gt.port}/ok`, undefined, null, null);
      expect(res.netError).toBe("tls");
      expect(res.error).toMatch(/^TLS error with 127\.0\.0\.1:\d+: .+ \(ERR_SSL_[A-Z_]+\)$/);
    });

    it("tls: a server whose certificate nobody trusts", async () => {
      const tlsServer: HttpsServer = createHttpsServer(
        { key: UNTRUSTED_KEY, cert: UNTRUSTED_CERT },
        (_req, res) => res.end("secret"),
      );
      await new Promise<void>((r) => tlsServer.listen(0, "127.0.0.1", r));
      const port = (tlsServer.address() as { port: number }).port;
      try {
        const res = await client.send("GET", `https://127.0.0.1:${port}/`, undefined, null, null);
        expect(res.netError).toBe("tls");
        // Self-signed today; "not yet valid" on a machine whose clock is behind the certificate.
        expect(res.error).toMatch(/\((DEPTH_ZERO_SELF_SIGNED_CERT|CERT_NOT_YET_VALID)\)$/);
      } finally {
        tlsServer.closeAllConnections();
        await new Promise<void>((r) => tlsServer.close(() => r()));
      }
    });

    it("protocol: a reply that is not HTTP", async () => {
      const res = await client.send("GET", `${gt.url}/garbage`, undefined, null, null);
      expect(res.netError).toBe("protocol");
      expect(res.error).toMatch(
        /^invalid HTTP response from 127\.0\.0\.1:\d+: .+ \((HPE_[A-Z_]+|HTTPParserError)\)$/,
      );
    });

    describe("body_too_large", () => {
      const cases = [
        ["discarded, content-length", "none", ""],
        ["discarded, chunked", "none", "&chunked=1"],
        ["kept as text, content-length", "text", ""],
        ["kept as text, chunked", "text", "&chunked=1"],
      ] as const;
      it.each(cases)("%s", async (_label, responseType, extra) => {
        const res = await client.send(
          "GET",
          `${gt.url}/bytes?n=200000${extra}`,
          { responseType },
          null,
          null,
        );
        expect(res.errorClass).toBe("net_error");
        expect(res.netError).toBe("body_too_large");
        expect(res.status).toBe(0);
        expect(res.error).toBe(`response body from 127.0.0.1:${gt.port} exceeds maxBodySize (65536 bytes)`);
      });

      it("a body exactly at the limit is fine", async () => {
        const res = await client.send(
          "GET",
          `${gt.url}/bytes?n=65536&chunked=1`,
          { responseType: "binary" },
          null,
          null,
        );
        expect(res.errorClass).toBe("ok");
        expect(res.bytes().byteLength).toBe(65536);
      });
    });
  });

  describe("in_flight_at_stop", () => {
    it("an aborted signal while waiting on /hang", async () => {
      const ac = new AbortController();
      const pending = client.send("GET", `${gt.url}/hang`, undefined, null, ac.signal);
      setTimeout(() => ac.abort(), 50);
      const res = await pending;
      expect(res.errorClass).toBe("in_flight_at_stop");
      expect(res.netError).toBeUndefined();
      expect(res.status).toBe(0);
      expect(res.duration).toBeGreaterThanOrEqual(45);
      expect(res.duration).toBeLessThan(1000);
    });

    it("an aborted signal while queued for a connection, and an already aborted one", async () => {
      const c = new HttpClient(config({ connections: 1 }));
      try {
        const ac = new AbortController();
        const first = c.send("GET", `${gt.url}/hang`, undefined, null, ac.signal);
        const queued = c.send("GET", `${gt.url}/ok`, undefined, null, ac.signal);
        setTimeout(() => ac.abort(), 30);
        expect((await queued).errorClass).toBe("in_flight_at_stop");
        expect((await first).errorClass).toBe("in_flight_at_stop");
        const before = gt.countOf("/ok");
        const late = await c.send("GET", `${gt.url}/ok`, undefined, null, ac.signal);
        expect(late.errorClass).toBe("in_flight_at_stop");
        expect(gt.countOf("/ok")).toBe(before);
      } finally {
        await c.close();
      }
    });

    it("many requests under one signal: one listener (no MaxListeners warning), all stopped", async () => {
      const warnings: string[] = [];
      const onWarning = (w: Error) => warnings.push(w.name);
      process.on("warning", onWarning);
      const c = new HttpClient(config({ connections: 30 }));
      try {
        const ac = new AbortController();
        const all = Array.from({ length: 25 }, () =>
          c.send("GET", `${gt.url}/hang`, undefined, null, ac.signal),
        );
        const done = await c.send("GET", `${gt.url}/ok`, undefined, null, ac.signal); // completes, unlinks itself
        expect(done.errorClass).toBe("ok");
        setTimeout(() => ac.abort(), 20);
        const results = await Promise.all(all);
        expect(results.map((r) => r.errorClass)).toEqual(Array(25).fill("in_flight_at_stop"));
        await new Promise((r) => setImmediate(r));
        expect(warnings).not.toContain("MaxListenersExceededWarning");
      } finally {
        process.off("warning", onWarning);
        await c.close();
      }
    });

    it("close() resolves whatever is in flight as in_flight_at_stop", async () => {
      const c = new HttpClient(config());
      const pending = c.send("GET", `${gt.url}/hang`, undefined, null, null);
      await new Promise((r) => setTimeout(r, 30));
      await c.close();
      expect((await pending).errorClass).toBe("in_flight_at_stop");
    });
  });
});
