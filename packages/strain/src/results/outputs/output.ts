import type { RunObserver } from "../../engine/coordinator.js";

/**
 * A live output: an observer of the run (the coordinator's `RunObserver` hooks) that may hold a
 * file or a connection. Like every observer its hooks are never called concurrently and must not
 * block: work that waits (network) is queued and finished by `close`.
 *
 *   onStart ─▶ onSnapshot × intervals ─▶ onEnd ─▶ close()   (awaited by the CLI before it exits)
 */
export interface RunOutput extends RunObserver {
  /** What `--out` said, for messages ("json=out.ndjson"). */
  readonly name: string;
  /** Flush what is pending and release files and connections. Never rejects. */
  close(): Promise<void>;
}

/**
 * One observer that calls each of `observers` in order. A hook that throws does not stop the
 * others nor the run: `onError` hears about it (default: rethrown after all ran).
 */
export function combineObservers(
  observers: readonly RunObserver[],
  onError?: (err: unknown, observer: RunObserver) => void,
): RunObserver {
  const call = <K extends keyof RunObserver>(hook: K, ...args: Parameters<NonNullable<RunObserver[K]>>) => {
    let first: unknown;
    let failed = false;
    for (const o of observers) {
      const fn = o[hook] as ((...a: unknown[]) => void) | undefined;
      if (fn === undefined) continue;
      try {
        fn.apply(o, args);
      } catch (err) {
        if (onError !== undefined) onError(err, o);
        else if (!failed) {
          failed = true;
          first = err;
        }
      }
    }
    if (failed) throw first;
  };
  return {
    onStart: (info) => call("onStart", info),
    onSnapshot: (snap) => call("onSnapshot", snap),
    onWarning: (message) => call("onWarning", message),
    onLog: (line) => call("onLog", line),
    onEnd: (result) => call("onEnd", result),
  };
}
