/**
 * Everything a command may touch of the outside world, injected so commands run in-process in
 * tests (k6's GlobalState, citty's runMain). Only src/cli/ uses `process` and `console`.
 */
export interface CliIO {
  stdout: { write(text: string): void };
  stderr: { write(text: string): void };
  /** Whether stdout is an interactive terminal (live progress, colours). */
  isTTY: boolean;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  /** Subscribe to SIGINT / SIGTERM; returns an unsubscribe function. */
  onSignal(handler: (signal: "SIGINT" | "SIGTERM") => void): () => void;
}

export function processIO(): CliIO {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    isTTY: process.stdout.isTTY === true,
    env: process.env,
    cwd: process.cwd(),
    onSignal(handler) {
      const onInt = () => handler("SIGINT");
      const onTerm = () => handler("SIGTERM");
      process.on("SIGINT", onInt);
      process.on("SIGTERM", onTerm);
      return () => {
        process.off("SIGINT", onInt);
        process.off("SIGTERM", onTerm);
      };
    },
  };
}

/** One line a person understands, then the details and the hint. */
export function formatError(err: unknown): string {
  if (typeof err === "object" && err !== null) {
    const e = err as { message?: string; details?: readonly string[]; hint?: string; code?: string };
    let out = `strain: ${e.message ?? String(err)}\n`;
    for (const d of e.details ?? []) out += `  - ${d}\n`;
    if (e.hint) out += `  hint: ${e.hint}\n`;
    return out;
  }
  return `strain: ${String(err)}\n`;
}
