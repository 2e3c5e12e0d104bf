import type { HttpClientConfig } from "../../src/protocols/http.js";

/** Every HTTP client test runs on both pools: undici's and Strain's own HTTP/1.1 pool. */
export const DRIVERS = ["undici", "fast"] as const;

/** A client config for tests against loopback servers; `over` sets what a test file cares about. */
export function httpTestConfig(
  driver: (typeof DRIVERS)[number],
  over: Partial<HttpClientConfig> = {},
): HttpClientConfig {
  return {
    hosts: ["127.0.0.1"],
    connections: 4,
    timeouts: { connectMs: 2000, headersMs: 5000, bodyMs: 5000, totalMs: 10_000 },
    maxBodySize: 1 << 20,
    maxRedirects: 5,
    headers: {},
    responseType: "none",
    secrets: [],
    driver,
    ...over,
  };
}
