import { type ChildProcess, fork } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { cpus, hostname, tmpdir } from "node:os";
import { extname, join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { exitCodeWithCriteria } from "../criteria/exit-code.js";
import { LiveCriteria } from "../criteria/live.js";
import { buildTimeline } from "../criteria/timeline.js";
import type { CriteriaAbort } from "../criteria/verdict.js";
import { readFeederRows, UniqueRowCursor } from "../data/feeders.js";
import { deserializeError, ErrorCodes, type ExitCode, ExitCodes, hasCode, StrainError } from "../errors.js";
import { mergeSnapshots } from "../metrics/merge.js";
import type { IntervalSnapshot } from "../metrics/types.js";
import { createMonitors, MonitorSet } from "../monitors/monitor-set.js";
import type { MonitorExtras } from "../monitors/types.js";
import { loadPlan } from "../plan/load.js";
import type { ResolvedPlan } from "../plan/resolved.js";
import type { HttpApi, HttpMethod, RequestOptions, SetupContext } from "../plan/types.js";
import { HttpClient } from "../protocols/http.js";
import {
  createRunDir,
  NdjsonAppender,
  RUN_FORMAT,
  type RunInfo,
  type RunStatus,
  writeJsonAtomic,
} from "../results/run-dir.js";
import { buildSummary, type Summary } from "../results/summary.js";
import { plannedDurationMs } from "./executors/index.js";
import type { FromWorker, ToWorker } from "./protocol.js";
import { SecretRedactor } from "./redact.js";
import type { ErrorSample } from "./vu-runtime.js";

/** Error samples kept in errors.ndjson for a whole run. */
const MAX_ERROR_LINES = 10_000;

export interface RunOptions {
  planPath: string;
  /** Worker processes; default one per core. */
  workers?: number;
  /** Parent folder of run directories. Default "runs". */
  runsDir?: string;
  /** Variables handed to flows as `vu.env`. */
  env?: Readonly<Record<string, string>>;
  observer?: RunObserver;
  /** `--out csv=<file>`: every worker writes raw JTL rows to a part file of it (merged by the output). */
  jtlPath?: string;
  /** Criteria warnings (missed targets) make the exit code CRITERIA_WARNINGS instead of OK. */
  strict?: boolean;
}

/**
 * Consumers of a run's events (terminal, outputs). Hooks are never called concurrently and must
 * not block: they run on the coordinator's event loop between IPC messages.
 */
export interface RunObserver {
  onStart?(info: { runDir: string; plan: ResolvedPlan; workers: number; runStartEpoch: number }): void;
  onSnapshot?(snapshot: IntervalSnapshot): void;
  onWarning?(message: string): void;
  /** A line a flow printed (console.log in a worker). */
  onLog?(line: string): void;
  onEnd?(result: RunResult): void;
}

export interface RunResult {
  runDir: string;
  status: RunStatus;
  reason?: string;
  exitCode: ExitCode;
  summary: Summary;
}

interface WorkerState {
  index: number;
  child: ChildProcess;
  ready: boolean;
  done: boolean;
  exited: boolean;
  /** Highest interval index received. */
  lastIndex: number;
}

/** Where the worker entry lives: next to this file, .ts under the test runner, .js when built. */
function workerEntry(): { path: string; execArgv: string[] } {
  const self = fileURLToPath(import.meta.url);
  const ext = extname(self);
  const path = join(self, "..", `worker-main${ext}`);
  return { path, execArgv: ext === ".ts" ? ["--import", "tsx"] : [] };
}

/**
 * One run: loads and validates the plan (nothing is sent before that), runs setup once, forks N
 * workers each running segment i/N, merges their interval snapshots exactly, appends them to the
 * run directory, and writes the summary. `abort()` is the first Ctrl-C, `kill()` the second.
 */
export class Coordinator {
  private plan!: ResolvedPlan;
  private runDir = "";
  private workers: WorkerState[] = [];
  private pending = new Map<number, IntervalSnapshot[]>();
  private snapshots: IntervalSnapshot[] = [];
  private warnings: string[] = [];
  private series!: NdjsonAppender;
  private errorsOut!: NdjsonAppender;
  private errorLines = 0;
  private errorsDropped = 0;
  private status: RunStatus = "completed";
  private reason: string | undefined;
  private exitCode: ExitCode = ExitCodes.OK;
  private aborting = false;
  private killed = false;
  private finished: Promise<void> | null = null;
  private finish!: () => void;
  private uniqueCursors = new Map<string, UniqueRowCursor>();
  private runStartEpoch = 0;
  private monitors: MonitorSet | undefined;
  /** Highest interval the monitors have delivered. */
  private monitorsLast = -1;
  private monitorExtras: MonitorExtras[] = [];
  /** Judges `abortOnFail` criteria on the merged intervals; undefined when the plan has none. */
  private live: LiveCriteria | undefined;
  /** The criterion that stopped the run, if one did. */
  private criteriaAbort: CriteriaAbort | undefined;

  constructor(private readonly options: RunOptions) {}

  /** Load, validate and bundle the plan. Throws STRAIN_ERR_PLAN_INVALID / _LOAD before any traffic. */
  async prepare(): Promise<ResolvedPlan> {
    const bundleDir = mkdtempSync(join(tmpdir(), "strain-plan-"));
    try {
      const { plan, bundlePath } = await loadPlan(resolve(this.options.planPath), bundleDir);
      this.plan = plan;
      this.runDir = createRunDir(this.options.runsDir ?? "runs", plan.name);
      if (bundlePath !== null) copyFileSync(bundlePath, join(this.runDir, "plan.bundle.mjs"));
      return plan;
    } finally {
      rmSync(bundleDir, { recursive: true, force: true });
    }
  }

  get directory(): string {
    return this.runDir;
  }

  /** Run the prepared plan to the end (or abort) and write the summary. */
  async run(): Promise<RunResult> {
    const plan = this.plan ?? (await this.prepare());
    const workers = Math.max(1, this.options.workers ?? cpus().length);
    const env = { ...(this.options.env ?? {}) };
    this.series = new NdjsonAppender(join(this.runDir, "series.ndjson"));
    this.errorsOut = new NdjsonAppender(join(this.runDir, "errors.ndjson"));
    const info = this.runInfo(plan, workers, env);
    writeJsonAtomic(join(this.runDir, "run.json"), info);

    for (const [name, cfg] of Object.entries(plan.feeders)) {
      if (cfg.mode === "unique")
        this.uniqueCursors.set(name, new UniqueRowCursor(readFeederRows(cfg.path).length));
    }

    let setupData: unknown;
    try {
      setupData = await this.runHook("setup", plan, undefined);
    } catch (err) {
      return this.end("failed", (err as Error).message, ExitCodes.SETUP_FAILED);
    }
    if (this.aborting) return this.end("aborted", this.reason ?? "aborted", ExitCodes.ABORTED_BY_SIGNAL);

    // Monitors connect before any load: a required one that is down fails the run with nothing sent.
    try {
      this.monitors = await MonitorSet.start(createMonitors(plan.monitors), {
        intervalMs: plan.intervalMs,
        env,
        runDir: this.runDir,
        warn: (m) => this.warn(m),
      });
    } catch (err) {
      return this.end("failed", (err as Error).message, ExitCodes.SETUP_FAILED);
    }

    this.finished = new Promise((r) => {
      this.finish = r;
    });
    const bundle = join(this.runDir, "plan.bundle.mjs");
    const bundlePath = /\.(ya?ml)$/i.test(this.options.planPath) ? null : bundle;
    const entry = workerEntry();
    for (let i = 0; i < workers; i++) {
      const child = fork(entry.path, [], {
        execArgv: entry.execArgv,
        serialization: "advanced",
        stdio: ["ignore", "pipe", "pipe", "ipc"],
      });
      const w: WorkerState = { index: i, child, ready: false, done: false, exited: false, lastIndex: -1 };
      this.workers.push(w);
      for (const stream of [child.stdout, child.stderr]) {
        if (stream)
          createInterface({ input: stream }).on("line", (l) =>
            this.options.observer?.onLog?.(`[worker ${i}] ${l}`),
          );
      }
      child.on("message", (m: FromWorker) => this.onMessage(w, m));
      child.on("exit", (code, signal) => this.onExit(w, code, signal));
      this.send(w, {
        type: "init",
        planPath: resolve(this.options.planPath),
        bundlePath,
        segment: { index: i, count: workers },
        setupData,
        env,
        jtlPath: this.options.jtlPath ?? null,
      });
    }
    await this.allReady();
    if (!this.aborting && !this.workers.some((w) => w.exited)) {
      this.runStartEpoch = Date.now() + 100;
      info.runStartEpoch = this.runStartEpoch;
      writeJsonAtomic(join(this.runDir, "run.json"), info);
      this.options.observer?.onStart?.({
        runDir: this.runDir,
        plan,
        workers,
        runStartEpoch: this.runStartEpoch,
      });
      this.live = LiveCriteria.create({
        rows: plan.criteria ?? [],
        timeline: buildTimeline(plan),
        onAbort: (a) => this.stopOnCriterion(a),
      });
      this.live?.start(this.runStartEpoch);
      this.monitors.startClock(this.runStartEpoch, (snap) => {
        const list = this.pending.get(snap.index) ?? [];
        list.push(snap);
        this.pending.set(snap.index, list);
        this.monitorsLast = snap.index;
        this.flushPending(false);
      });
      for (const w of this.workers) this.send(w, { type: "start", atEpoch: this.runStartEpoch });
      await this.finished;
    }
    await this.finishMonitors();
    this.flushPending(true);
    for (const w of this.workers) this.send(w, { type: "exit" });
    if (!this.killed && this.status !== "failed") {
      try {
        await this.runHook("teardown", plan, setupData);
      } catch (err) {
        this.warn(`teardown failed: ${(err as Error).message}`);
        if (this.exitCode === ExitCodes.OK) {
          this.exitCode = ExitCodes.TEARDOWN_FAILED;
        }
      }
    }
    return this.end(this.status, this.reason, this.exitCode);
  }

  /**
   * Take the monitors' last (partial) interval and their end-of-run extras. After a second Ctrl-C
   * there is no time for that: they are only closed.
   */
  private async finishMonitors(): Promise<void> {
    const monitors = this.monitors;
    if (monitors === undefined) return;
    this.monitors = undefined;
    if (this.killed) {
      void monitors.finish(0).catch(() => undefined);
      return;
    }
    this.monitorExtras = await monitors.finish(Date.now());
    if (this.monitorExtras.length > 0)
      this.series.append([{ type: "monitors", time: Date.now(), extras: this.monitorExtras }]);
  }

  /**
   * First Ctrl-C: stop new iterations, drain in-flight ones up to gracefulStop. The run ends
   * `aborted` with `exitCode` (a signal's by default).
   */
  abort(reason: string, exitCode: ExitCode = ExitCodes.ABORTED_BY_SIGNAL): void {
    if (this.aborting) return;
    this.aborting = true;
    this.status = "aborted";
    this.reason = reason;
    this.exitCode = exitCode;
    this.warn(`run aborted: ${reason}; draining in-flight iterations`);
    for (const w of this.workers) this.send(w, { type: "stop", reason });
  }

  /** An `abortOnFail` criterion failed: stop like `abort`, with the criteria-failed code and the row named. */
  stopOnCriterion(abort: CriteriaAbort): void {
    if (this.aborting) return;
    this.criteriaAbort = abort;
    this.abort(abort.message, ExitCodes.CRITERIA_FAILED);
  }

  /** Second Ctrl-C: kill every worker now; the summary is written from what has arrived. */
  kill(reason: string): void {
    if (!this.aborting) this.abort(reason);
    this.killed = true;
    for (const w of this.workers) if (!w.exited) w.child.kill("SIGKILL");
    this.finish?.();
  }

  private runInfo(plan: ResolvedPlan, workers: number, env: Record<string, string>): RunInfo {
    return {
      format: RUN_FORMAT,
      plan: {
        name: plan.name,
        path: resolve(this.options.planPath),
        ...(plan.description !== undefined ? { description: plan.description } : {}),
      },
      options: { workers, intervalMs: plan.intervalMs, env: Object.keys(env) },
      scenarios: plan.scenarios.map((s) => ({
        name: s.name,
        executor: s.executor,
        plannedDurationMs: plannedDurationMs(s),
        flows: s.flows.map((f) => f.name),
      })),
      criteria: [...(plan.criteria ?? [])],
      validityRules: plan.monitors.validity,
      timeline: buildTimeline(plan),
      versions: { strain: strainVersion(), node: process.version },
      host: { hostname: hostname(), platform: process.platform, arch: process.arch, cpus: cpus().length },
      runStartEpoch: null,
      startedAt: new Date().toISOString(),
    };
  }

  private async runHook(kind: "setup" | "teardown", plan: ResolvedPlan, data: unknown): Promise<unknown> {
    const fn = kind === "setup" ? plan.setup : plan.teardown;
    if (fn === undefined) return undefined;
    const http = new HttpClient({
      ...(plan.baseUrl !== undefined ? { baseUrl: plan.baseUrl } : {}),
      hosts: plan.hosts,
      connections: 4,
      timeouts: plan.http.timeouts,
      maxBodySize: plan.http.maxBodySize,
      maxRedirects: plan.http.maxRedirects,
      headers: plan.http.headers,
      responseType: plan.http.responseType,
      driver: plan.http.driver,
      secrets: plan.secrets,
    });
    const send = (method: HttpMethod, url: string, opts?: RequestOptions) =>
      http.send(method, url, opts, null, null);
    const api: HttpApi = {
      get: (u, o) => send("GET", u, o),
      post: (u, o) => send("POST", u, o),
      put: (u, o) => send("PUT", u, o),
      patch: (u, o) => send("PATCH", u, o),
      delete: (u, o) => send("DELETE", u, o),
      request: (m, u, o) => send(m, u, o),
    };
    const ctx: SetupContext = { http: api, env: { ...(this.options.env ?? {}) } };
    const timeoutMs = kind === "setup" ? plan.setupTimeoutMs : plan.teardownTimeoutMs;
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      const result = await Promise.race([
        Promise.resolve().then(() => (kind === "setup" ? plan.setup!(ctx) : plan.teardown!(ctx, data))),
        new Promise((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`${kind}() did not finish within ${timeoutMs} ms`)),
            timeoutMs,
          );
        }),
      ]);
      if (kind === "setup") {
        // Setup data reaches workers as JSON: fail here, clearly, rather than in every worker.
        try {
          return result === undefined ? undefined : JSON.parse(JSON.stringify(result));
        } catch (err) {
          throw new StrainError(
            ErrorCodes.SETUP_FAILED,
            "setup() returned data that is not JSON-serialisable",
            {
              cause: err,
            },
          );
        }
      }
      return undefined;
    } catch (err) {
      const redactor = new SecretRedactor(plan.secrets, this.options.env ?? {});
      redactor.noteHeaders(plan.http.headers);
      throw new StrainError(
        kind === "setup" ? ErrorCodes.SETUP_FAILED : ErrorCodes.TEARDOWN_FAILED,
        redactor.redact(`${kind}() failed: ${(err as Error).message ?? String(err)}`),
      );
    } finally {
      if (timer !== undefined) clearTimeout(timer);
      await http.close();
    }
  }

  private allReady(): Promise<void> {
    return new Promise((resolve) => {
      const check = () => {
        if (this.aborting || this.workers.every((w) => w.ready || w.exited)) {
          resolve();
          return true;
        }
        return false;
      };
      if (check()) return;
      this.readyCheck = () => {
        if (check()) this.readyCheck = undefined;
      };
    });
  }
  private readyCheck: (() => void) | undefined;

  private send(w: WorkerState, msg: ToWorker): void {
    if (!w.exited && w.child.connected) w.child.send(msg);
  }

  private onMessage(w: WorkerState, m: FromWorker): void {
    switch (m.type) {
      case "ready":
        w.ready = true;
        this.readyCheck?.();
        return;
      case "snapshot": {
        const list = this.pending.get(m.snapshot.index) ?? [];
        list.push(m.snapshot);
        this.pending.set(m.snapshot.index, list);
        w.lastIndex = Math.max(w.lastIndex, m.snapshot.index);
        this.recordErrors(m.errors, m.errorsDropped);
        this.flushPending(false);
        return;
      }
      case "lease-row": {
        const cursor = this.uniqueCursors.get(m.feeder);
        this.send(w, { type: "lease-reply", id: m.id, index: cursor ? cursor.lease() : null });
        return;
      }
      case "warning":
        this.warn(m.message);
        return;
      case "done":
        w.done = true;
        this.flushPending(false);
        if (this.workers.every((x) => x.done || x.exited)) this.finish?.();
        return;
      case "fatal": {
        const err = deserializeError(m.error);
        this.fail(
          `worker ${w.index} failed: ${err.message}`,
          hasCode(err, ErrorCodes.PLAN_LOAD) || hasCode(err, ErrorCodes.PLAN_INVALID)
            ? ExitCodes.INVALID_CONFIG
            : ExitCodes.ENGINE_ERROR,
        );
        return;
      }
    }
  }

  private onExit(w: WorkerState, code: number | null, signal: NodeJS.Signals | null): void {
    w.exited = true;
    this.readyCheck?.();
    if (!w.done && !this.killed) {
      this.fail(
        `worker ${w.index} exited unexpectedly (${signal !== null ? `signal ${signal}` : `exit code ${code}`})`,
        ExitCodes.ENGINE_ERROR,
      );
    }
    this.flushPending(false);
    if (this.workers.every((x) => x.done || x.exited)) this.finish?.();
  }

  private fail(reason: string, exitCode: ExitCode): void {
    if (this.status === "failed") return;
    this.warn(reason);
    this.status = "failed";
    this.reason = reason;
    this.exitCode = exitCode;
    this.aborting = true;
    for (const w of this.workers) this.send(w, { type: "stop", reason });
  }

  /**
   * Merge and write every interval all live workers have reported. Interval k is complete once
   * each worker still running has sent k or later (workers report in order).
   */
  private flushPending(all: boolean): void {
    let limit = Number.POSITIVE_INFINITY;
    if (!all) {
      for (const w of this.workers) if (!w.done && !w.exited) limit = Math.min(limit, w.lastIndex);
      // Monitors sample each interval a little after its end: wait for them so an interval is written once, whole.
      if (this.monitors !== undefined) limit = Math.min(limit, this.monitorsLast);
    }
    const ready = [...this.pending.keys()].filter((k) => k <= limit).sort((a, b) => a - b);
    if (ready.length === 0) return;
    const lines = [];
    for (const k of ready) {
      const merged = mergeSnapshots(this.pending.get(k)!);
      this.pending.delete(k);
      this.snapshots.push(merged);
      lines.push({ type: "interval", ...merged });
      this.options.observer?.onSnapshot?.(merged);
    }
    this.series.append(lines);
    // After the append: a criterion that stops the run then finds its evidence in the series.
    for (const k of this.snapshots.slice(-ready.length)) this.live?.add(k);
  }

  private recordErrors(errors: readonly ErrorSample[], dropped: number): void {
    this.errorsDropped += dropped;
    const room = MAX_ERROR_LINES - this.errorLines;
    if (room <= 0) {
      this.errorsDropped += errors.length;
      return;
    }
    const kept = errors.slice(0, room);
    this.errorsDropped += errors.length - kept.length;
    this.errorLines += kept.length;
    this.errorsOut.append(kept);
  }

  private warn(message: string): void {
    // Every worker may report the same condition (tag-set cap, feeder exhausted): say it once.
    if (this.warnings.includes(message)) return;
    this.warnings.push(message);
    this.series?.append([{ type: "warning", time: Date.now(), message }]);
    this.options.observer?.onWarning?.(message);
  }

  private end(status: RunStatus, reason: string | undefined, exitCode: ExitCode): RunResult {
    this.live?.stop();
    const endedAt = Date.now();
    const criteriaAbort = this.criteriaAbort;
    const summary = buildSummary({
      info: JSON.parse(readFileSync(join(this.runDir, "run.json"), "utf8")) as RunInfo,
      snapshots: this.snapshots,
      warnings: this.warnings,
      status,
      endedAt,
      ...(reason !== undefined ? { reason } : {}),
      ...(criteriaAbort !== undefined ? { criteriaAbort } : {}),
      errorsSampled: this.errorLines,
      errorsDropped: this.errorsDropped,
      monitors: this.monitorExtras,
    });
    // The verdicts decide the code of a run that otherwise completed (criteria/exit-code.ts).
    exitCode = exitCodeWithCriteria(exitCode, summary.criteria, this.options.strict === true);
    // With --strict, numbers measured by a saturated or starved generator do not pass quietly.
    if (exitCode === ExitCodes.OK && this.options.strict === true && summary.validity.status !== "valid") {
      exitCode = ExitCodes.RUN_INVALID;
    }
    this.series.append([
      {
        type: "end",
        time: endedAt,
        status,
        ...(reason !== undefined ? { reason } : {}),
        exitCode,
        errorsNotSampled: this.errorsDropped,
        ...(criteriaAbort !== undefined ? { abortedBy: criteriaAbort } : {}),
      },
    ]);
    this.series.close();
    this.errorsOut.close();
    writeJsonAtomic(join(this.runDir, "summary.json"), summary);
    const result: RunResult = {
      runDir: this.runDir,
      status,
      ...(reason !== undefined ? { reason } : {}),
      exitCode,
      summary,
    };
    this.options.observer?.onEnd?.(result);
    return result;
  }
}

let cachedVersion: string | undefined;
export function strainVersion(): string {
  if (cachedVersion === undefined) {
    const pkg = fileURLToPath(new URL("../../package.json", import.meta.url));
    cachedVersion = (JSON.parse(readFileSync(pkg, "utf8")) as { version: string }).version;
  }
  return cachedVersion;
}
