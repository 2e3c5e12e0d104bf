/**
 * HttpClient against the ground-truth server: status families, redirects, connection reuse and
 * caps, request building, body handling, byte counts, timings, secrets.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ErrorCodes, hasCode } from "../../src/errors.js";
import { HttpClient, type HttpClientConfig } from "../../src/protocols/http.js";
import { type GroundTruthServer, startGroundTruthServer } from "../fixtures/ground-truth-server.js";
import { DRIVERS, httpTestConfig } from "../helpers/http-config.js";

describe.each(DRIVERS)("%s driver", (driver) => {
  function config(over: Partial<HttpClientConfig> = {}): HttpClientConfig {
    return httpTestConfig(driver, { connections: 10, ...over });
  }

  let gt: GroundTruthServer;
  let client: HttpClient;

  beforeAll(async () => {
    gt = await startGroundTruthServer();
    client = new HttpClient(config({ baseUrl: gt.url }));
  });
  afterAll(async () => {
    await client.close();
    await gt.close();
  });
  beforeEach(() => gt.reset());

  describe("status families", () => {
    it("2xx is ok", async () => {
      const res = await client.send("GET", "/ok", undefined, null, null);
      expect(res).toMatchObject({
        errorClass: "ok",
        status: 200,
        method: "GET",
        name: "/ok",
        url: `${gt.url}/ok`,
      });
      expect(res.netError).toBeUndefined();
      expect(res.error).toBeUndefined();
      expect(res.headers["content-type"]).toBe("text/plain");
    });

    it("3xx is followed; the result is the final response, its url the final one", async () => {
      const res = await client.send("GET", "/redirect?to=%2Fredirect%3Fto%3D%252Fok", undefined, null, null);
      expect(res).toMatchObject({ errorClass: "ok", status: 200, url: `${gt.url}/ok`, name: "/redirect" });
      expect(gt.countOf("/redirect")).toBe(2);
      expect(gt.countOf("/ok")).toBe(1);
    });

    it("3xx beyond maxRedirects is returned as is (and counts as ok: 200–399 by default)", async () => {
      const c = new HttpClient(config({ baseUrl: gt.url, maxRedirects: 0 }));
      try {
        const res = await c.send("GET", "/redirect?to=/ok&status=307", undefined, null, null);
        expect(res).toMatchObject({ errorClass: "ok", status: 307 });
        expect(res.headers.location).toBe("/ok");
        expect(gt.countOf("/ok")).toBe(0);
      } finally {
        await c.close();
      }
    });

    it("303 turns a POST into a GET without body; 307 keeps method and body", async () => {
      const c303 = await client.send(
        "POST",
        "/redirect?to=/echo&status=303",
        { json: { a: 1 }, responseType: "json" },
        null,
        null,
      );
      expect(c303.json()).toMatchObject({ method: "GET", body: "" });
      const c307 = await client.send(
        "POST",
        "/redirect?to=/echo&status=307",
        { json: { a: 1 }, responseType: "json" },
        null,
        null,
      );
      expect(c307.json()).toMatchObject({ method: "POST", body: '{"a":1}' });
    });

    it.each([400, 404, 429])("4xx (%i) is http_error with its status", async (code) => {
      const res = await client.send("GET", `/status?code=${code}`, undefined, null, null);
      expect(res).toMatchObject({ errorClass: "http_error", status: code, name: "/status" });
      expect(res.netError).toBeUndefined();
    });

    it.each([500, 503])("5xx (%i) is http_error with its status", async (code) => {
      const res = await client.send("GET", `/status?code=${code}`, undefined, null, null);
      expect(res).toMatchObject({ errorClass: "http_error", status: code });
    });

    it("expectedStatuses narrows or widens what is ok", async () => {
      const notFound = await client.send("GET", "/status?code=404", { expectedStatuses: [404] }, null, null);
      expect(notFound.errorClass).toBe("ok");
      const created = await client.send(
        "GET",
        "/ok",
        { expectedStatuses: { min: 201, max: 201 } },
        null,
        null,
      );
      expect(created.errorClass).toBe("http_error");
    });
  });

  describe("connections", () => {
    // A server of their own: the shared client's idle keep-alive sockets must not blur the counts.
    let own: GroundTruthServer;
    beforeAll(async () => {
      own = await startGroundTruthServer();
    });
    afterAll(async () => {
      await own.close();
    });
    beforeEach(() => own.reset());

    it("reuses one keep-alive connection for sequential requests, redirects included", async () => {
      const c = new HttpClient(config({ baseUrl: own.url }));
      try {
        for (let i = 0; i < 20; i++) {
          expect((await c.send("GET", "/ok", undefined, null, null)).errorClass).toBe("ok");
        }
        expect((await c.send("GET", "/redirect?to=/ok", undefined, null, null)).status).toBe(200);
        expect(own.count).toBe(22);
        expect(own.connections).toBe(1);
      } finally {
        await c.close();
      }
    });

    it("never opens more than `connections` sockets per origin", async () => {
      const c = new HttpClient(config({ baseUrl: own.url, connections: 3 }));
      try {
        const all = await Promise.all(
          Array.from({ length: 15 }, () => c.send("GET", "/delay?ms=20", undefined, null, null)),
        );
        expect(all.every((r) => r.errorClass === "ok")).toBe(true);
        expect(own.connections).toBe(3);
        expect(own.maxOpenSockets).toBe(3);
      } finally {
        await c.close();
      }
    });
  });

  describe("request building", () => {
    it("round-trips json, query and headers (request headers over defaults, case-insensitively)", async () => {
      const c = new HttpClient(
        config({
          baseUrl: `${gt.url}/`,
          headers: { "X-Default": "d", "X-Over": "default" },
          responseType: "json",
        }),
      );
      try {
        const res = await c.send(
          "PUT",
          "echo?fixed=1",
          {
            json: { hello: "wörld", n: [1, 2] },
            query: { q: "a b&c", n: 3, t: true },
            headers: { "x-over": "mine" },
          },
          null,
          null,
        );
        const echo = res.json<{
          method: string;
          path: string;
          query: Record<string, string>;
          headers: Record<string, string>;
          body: string;
        }>();
        expect(echo.method).toBe("PUT");
        expect(echo.path).toBe("/echo");
        expect(echo.query).toEqual({ fixed: "1", q: "a b&c", n: "3", t: "true" });
        expect(echo.headers["x-default"]).toBe("d");
        expect(echo.headers["x-over"]).toBe("mine");
        expect(echo.headers["content-type"]).toBe("application/json");
        expect(echo.headers["user-agent"]).toBe("strain");
        expect(JSON.parse(echo.body)).toEqual({ hello: "wörld", n: [1, 2] });
        expect(res.name).toBe("/echo");
      } finally {
        await c.close();
      }
    });

    it("sends a raw body with the caller's content-type", async () => {
      const res = await client.send(
        "POST",
        "/echo",
        {
          body: "a=1",
          headers: { "Content-Type": "application/x-www-form-urlencoded" },
          responseType: "json",
        },
        null,
        null,
      );
      expect(res.json()).toMatchObject({
        body: "a=1",
        headers: { "content-type": "application/x-www-form-urlencoded" },
      });
    });

    it("appends relative URLs to a baseUrl with a path, and names requests by path without query", async () => {
      const c = new HttpClient(config({ baseUrl: `${gt.url}/api/` }));
      try {
        const res = await c.send("GET", "/v1/items?id=7#frag", undefined, null, null);
        expect(res.url).toBe(`${gt.url}/api/v1/items?id=7`);
        expect(res.name).toBe("/api/v1/items");
        expect(gt.countOf("/api/v1/items")).toBe(1);
        const named = await c.send("GET", "/v1/items/42", { name: "/v1/items/:id" }, null, null);
        expect(named.name).toBe("/v1/items/:id");
      } finally {
        await c.close();
      }
    });

    it("rejects programming errors (not request failures) with STRAIN_ERR_PLAN_INVALID", async () => {
      const noBase = new HttpClient(config());
      try {
        const rel = await noBase.send("GET", "/ok", undefined, null, null).catch((e: unknown) => e);
        expect(hasCode(rel, ErrorCodes.PLAN_INVALID)).toBe(true);
        const ftp = await noBase
          .send("GET", "ftp://127.0.0.1/x", undefined, null, null)
          .catch((e: unknown) => e);
        expect(hasCode(ftp, ErrorCodes.PLAN_INVALID)).toBe(true);
        const both = await noBase
          .send("POST", `${gt.url}/echo`, { json: {}, body: "x" }, null, null)
          .catch((e: unknown) => e);
        expect(hasCode(both, ErrorCodes.PLAN_INVALID)).toBe(true);
        const badTimeout = await noBase
          .send("GET", `${gt.url}/ok`, { timeout: "soon" }, null, null)
          .catch((e: unknown) => e);
        expect(hasCode(badTimeout, ErrorCodes.PLAN_INVALID)).toBe(true);
      } finally {
        await noBase.close();
      }
    });
  });

  describe("body handling", () => {
    it('discards the body with responseType "none", counts its bytes, and says how to keep it', async () => {
      const res = await client.send("GET", "/bytes?n=100000", undefined, null, null);
      expect(res.errorClass).toBe("ok");
      expect(res.bytesReceived).toBeGreaterThanOrEqual(100_000);
      expect(res.bytesReceived).toBeLessThan(100_300);
      let caught: unknown;
      try {
        res.text();
      } catch (err) {
        caught = err;
      }
      expect(hasCode(caught, ErrorCodes.BODY_DISCARDED)).toBe(true);
      expect((caught as { hint?: string }).hint).toContain("responseType");
      expect(() => res.json()).toThrow(/discarded/);
      expect(() => res.bytes()).toThrow(/discarded/);
    });

    it("keeps the body for text / json / binary, via text(), json() and bytes()", async () => {
      const text = await client.send("GET", "/ok", { responseType: "text" }, null, null);
      expect(text.text()).toBe("ok");
      const bin = await client.send(
        "GET",
        "/bytes?n=70000&chunked=1",
        { responseType: "binary" },
        null,
        null,
      );
      expect(bin.bytes().byteLength).toBe(70_000);
      expect(bin.bytes().every((b) => b === 0x78)).toBe(true);
      const json = await client.send("POST", "/echo", { json: [1], responseType: "json" }, null, null);
      expect(json.json<{ body: string }>().body).toBe("[1]");
    });

    it("counts sent bytes roughly like the wire (request line, headers, body)", async () => {
      const body = "x".repeat(5000);
      const res = await client.send("POST", "/echo", { body }, null, null);
      expect(res.bytesSent).toBeGreaterThan(5000 + "POST /echo HTTP/1.1\r\n".length);
      expect(res.bytesSent).toBeLessThan(5000 + 200);
    });
  });

  describe("timings", () => {
    it("/delay?ms=50: duration and waiting in [50, 50 + slack]", async () => {
      await client.send("GET", "/ok", undefined, null, null); // warm the connection: no connect time below
      const res = await client.send("GET", "/delay?ms=50", undefined, null, null);
      // The server's timer runs on the ms-granular loop clock, so it may fire up to 1 ms "early".
      expect(res.duration).toBeGreaterThanOrEqual(49);
      expect(res.duration).toBeLessThan(50 + 50); // slack for a shared 2-core machine
      expect(res.waiting).toBeGreaterThanOrEqual(49);
      expect(res.waiting).toBeLessThanOrEqual(res.duration);
    });

    it("startAt 30 ms in the past adds ~30 ms (the open-model scheduled start)", async () => {
      await client.send("GET", "/ok", undefined, null, null);
      const plain = await client.send("GET", "/ok", undefined, null, null);
      const late = await client.send("GET", "/ok", undefined, performance.now() - 30, null);
      expect(late.duration).toBeGreaterThanOrEqual(30);
      expect(late.duration).toBeLessThan(30 + plain.duration + 40);
      expect(late.waiting).toBeGreaterThanOrEqual(30);
    });

    it("redirect timings cover every hop", async () => {
      const res = await client.send(
        "GET",
        `/redirect?to=${encodeURIComponent("/delay?ms=40")}`,
        undefined,
        null,
        null,
      );
      expect(res.url).toBe(`${gt.url}/delay?ms=40`);
      expect(res.duration).toBeGreaterThanOrEqual(39);
    });
  });

  describe("secrets", () => {
    const SECRET_AUTH = "Bearer tok-s3cr3t-value";
    const SECRET_COOKIE = "session=cookie-s3cr3t";
    const SECRET_KEY = "key-s3cr3t-xyz";
    const SECRET_KEY_2 = "key2-s3cr3t-per-request";

    it("never appear in error strings, whatever the failure", async () => {
      const c = new HttpClient(
        config({
          baseUrl: gt.url,
          hosts: ["127.0.0.1", "leaky.test"],
          secrets: ["X-Api-Key"],
          maxBodySize: 1000,
          timeouts: { connectMs: 1000, headersMs: 5000, bodyMs: 5000, totalMs: 200 },
          headers: { Authorization: SECRET_AUTH, Cookie: SECRET_COOKIE, "X-Api-Key": SECRET_KEY },
          // A resolver whose error quotes the secrets, to prove messages are redacted, not just lucky.
          lookup: (_h, _o, cb) => {
            const e = Object.assign(
              new Error(`weird ${SECRET_AUTH} ${SECRET_COOKIE} ${SECRET_KEY} ${SECRET_KEY_2}`),
              {
                code: "EWEIRD",
              },
            );
            process.nextTick(() => (cb as (e: Error) => void)(e));
          },
        }),
      );
      try {
        const urls = [
          "/garbage",
          "/reset",
          "/hang",
          "/bytes?n=5000",
          "http://leaky.test/x",
          "http://not-declared.test/x",
          `/redirect?to=${encodeURIComponent("http://not-declared.test/")}`,
        ];
        const results = await Promise.all(
          // Per-request secret headers, in any case, are redacted as well as the defaults.
          urls.map((u) => c.send("GET", u, { headers: { "X-API-KEY": SECRET_KEY_2 } }, null, null)),
        );
        const kinds = results.map((r) => r.netError);
        expect(kinds).toEqual([
          "protocol",
          "reset",
          "timeout",
          "body_too_large",
          "protocol",
          "host_not_allowed",
          "host_not_allowed",
        ]);
        for (const r of results) {
          expect(r.error).toBeDefined();
          for (const secret of [SECRET_AUTH, "tok-s3cr3t-value", SECRET_COOKIE, SECRET_KEY, SECRET_KEY_2]) {
            expect(r.error).not.toContain(secret);
          }
        }
        expect(results[4]!.error).toContain("[redacted]");
      } finally {
        await c.close();
      }
    });
  });
});
