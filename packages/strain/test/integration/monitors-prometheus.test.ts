import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer as createHttpServer, request as httpRequest, type Server } from "node:http";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GaugeEntry, SnapshotEntry, TrendEntry } from "../../src/metrics/types.js";
import {
  PrometheusMonitor,
  type PrometheusQueryConfig,
  type RangeSeries,
} from "../../src/monitors/prometheus.js";

// The prometheus monitor against a real Prometheus server (Debian's `prometheus` package) started
// here on loopback, scraping a tiny exporter with known values every second, behind a bearer-token
// proxy (the usual way a Prometheus API is protected).

const INSTALL = "apt-get install -y --no-install-recommends prometheus";
const TOKEN = `tok-${randomBytes(8).toString("hex")}`;
const EXPORTER_TEXT = `# TYPE strain_test_value gauge
strain_test_value{kind="a"} 42
strain_test_value{kind="b"} 7.5
# TYPE strain_test_bytes gauge
strain_test_bytes 5000000000
`;

let dir = "";
let exporter: Server;
let proxy: Server;
let prom: ChildProcess | undefined;
let promLog = "";
let promUrl = "";
let proxyUrl = "";

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
    s.on("error", reject);
  });
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve(`http://127.0.0.1:${(server.address() as { port: number }).port}`),
    ),
  );
}

async function getJson(url: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url);
  const text = await res.text();
  try {
    return { status: res.status, body: JSON.parse(text) };
  } catch {
    return { status: res.status, body: text };
  }
}

