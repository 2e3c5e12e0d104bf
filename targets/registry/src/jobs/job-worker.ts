/**
 * A job worker: a graphile-worker pool running the dedup, score and idgen tasks, registered for
 * liveness, sweeping for dead peers, and keeping the id pool topped up. One per worker process
 * (`--job-workers M` starts M processes); `concurrency` jobs run at once inside it.
 */

import { randomBytes } from "node:crypto";
import { EventEmitter } from "node:events";
import { hostname } from "node:os";
import { Logger, type Runner, run, type TaskList, type WorkerEvents } from "graphile-worker";
import type pg from "pg";
import { createPool } from "../db/pool.js";
import type { JsonLog } from "../log/json-log.js";
import { runDedup } from "./dedup.js";
import { executeDelivery, parsePayload } from "./execution.js";
import { availableIds, fillIdPool } from "./id-pool.js";
import { rulesOf, runIdgen } from "./idgen.js";
import { registerWorker, sweepDeadWorkers } from "./liveness.js";
import { runScore } from "./score.js";
import { type JobSettings, TASKS } from "./settings.js";
import type { TaskFunction } from "./task-context.js";

export interface JobWorkerOptions {
  databaseUrl: string;
  /** Jobs run at once in this process. */
  concurrency: number;
  settings: JobSettings;
  statementTimeoutMs: number;
  log: JsonLog;
  /** Called when the worker must stop at once (its liveness lock is gone). */
  onFatal: (err: Error) => void;
  /** How often to look for dead peers, in ms. Default 1000. */
  sweepIntervalMs?: number;
}

export interface JobWorker {
  readonly workerId: string;
  /** Stop taking jobs, finish those running, deregister. */
  stop(): Promise<void>;
}

const TASK_FUNCTIONS: Readonly<Record<(typeof TASKS)[number], TaskFunction>> = {
  dedup: runDedup,
  score: runScore,
  idgen: runIdgen,
};

/** Start a job worker in this process. */
export async function startJobWorker(options: JobWorkerOptions): Promise<JobWorker> {
  const workerId = `${hostname()}-${process.pid}-${randomBytes(3).toString("hex")}`;
  const log = options.log.child({ worker_id: workerId });
  // Tasks and graphile-worker each get their own connections, so a burst of job transactions
  // cannot starve the queue's own bookkeeping.
  const taskPool = createPool(
    options.databaseUrl,
    {
      max: options.concurrency + 2,
      statementTimeoutMs: options.statementTimeoutMs,
      applicationName: "registry-jobs",
    },
    (err) => log.warn("idle database connection lost", { err }),
  );
  const queuePool = createPool(
    options.databaseUrl,
    {
      max: options.concurrency + 2,
      statementTimeoutMs: options.statementTimeoutMs,
      applicationName: "registry-queue",
    },
    (err) => log.warn("idle database connection lost", { err }),
  );
  // graphile-worker checks that clients of a pool it is given have error handlers.
  queuePool.on("connect", (client) =>
    client.on("error", (err) => log.warn("database connection error", { err })),
  );
  taskPool.on("connect", (client) =>
    client.on("error", (err) => log.warn("database connection error", { err })),
  );
  const registration = await registerWorker(options.databaseUrl, workerId, options.onFatal);

  const deps = { pool: taskPool, workerId, settings: options.settings, tasks: TASK_FUNCTIONS, log };
  const taskList: TaskList = {};
  for (const name of TASKS) {
    taskList[name] = async (payload) => {
      await executeDelivery(deps, parsePayload(payload));
    };
  }

  await sweepDeadWorkers(taskPool, workerId, log);
  await topUpIdPool(taskPool, options.settings, log);

  const events: WorkerEvents = new EventEmitter() as WorkerEvents;
  let poolRegistered: Promise<void> = Promise.resolve();
  events.on("pool:create", ({ workerPool }) => {
    poolRegistered = registration.setPoolId(workerPool.id).catch((err: Error) => options.onFatal(err));
  });
  const runner: Runner = await run({
    pgPool: queuePool,
    concurrency: options.concurrency,
    noHandleSignals: true,
    pollInterval: options.settings.pollIntervalMs,
    taskList,
    events,
    logger: graphileLogger(log),
  });
  await poolRegistered;
  log.info("job worker started", { concurrency: options.concurrency });

  // Housekeeping on timers, never overlapping itself.
  let busy = false;
  let ticks = 0;
  const sweepMs = options.sweepIntervalMs ?? 1000;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    ticks++;
    const work = async () => {
      await sweepDeadWorkers(taskPool, workerId, log);
      if (ticks % Math.max(1, Math.round(5000 / sweepMs)) === 0)
        await topUpIdPool(taskPool, options.settings, log);
    };
    work()
      .catch((err: unknown) => log.warn("housekeeping failed", { err }))
      .finally(() => {
        busy = false;
      });
  }, sweepMs);

  let stopping: Promise<void> | undefined;
  return {
    workerId,
    stop() {
      stopping ??= (async () => {
        clearInterval(timer);
        await runner.stop();
        await registration.release().catch(() => undefined);
        await Promise.allSettled([taskPool.end(), queuePool.end()]);
        log.info("job worker stopped");
      })();
      return stopping;
    },
  };
}

async function topUpIdPool(pool: pg.Pool, settings: JobSettings, log: JsonLog): Promise<void> {
  const available = await availableIds(pool);
  if (available >= settings.idgen.minAvailable) return;
  const added = await fillIdPool(pool, settings.idgen.batchSize, {
    length: settings.idgen.length,
    rules: rulesOf(settings),
  });
  log.info("id pool topped up", { available_before: available, added });
}

function graphileLogger(log: JsonLog): Logger {
  return new Logger((scope) => (level, message, meta) => {
    const fields = {
      scope: "graphile-worker",
      ...(scope.label !== undefined ? { label: scope.label } : {}),
      ...meta,
    };
    if (level === "error") log.error(message, fields);
    else if (level === "warning") log.warn(message, fields);
    else log.debug(message, fields);
  });
}
