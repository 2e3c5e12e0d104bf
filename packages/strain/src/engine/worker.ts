import { createFeeder, readFeederRows } from "../data/feeders.js";
import { MetricsRegistry } from "../metrics/registry.js";
import type { IntervalSnapshot } from "../metrics/types.js";
import { createGeneratorSampler, generatorEntries, vusFromEntries } from "../monitors/generator.js";
import type { ResolvedPlan } from "../plan/resolved.js";
import type { Feeder } from "../plan/types.js";
import { HttpClient } from "../protocols/http.js";
import { JtlWriter, jtlPartPath } from "../results/outputs/jtl.js";
import { realClock } from "./clock.js";
import type { Executor, Segment } from "./executor-types.js";
import { createExecutor } from "./executors/index.js";
import { SecretRedactor } from "./redact.js";
import { type ErrorSample, ScenarioHost } from "./vu-runtime.js";

/** Error samples forwarded per worker per interval; the rest are only counted. */
const MAX_ERROR_SAMPLES_PER_INTERVAL = 20;

export interface WorkerSink {
  snapshot(snapshot: IntervalSnapshot, errors: ErrorSample[], errorsDropped: number): void;
  warning(message: string): void;
  leaseRow(feeder: string): Promise<number | null>;
}

/**
 * One worker's share (segment i/N) of a run: every scenario's executor over one VU runtime, one
 * metrics registry and one HTTP client, with interval snapshots aligned to the run's start epoch.
 * Process plumbing lives in worker-main.ts; this class is usable in-process.
 */
export class WorkerRun {
  private readonly metrics: MetricsRegistry;
  private readonly http: HttpClient;
  private readonly executors: { executor: Executor; gracefulStopMs: number; name: string }[] = [];
  private errors: ErrorSample[] = [];
  private errorsDropped = 0;
  private runStartEpoch = 0;
  private intervalIndex = 0;
  private intervalTimer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;
  private nextVU: number;
  private readonly segmentIndex: number;
  /** This process's CPU, event-loop delay, memory and sockets, added to every interval. */
  private readonly generator = createGeneratorSampler();
  /** Raw per-request rows (`--out csv`), or null. */
  private readonly jtl: JtlWriter | null;
  private readonly hosts: ScenarioHost[] = [];

  constructor(
    private readonly plan: ResolvedPlan,
    segment: Segment,
    setupData: unknown,
    env: Readonly<Record<string, string>>,
    jtlPath: string | null,
    private readonly sink: WorkerSink,
  ) {
    this.jtl = jtlPath === null ? null : new JtlWriter(jtlPartPath(jtlPath, segment.index));
    this.nextVU = segment.index + 1;
    this.segmentIndex = segment.index;
    const redactor = new SecretRedactor(plan.secrets, env);
    redactor.noteHeaders(plan.http.headers);
    this.metrics = new MetricsRegistry({
      maxTagSets: plan.maxTagSets,
      onWarning: (message) => sink.warning(redactor.redact(message)),
    });
    this.http = new HttpClient({
      ...(plan.baseUrl !== undefined ? { baseUrl: plan.baseUrl } : {}),
      hosts: plan.hosts,
      connections: plan.http.connections,
      timeouts: plan.http.timeouts,
      maxBodySize: plan.http.maxBodySize,
      maxRedirects: plan.http.maxRedirects,
      headers: plan.http.headers,
      responseType: plan.http.responseType,
      driver: plan.http.driver,
      pipelining: plan.http.pipelining,
      secrets: plan.secrets,
    });
    const feeders = new Map<string, Feeder<Record<string, unknown>>>();
    for (const [name, cfg] of Object.entries(plan.feeders)) {
      feeders.set(
        name,
        createFeeder(name, readFeederRows(cfg.path), cfg.mode, segment, (f) => sink.leaseRow(f)),
      );
    }
    const stoppedScenarios = new Set<string>();
    for (const scenario of plan.scenarios) {
      const host = new ScenarioHost(scenario, {
        clock: realClock,
        metrics: this.metrics,
        http: this.http,
        setupData,
        env,
        redactor,
        jtl: this.jtl,
        activeVUs: () => this.hosts.reduce((n, h) => n + h.activeVUs, 0),
        feeders,
        userMetrics: plan.metrics,
        nextVUId: () => {
          const id = this.nextVU;
          // VU ids are striped over workers so they are unique in the run without coordination.
          this.nextVU += segment.count;
          return id;
        },
        onError: (sample) => this.onError(sample),
        onFeederExhausted: (name, message) => {
          if (stoppedScenarios.has(name)) return;
          stoppedScenarios.add(name);
          sink.warning(redactor.redact(`${message}: scenario '${name}' stopped`));
          const entry = this.executors.find((e) => e.name === name);
          entry?.executor.stop(entry.gracefulStopMs);
        },
      });
      this.hosts.push(host);
      this.executors.push({
        executor: createExecutor(scenario, segment, host),
        gracefulStopMs: scenario.gracefulStopMs,
        name: scenario.name,
      });
    }
  }

  /** Run every scenario; resolves after the final (partial) interval snapshot was handed over. */
  async run(runStartEpoch: number): Promise<void> {
    this.runStartEpoch = runStartEpoch;
    const wait = runStartEpoch - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    this.scheduleInterval();
    try {
      await Promise.all(this.executors.map((e) => e.executor.run()));
    } finally {
      if (this.intervalTimer !== undefined) clearTimeout(this.intervalTimer);
      this.flush(Date.now());
      this.generator.stop();
      this.jtl?.close();
      await this.http.close();
    }
  }

  /** Stop early: no new iterations; each scenario drains up to its gracefulStop. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    for (const e of this.executors) e.executor.stop(e.gracefulStopMs);
  }

  private scheduleInterval(): void {
    const boundary = this.runStartEpoch + (this.intervalIndex + 1) * this.plan.intervalMs;
    this.intervalTimer = setTimeout(() => {
      this.flush(boundary);
      this.scheduleInterval();
    }, boundary - Date.now());
  }

  private flush(end: number): void {
    const start = this.runStartEpoch + this.intervalIndex * this.plan.intervalMs;
    const snap = this.metrics.snapshot(this.intervalIndex, start, Math.max(start, end));
    const sample = this.generator.sample(vusFromEntries(snap.entries));
    for (const e of generatorEntries(sample, this.segmentIndex)) snap.entries.push(e);
    this.jtl?.flush();
    this.sink.snapshot(snap, this.errors, this.errorsDropped);
    this.errors = [];
    this.errorsDropped = 0;
    this.intervalIndex++;
  }

  private onError(sample: ErrorSample): void {
    if (this.errors.length < MAX_ERROR_SAMPLES_PER_INTERVAL) this.errors.push(sample);
    else this.errorsDropped++;
  }
}
