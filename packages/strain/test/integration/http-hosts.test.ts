/**
 * The host allowlist: a request to an undeclared host — directly or through a redirect — is
 * refused before any connection is made.
 */
import type { LookupFunction } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { HttpClient, type HttpClientConfig } from "../../src/protocols/http.js";
import { type GroundTruthServer, startGroundTruthServer } from "../fixtures/ground-truth-server.js";
import { DRIVERS, httpTestConfig } from "../helpers/http-config.js";

describe.each(DRIVERS)("%s driver", (driver) => {
  function config(over: Partial<HttpClientConfig> = {}): HttpClientConfig {
    return httpTestConfig(driver, { hosts: [], ...over });
  }

  /** Pins every name to 127.0.0.1, so host names can be tested without real DNS. */
  const loopbackLookup: LookupFunction = (_hostname, options, callback) => {
    const cb = callback as (err: Error | null, address: unknown, family?: number) => void;
    if ((options as { all?: boolean }).all === true)
      process.nextTick(() => cb(null, [{ address: "127.0.0.1", family: 4 }]));
    else process.nextTick(() => cb(null, "127.0.0.1", 4));
  };

  let declared: GroundTruthServer;
  let undeclared: GroundTruthServer;

  beforeAll(async () => {
    declared = await startGroundTruthServer();
    undeclared = await startGroundTruthServer();
  });
  afterAll(async () => {
    await declared.close();
    await undeclared.close();
  });
  beforeEach(() => {
    declared.reset();
    undeclared.reset();
  });

  describe("host_not_allowed", () => {
    it("refuses an undeclared host:port directly, with no connection made", async () => {
      const client = new HttpClient(config({ hosts: [`127.0.0.1:${declared.port}`] }));
      try {
        const res = await client.send("GET", `${undeclared.url}/ok`, undefined, null, null);
        expect(res.errorClass).toBe("net_error");
        expect(res.netError).toBe("host_not_allowed");
        expect(res.status).toBe(0);
        expect(res.error).toBe(
          `host 127.0.0.1:${undeclared.port} is not in the plan's hosts; no connection was made`,
        );
        expect(undeclared.connections).toBe(0);
        expect(undeclared.count).toBe(0);
        // The declared one works through the same client.
        expect((await client.send("GET", `${declared.url}/ok`, undefined, null, null)).errorClass).toBe("ok");
      } finally {
        await client.close();
      }
    });

    it("refuses a redirect to an undeclared host before connecting to it", async () => {
      const client = new HttpClient(config({ hosts: [`127.0.0.1:${declared.port}`] }));
      try {
        const to = encodeURIComponent(`${undeclared.url}/ok`);
        const res = await client.send("GET", `${declared.url}/redirect?to=${to}`, undefined, null, null);
        expect(res.netError).toBe("host_not_allowed");
        expect(res.error).toBe(
          `redirect refused: host 127.0.0.1:${undeclared.port} is not in the plan's hosts; no connection was made`,
        );
        expect(res.url).toBe(`http://127.0.0.1:${undeclared.port}/ok`);
        expect(declared.countOf("/redirect")).toBe(1);
        expect(undeclared.connections).toBe(0);
        expect(undeclared.count).toBe(0);
      } finally {
        await client.close();
      }
    });

    it("follows a redirect to another declared host, by name, and drops credentials on the way", async () => {
      const client = new HttpClient(
        config({
          hosts: [`api.test:${declared.port}`, `other.test:${undeclared.port}`],
          lookup: loopbackLookup,
        }),
      );
      try {
        const to = encodeURIComponent(`http://other.test:${undeclared.port}/echo`);
        const res = await client.send(
          "GET",
          `http://api.test:${declared.port}/redirect?to=${to}`,
          { headers: { Authorization: "Bearer abc123secret", "X-Trace": "t1" }, responseType: "json" },
          null,
          null,
        );
        expect(res.errorClass).toBe("ok");
        expect(res.url).toBe(`http://other.test:${undeclared.port}/echo`);
        const echo = res.json<{ headers: Record<string, string> }>();
        expect(echo.headers.authorization).toBeUndefined();
        expect(echo.headers["x-trace"]).toBe("t1");
        expect(echo.headers.host).toBe(`other.test:${undeclared.port}`);
      } finally {
        await client.close();
      }
    });

    it("a bare name allows every port; name:port only that port", async () => {
      const client = new HttpClient(config({ hosts: ["127.0.0.1"] }));
      try {
        expect((await client.send("GET", `${declared.url}/ok`, undefined, null, null)).errorClass).toBe("ok");
        expect((await client.send("GET", `${undeclared.url}/ok`, undefined, null, null)).errorClass).toBe(
          "ok",
        );
      } finally {
        await client.close();
      }
      const narrow = new HttpClient(
        config({ hosts: [`127.0.0.1:${declared.port}`], lookup: loopbackLookup }),
      );
      try {
        // Same IP and port under another name is another host.
        const res = await narrow.send("GET", `http://localhost:${declared.port}/ok`, undefined, null, null);
        expect(res.netError).toBe("host_not_allowed");
      } finally {
        await narrow.close();
      }
    });
  });
});
