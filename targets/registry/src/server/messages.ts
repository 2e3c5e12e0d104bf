/** IPC messages between the primary and its children (one typed protocol, both sides import it). */

export const METRICS_REQUEST = "registry:metrics-request";
export const METRICS_RESPONSE = "registry:metrics-response";
export const READY = "registry:ready";

/** Replica → primary: aggregate every replica's metrics for me. */
export interface MetricsRequest {
  type: typeof METRICS_REQUEST;
  id: number;
}

/** Primary → replica. */
export interface MetricsResponse {
  type: typeof METRICS_RESPONSE;
  id: number;
  text?: string;
  error?: string;
}

/** Child → parent when it serves (job worker) or the whole registry is up (CLI → demo). */
export interface ReadyMessage {
  type: typeof READY;
  url?: string;
  /** The database the registry uses, so a demo can watch it (a PostgreSQL monitor). */
  databaseUrl?: string;
}
