import type { SerializedError } from "../errors.js";
import type { IntervalSnapshot } from "../metrics/types.js";
import type { Segment } from "./executor-types.js";
import type { ErrorSample } from "./vu-runtime.js";

/**
 * The one message protocol between the coordinator and its worker processes (IPC over the fork
 * channel, "advanced" serialization).
 *
 *   coordinator                         worker
 *     │── init ────────────────────────▶│ load the bundled plan, build VUs' world
 *     │◀──────────────────────── ready ──│
 *     │── start {atEpoch} ─────────────▶│ executors begin at atEpoch
 *     │◀──── snapshot (every interval) ──│
 *     │◀──── lease-row ──── lease-reply ▶│ unique feeders
 *     │── stop {reason} ───────────────▶│ no new iterations; drain up to gracefulStop
 *     │◀────────────────────────── done ──│ final snapshot sent before it
 *     │── exit ────────────────────────▶│
 */
export interface InitMessage {
  type: "init";
  planPath: string;
  bundlePath: string | null;
  segment: Segment;
  setupData: unknown;
  env: Record<string, string>;
  /** `--out csv=<file>`: this worker writes its JTL rows to `jtlPartPath(file, index)`. */
  jtlPath: string | null;
}

export interface StartMessage {
  type: "start";
  /** Epoch ms at which the run (and interval 0) begins in every worker. */
  atEpoch: number;
}
export interface StopMessage {
  type: "stop";
  reason: string;
}
export interface ExitMessage {
  type: "exit";
}
export interface LeaseReplyMessage {
  type: "lease-reply";
  id: number;
  index: number | null;
}
export type ToWorker = InitMessage | StartMessage | StopMessage | ExitMessage | LeaseReplyMessage;

export interface ReadyMessage {
  type: "ready";
}
export interface SnapshotMessage {
  type: "snapshot";
  snapshot: IntervalSnapshot;
  errors: ErrorSample[];
  /** Errors seen but not forwarded (sampling). */
  errorsDropped: number;
}
export interface LeaseRowMessage {
  type: "lease-row";
  id: number;
  feeder: string;
}
export interface WarningMessage {
  type: "warning";
  message: string;
}
export interface DoneMessage {
  type: "done";
}
export interface FatalMessage {
  type: "fatal";
  error: SerializedError;
}
export type FromWorker =
  | ReadyMessage
  | SnapshotMessage
  | LeaseRowMessage
  | WarningMessage
  | DoneMessage
  | FatalMessage;
