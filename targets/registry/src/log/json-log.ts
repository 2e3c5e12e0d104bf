/**
 * JSON-lines logging for the processes that have no fastify logger (the cluster primary and the
 * job workers). Lines use pino's fields (`level` as a number, `time` in ms, `pid`, `hostname`,
 * `msg`), so one log pipeline reads the API replicas' and these alike.
 */
import { hostname } from "node:os";

export type LogLevelName = "debug" | "info" | "warn" | "error" | "silent";

const LEVELS: Record<Exclude<LogLevelName, "silent">, number> = { debug: 20, info: 30, warn: 40, error: 50 };

/** A structured logger; `fields` are merged into the line. */
export interface JsonLog {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  /** A logger that adds `fields` to every line. */
  child(fields: Record<string, unknown>): JsonLog;
}

/** Create a logger writing one JSON object per line to `write` (default: stdout). */
export function createJsonLog(
  options: { level?: LogLevelName; base?: Record<string, unknown>; write?: (line: string) => void } = {},
): JsonLog {
  const threshold = options.level === "silent" ? Number.POSITIVE_INFINITY : LEVELS[options.level ?? "info"];
  const write = options.write ?? ((line: string) => process.stdout.write(line));
  const host = hostname();
  const make = (base: Record<string, unknown>): JsonLog => {
    const emit = (level: number, msg: string, fields?: Record<string, unknown>) => {
      if (level < threshold) return;
      const line = { level, time: Date.now(), pid: process.pid, hostname: host, ...base, ...fields, msg };
      write(`${JSON.stringify(line, errorReplacer)}\n`);
    };
    return {
      debug: (m, f) => emit(LEVELS.debug, m, f),
      info: (m, f) => emit(LEVELS.info, m, f),
      warn: (m, f) => emit(LEVELS.warn, m, f),
      error: (m, f) => emit(LEVELS.error, m, f),
      child: (fields) => make({ ...base, ...fields }),
    };
  };
  return make(options.base ?? {});
}

function errorReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code;
    return {
      type: value.name,
      message: value.message,
      ...(code !== undefined ? { code } : {}),
      stack: value.stack,
    };
  }
  return value;
}
