/**
 * A load tool as the harness drives it: how to invoke it for a given load, and how to read what it
 * says it did. Every figure comes from the tool's own output (or Strain's run directory).
 */

/** The load to apply: closed-loop as fast as the connections allow, or a fixed request rate. */
export type Load =
  | { kind: "max"; connections: number; seconds: number }
  | {
      kind: "rate";
      connections: number;
      seconds: number;
      rate: number;
      /**
       * For tools that open connections on demand (Strain): the most they may open, so a stalled
       * server does not leave due requests queued in the client. Fixed-pool tools use `connections`.
       */
      maxConnections?: number;
    };

/** Latency percentiles in ms, as the tool reports them; null where the tool does not report one. */
export interface Percentiles {
  p50: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
  /** What the tool reports instead of a missing percentile, or how the figures were obtained. */
  note?: string;
}

export interface ToolReport {
  /** Completed requests (a response was received), from the tool's own output. */
  completed: number;
  /** Seconds of load the tool reports (its measuring window). */
  loadSeconds: number;
  latency?: Percentiles;
}

export interface Invocation {
  argv: string[];
  /** The command as printed in the docs (the target URL written as $URL, temp paths shortened). */
  shown: string;
  /** Read the tool's output once it has exited. Throws when the output holds no figures. */
  read(out: { stdout: string; stderr: string }): ToolReport;
}

export interface Tool {
  /** Short name used in tables: "wrk", "h2load", "strain minimal" … */
  name: string;
  /** Why it cannot run here, or null. */
  missing(): string | null;
  /** Version string for the machine table. */
  version(): string;
  /**
   * The command for `load` against `url`; `latencies` asks for the p50/p95/p99/max figures (the stall
   * test). Null when the tool cannot apply this kind of load (wrk has no fixed rate).
   */
  invocation(load: Load, url: string, latencies: boolean): Invocation | null;
}

/** The first capture of `re` in `text` as a number, or an error naming the tool. */
export function numberFrom(text: string, re: RegExp, tool: string): number {
  const m = re.exec(text);
  if (m?.[1] === undefined) throw new Error(`${tool}: no ${re} in its output:\n${text.slice(-1500)}`);
  return Number(m[1]);
}
