/**
 * Entry of one job worker process (`--job-workers M` starts M). SIGTERM/SIGINT: finish the jobs
 * running, deregister, exit 0. If the liveness lock is lost, exit at once (code 1) — peers will
 * take over this worker's jobs, and it must not go on running them.
 */
import { configFromEnv } from "../config.js";
import { createJsonLog } from "../log/json-log.js";
import { READY, type ReadyMessage } from "../server/messages.js";
import { startJobWorker } from "./job-worker.js";

const config = configFromEnv(process.env);
const log = createJsonLog({ level: config.logLevel, base: { role: "job-worker" } });

process.on("unhandledRejection", (err) => {
  log.error("unhandled rejection", { err });
  process.exit(1);
});

const worker = await startJobWorker({
  databaseUrl: config.databaseUrl,
  concurrency: config.jobConcurrency,
  settings: config.jobs,
  statementTimeoutMs: config.jobStatementTimeoutMs,
  log,
  onFatal: (err) => {
    log.error("liveness lock lost; exiting", { err });
    process.exit(1);
  },
});
process.send?.({ type: READY } satisfies ReadyMessage);

let stopping = false;
const shutdown = (reason: string) => {
  if (stopping) return;
  stopping = true;
  log.info("job worker shutting down", { reason });
  worker.stop().then(
    () => process.exit(0),
    (err: unknown) => {
      log.error("shutdown failed", { err });
      process.exit(1);
    },
  );
};
process.on("SIGTERM", () => shutdown("SIGTERM"));
process.on("SIGINT", () => shutdown("SIGINT"));
process.on("disconnect", () => shutdown("parent gone"));