async function waitFor(what: string, ok: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await ok().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}; prometheus log:\n${promLog.slice(-2000)}`);
}

beforeAll(async () => {
  try {
    execFileSync("prometheus", ["--version"], { stdio: "ignore" });
  } catch {
    throw new Error(`the prometheus binary is not installed; install it with: ${INSTALL}`);
  }
  dir = mkdtempSync(join(tmpdir(), "strain-prom-"));
  exporter = createHttpServer((req, res) => {
    res.writeHead(200, { "content-type": "text/plain; version=0.0.4" });
    res.end(req.url === "/metrics" ? EXPORTER_TEXT : "");
  });
  const exporterUrl = await listen(exporter);
  const port = await freePort();
  promUrl = `http://127.0.0.1:${port}`;
  writeFileSync(
    join(dir, "prometheus.yml"),
    `global: { scrape_interval: 1s, evaluation_interval: 1s }
scrape_configs:
  - job_name: strain-test
    static_configs: [{ targets: ["${exporterUrl.replace("http://", "")}"] }]
`,
  );
  prom = spawn(
    "prometheus",
    [
      `--config.file=${join(dir, "prometheus.yml")}`,
      `--storage.tsdb.path=${join(dir, "data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  prom.stderr?.on("data", (d: Buffer) => {
    promLog += d.toString();
  });
  // Only requests carrying the token reach Prometheus.
  proxy = createHttpServer((req, res) => {
    if (req.headers.authorization !== `Bearer ${TOKEN}`) {
      res.writeHead(401, { "content-type": "application/json" });
      res.end('{"status":"error","errorType":"unauthorized","error":"missing or wrong bearer token"}');
      return;
    }
    const up = httpRequest(`${promUrl}${req.url}`, { method: req.method }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on("error", () => res.destroy());
    req.pipe(up);
  });
  proxyUrl = await listen(proxy);
  await waitFor("prometheus to be ready", async () => (await fetch(`${promUrl}/-/ready`)).status === 200);
  await waitFor("the first scrape", async () => {
    const r = await getJson(`${promUrl}/api/v1/query?query=${encodeURIComponent('up{job="strain-test"}')}`);
    return (
      (r.body as { data?: { result?: { value: [number, string] }[] } }).data?.result?.[0]?.value[1] === "1"
    );
  });
}, 60_000);

afterAll(async () => {
  if (prom !== undefined && prom.exitCode === null) {
    const exited = new Promise((r) => prom!.once("exit", r));
    prom.kill("SIGTERM");
    await exited;
  }
  await new Promise((r) => exporter?.close(r));
  await new Promise((r) => proxy?.close(r));
  if (dir !== "") rmSync(dir, { recursive: true, force: true });
});

const q = (
  name: string,
  query: string,
  more: Partial<PrometheusQueryConfig> = {},
): PrometheusQueryConfig => ({
  name,
  query,
  at: "interval",
  type: "level",
  stepMs: null,
  ...more,
});

function find(entries: SnapshotEntry[], metric: string, tags: Record<string, string> = {}): SnapshotEntry[] {
  return entries.filter(
    (e) => e.metric === metric && Object.entries(tags).every(([k, v]) => e.tags[k] === v),
  );
}

describe("prometheus monitor against a real Prometheus", () => {
  it("instant queries every interval land as prom_<name> with the series' labels; values match the exporter", async () => {
    const warnings: string[] = [];
    const m = new PrometheusMonitor({
      url: proxyUrl,
      headers: { Authorization: `Bearer \${env.PROM_TOKEN}` },
      required: true,
      queries: [
        q("test_value", "strain_test_value"),
        q("total", "sum(strain_test_value)"),
        q("bytes", "strain_test_bytes", { type: "gauge" }),
        q("a_over_run", 'strain_test_value{kind="a"}', { at: "end", stepMs: 1000 }),
      ],
    });
    const ctx = { intervalMs: 1000, env: { PROM_TOKEN: TOKEN }, warn: (w: string) => warnings.push(w) };
    expect(await m.start(ctx)).toBeUndefined();
    const t0 = Date.now();
    const first = await m.sample(0, t0 - 1000, t0);

    const values = find(first, "prom_test_value") as TrendEntry[];
    expect(values.map((e) => [e.tags.kind, e.max]).sort()).toEqual([
      ["a", 42],
      ["b", 7.5],
    ]);
    // Labels as tags; the series is named after the query, so __name__ is dropped.
    expect(values[0]!.tags).toEqual({
      job: "strain-test",
      instance: expect.stringMatching(/^127\.0\.0\.1:\d+$/),
      kind: values[0]!.tags.kind,
    });
    expect((find(first, "prom_total")[0] as TrendEntry).max).toBe(49.5);
    expect(find(first, "prom_total")[0]!.tags).toEqual({});
    // Gauges hold values past the trend range exactly.
    expect(find(first, "prom_bytes")[0]).toMatchObject({
      type: "gauge",
      value: 5e9,
    } satisfies Partial<GaugeEntry>);
    // Range queries are not sampled per interval.
    expect(find(first, "prom_a_over_run")).toEqual([]);

    await new Promise((r) => setTimeout(r, 2500));
    const t1 = Date.now();
    const second = await m.sample(1, t0, t1);
    expect((find(second, "prom_test_value", { kind: "b" })[0] as TrendEntry).max).toBe(7.5);

    const extras = await m.stop();
    const range = (extras?.data.ranges as Record<string, { query: string; series: RangeSeries[] }>)
      .a_over_run!;
    expect(range.query).toBe('strain_test_value{kind="a"}');
    expect(range.series).toHaveLength(1);
    expect(range.series[0]!.labels).toMatchObject({
      __name__: "strain_test_value",
      kind: "a",
      job: "strain-test",
    });
    expect(range.series[0]!.values.length).toBeGreaterThanOrEqual(3);
    expect(range.series[0]!.values.every(([, v]) => v === 42)).toBe(true);
    expect(extras?.notes).toEqual([]);
    expect(warnings).toEqual([]);
  });

  it("a failing query is said once; the other queries go on", async () => {
    const warnings: string[] = [];
    const m = new PrometheusMonitor({
      url: proxyUrl,
      headers: { Authorization: `Bearer ${TOKEN}` },
      required: false,
      queries: [q("broken", "sum(strain_test_value"), q("total", "sum(strain_test_value)")],
    });
    expect(await m.start({ intervalMs: 1000, env: {}, warn: (w) => warnings.push(w) })).toBeUndefined();
    for (let i = 0; i < 3; i++) {
      const e = await m.sample(i, Date.now() - 1000, Date.now());
      expect((find(e, "prom_total")[0] as TrendEntry).max).toBe(49.5);
      expect(find(e, "prom_broken")).toEqual([]);
    }
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^prometheus query 'broken' failed: HTTP 400: bad_data: /);
    await m.stop();
  });

  it("without the token, says why in one sentence and never prints the header", async () => {
    const m = new PrometheusMonitor({
      url: proxyUrl,
      headers: { Authorization: "Bearer wrong-token" },
      required: true,
      queries: [q("total", "sum(strain_test_value)")],
    });
    const warning = await m.start({ intervalMs: 1000, env: {}, warn: () => {} });
    expect(warning).toBe(
      `prometheus monitor cannot query ${proxyUrl}/: HTTP 401: unauthorized: missing or wrong bearer token`,
    );
    expect(await m.sample(0, 0, 0)).toEqual([]);
    await m.stop();
    const unreachable = new PrometheusMonitor({
      url: `http://127.0.0.1:${await freePort()}`,
      headers: {},
      required: false,
      queries: [q("total", "1")],
    });
    expect(await unreachable.start({ intervalMs: 1000, env: {}, warn: () => {} })).toMatch(
      /^prometheus monitor cannot query http:\/\/127\.0\.0\.1:\d+\/: ECONNREFUSED/,
    );
    await unreachable.stop();
  });
});
