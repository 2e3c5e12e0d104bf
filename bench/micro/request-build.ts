/**
 * Building a request in HttpClient: URL resolution against the cached origin, options, headers,
 * the exchange and its result, without I/O. The signal is already aborted, so send() prepares the
 * request and resolves it as in_flight_at_stop instead of dispatching it.
 */
import { HttpClient } from "../../packages/strain/dist/protocols/http.js";
import { consume, type MicroCase } from "./measure.js";

export function requestBuildCases(): MicroCase[] {
  const client = new HttpClient({
    baseUrl: "http://127.0.0.1:8080",
    hosts: ["127.0.0.1:8080"],
    connections: 50,
    timeouts: { connectMs: 10_000, headersMs: 30_000, bodyMs: 30_000, totalMs: 60_000 },
    maxBodySize: 10_000_000,
    maxRedirects: 5,
    headers: {},
    responseType: "none",
    secrets: [],
  });
  const stopped = AbortSignal.abort();
  const named = { name: "home", tags: { page: "home" } };
  const withQuery = {
    name: "search",
    query: { q: "amina", limit: "20" },
    headers: { accept: "application/json" },
  };
  const batch = async (ops: number, send: () => Promise<unknown>) => {
    const pending: Promise<unknown>[] = new Array(ops);
    for (let k = 0; k < ops; k++) pending[k] = send();
    consume(await Promise.all(pending));
  };
  return [
    {
      name: 'request build: GET "/" (no options)',
      unit: "request",
      ops: 100_000,
      run: (ops) => batch(ops, () => client.send("GET", "/", undefined, null, stopped)),
    },
    {
      name: "request build: GET with name and tags",
      unit: "request",
      ops: 100_000,
      run: (ops) => batch(ops, () => client.send("GET", "/", named, null, stopped)),
    },
    {
      name: "request build: GET with a query and a header",
      unit: "request",
      ops: 100_000,
      run: (ops) => batch(ops, () => client.send("GET", "/search", withQuery, null, stopped)),
    },
  ];
}
