/**
 * Worker process entry: the process plumbing around WorkerRun. Forked by the coordinator; talks
 * only through the typed IPC protocol and exits when the coordinator goes away, so no worker ever
 * outlives it.
 */
import { tmpdir } from "node:os";
import { serializeError } from "../errors.js";
import { importPlanBundle, loadPlan } from "../plan/load.js";
import type { FromWorker, ToWorker } from "./protocol.js";
import { WorkerRun } from "./worker.js";

function send(msg: FromWorker): void {
  if (process.connected) process.send!(msg);
}

let worker: WorkerRun | undefined;
let leaseSeq = 0;
const leases = new Map<number, (index: number | null) => void>();

// Stack traces of flow errors point into the plan's source (the bundle carries inline source maps).
process.setSourceMapsEnabled(true);

// Ctrl-C reaches the whole process group; only the coordinator decides how a run stops.
process.on("SIGINT", () => {});
process.on("SIGTERM", () => {});
process.on("disconnect", () => process.exit(1));
process.on("uncaughtException", (err) => {
  send({ type: "fatal", error: serializeError(err) });
  setTimeout(() => process.exit(1), 50);
});

process.on("message", (raw: ToWorker) => {
  void handle(raw).catch((err: unknown) => {
    send({ type: "fatal", error: serializeError(err) });
    setTimeout(() => process.exit(1), 50);
  });
});

async function handle(msg: ToWorker): Promise<void> {
  switch (msg.type) {
    case "init": {
      const plan =
        msg.bundlePath !== null
          ? await importPlanBundle(msg.bundlePath, msg.planPath)
          : (await loadPlan(msg.planPath, tmpdir())).plan;
      worker = new WorkerRun(plan, msg.segment, msg.setupData, msg.env, msg.jtlPath, {
        snapshot: (snapshot, errors, errorsDropped) =>
          send({ type: "snapshot", snapshot, errors, errorsDropped }),
        warning: (message) => send({ type: "warning", message }),
        leaseRow: (feeder) =>
          new Promise((resolve) => {
            const id = ++leaseSeq;
            leases.set(id, resolve);
            send({ type: "lease-row", id, feeder });
          }),
      });
      send({ type: "ready" });
      return;
    }
    case "start": {
      await worker!.run(msg.atEpoch);
      send({ type: "done" });
      return;
    }
    case "stop":
      worker?.stop();
      return;
    case "lease-reply": {
      const resolve = leases.get(msg.id);
      leases.delete(msg.id);
      resolve?.(msg.index);
      return;
    }
    case "exit":
      process.exit(0);
  }
}
