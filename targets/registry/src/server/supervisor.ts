/**
 * The primary process: forks `replicas` API processes with node:cluster (one port, connections
 * handed round-robin) and `jobWorkers` job worker processes, restarts any that die while running,
 * answers the replicas' requests for aggregated metrics, and stops them all in order: API first
 * (no new jobs arrive), then job workers (they finish what they run).
 */
import { type ChildProcess, fork } from "node:child_process";
import cluster, { type Worker } from "node:cluster";
import { AggregatorRegistry } from "prom-client";
import { CONFIG_ENV, type RegistryConfig } from "../config.js";
import { RegistryError, RegistryErrorCodes } from "../errors.js";
import type { JsonLog } from "../log/json-log.js";
import { childEntry } from "./child-entry.js";
import {
  METRICS_REQUEST,
  METRICS_RESPONSE,
  type MetricsRequest,
  type MetricsResponse,
  READY,
} from "./messages.js";

export interface SupervisorOptions {
  config: RegistryConfig;
  replicas: number;
  jobWorkers: number;
  log: JsonLog;
}

/** The running registry processes. */
export interface RunningRegistry {
  /** `http://host:port` every replica serves. */
  readonly url: string;
  readonly port: number;
  /** Process ids of the job workers (they change when one is restarted). */
  jobWorkerPids(): number[];
  stop(): Promise<void>;
}

const RESTART_DELAY_MS = 1000;
const REPLICA_STOP_MS = 30_000;
const JOB_WORKER_STOP_MS = 60_000;

/** Start every process and resolve once all replicas listen and all job workers are ready. */
export async function startRegistryProcesses(options: SupervisorOptions): Promise<RunningRegistry> {
  const { log } = options;
  const replicaEntry = childEntry(import.meta.url, "./replica-main");
  const jobEntry = childEntry(import.meta.url, "../jobs/worker-main");
  cluster.setupPrimary({ exec: replicaEntry.path, execArgv: replicaEntry.execArgv });
  const aggregator = new AggregatorRegistry();
  let stopping = false;
  const config = options.config;

  const forkReplica = (): Promise<number> => {
    const worker = cluster.fork({ [CONFIG_ENV]: JSON.stringify(config) });
    worker.on("message", (m: unknown) => {
      const msg = m as MetricsRequest;
      if (msg?.type !== METRICS_REQUEST) return;
      aggregator.clusterMetrics().then(
        (text) => worker.send({ type: METRICS_RESPONSE, id: msg.id, text } satisfies MetricsResponse),
        (err: Error) =>
          worker.send({ type: METRICS_RESPONSE, id: msg.id, error: err.message } satisfies MetricsResponse),
      );
    });
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null) =>
        reject(
          new RegistryError(RegistryErrorCodes.PROCESS, `API replica exited (code ${code}) before listening`),
        );
      worker.once("exit", onExit);
      worker.once("listening", (address) => {
        worker.off("exit", onExit);
        resolve(address.port);
      });
    });
  };

  cluster.on("exit", (worker: Worker, code, signal) => {
    if (stopping) return;
    log.error("API replica exited; restarting", { pid: worker.process.pid, code, signal });
    setTimeout(() => {
      if (!stopping) forkReplica().catch((err: unknown) => log.error("API replica restart failed", { err }));
    }, RESTART_DELAY_MS);
  });

  const jobChildren = new Set<ChildProcess>();
  const forkJobWorker = (): Promise<void> => {
    const child = fork(jobEntry.path, [], {
      execArgv: jobEntry.execArgv,
      env: { ...process.env, [CONFIG_ENV]: JSON.stringify(config) },
      stdio: "inherit",
    });
    jobChildren.add(child);
    child.once("exit", (code, signal) => {
      jobChildren.delete(child);
      if (stopping) return;
      log.error("job worker exited; restarting", { pid: child.pid, code, signal });
      setTimeout(() => {
        if (!stopping)
          forkJobWorker().catch((err: unknown) => log.error("job worker restart failed", { err }));
      }, RESTART_DELAY_MS);
    });
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null) =>
        reject(
          new RegistryError(
            RegistryErrorCodes.PROCESS,
            `job worker exited (code ${code}) before it was ready`,
          ),
        );
      child.once("exit", onExit);
      child.on("message", (m: unknown) => {
        if ((m as { type?: string })?.type === READY) {
          child.off("exit", onExit);
          resolve();
        }
      });
    });
  };

  const stop = async () => {
    stopping = true;
    const replicas = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
    await Promise.all(replicas.map((w) => stopChild(w.process, REPLICA_STOP_MS)));
    await Promise.all([...jobChildren].map((c) => stopChild(c, JOB_WORKER_STOP_MS)));
  };

  try {
    // Every replica asks for the same port (0 included): node:cluster shares one listening handle
    // per requested address and port, so they all serve the port the first one got.
    const port = await forkReplica();
    await Promise.all([
      ...Array.from({ length: options.replicas - 1 }, () => forkReplica()),
      ...Array.from({ length: options.jobWorkers }, () => forkJobWorker()),
    ]);
    const url = `http://${config.host}:${port}`;
    log.info("registry processes started", {
      url,
      replicas: options.replicas,
      job_workers: options.jobWorkers,
    });
    return { url, port, jobWorkerPids: () => [...jobChildren].map((c) => c.pid ?? -1), stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** SIGTERM, then SIGKILL if it has not exited within `ms`. */
function stopChild(child: ChildProcess, ms: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), ms);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill("SIGTERM");
  });
}
