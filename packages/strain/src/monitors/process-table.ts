import { closeSync, openSync, readdirSync, readSync } from "node:fs";
import { type PidStat, parsePidStat } from "./proc-files.js";

/**
 * Per-process CPU and memory from /proc: for the `system` monitor's watched processes (by pid or
 * name pattern) and for the DB CPU of a local PostgreSQL (the postmaster and its children).
 * Read-only: nothing here signals or changes a process.
 */

/**
 * Clock ticks per second of /proc times. USER_HZ is 100 on every Linux architecture Node runs on
 * (it is part of the kernel's user ABI, independent of CONFIG_HZ); Node has no sysconf to ask.
 */
export const USER_HZ = 100;

let buffer = Buffer.allocUnsafe(64 * 1024);

/**
 * Read a small /proc file; null when it is gone (the process exited) or unreadable. Into one
 * reused buffer, without readFileSync's fstat and allocations: measured on this machine, reading
 * 75 /proc/<pid>/stat files took 1.4 ms with readFileSync and 0.7 ms this way.
 */
export function readProcText(path: string): string | null {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch {
    return null;
  }
  try {
    let length = 0;
    for (;;) {
      if (length === buffer.length) {
        const bigger = Buffer.allocUnsafe(buffer.length * 2);
        buffer.copy(bigger, 0, 0, length);
        buffer = bigger;
      }
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
    }
    return buffer.toString("latin1", 0, length);
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}

export function readPidStat(pid: number): PidStat | null {
  const text = readProcText(`/proc/${pid}/stat`);
  return text === null ? null : parsePidStat(text);
}

let lastScan: { at: number; table: Map<number, PidStat> } | null = null;

/** Monitors sampled at the same interval boundary share a process scan younger than this (ms). */
export const SHARED_SCAN_MS = 100;

/**
 * Every process's stat, by pid. A scan younger than `maxAgeMs` is reused, so the monitors
 * sampled at one interval boundary (watched processes, DB CPU) share one pass over /proc.
 */
export function scanProcesses(maxAgeMs = 0): Map<number, PidStat> {
  const now = performance.now();
  if (lastScan !== null && now - lastScan.at <= maxAgeMs) return lastScan.table;
  const out = new Map<number, PidStat>();
  lastScan = { at: now, table: out };
  let names: string[];
  try {
    names = readdirSync("/proc");
  } catch {
    return out;
  }
  for (const name of names) {
    const c = name.charCodeAt(0);
    if (c < 48 || c > 57) continue;
    const st = readPidStat(Number(name));
    if (st !== null) out.set(st.pid, st);
  }
  return out;
}

/** Seconds since boot, in ticks: compared with a process's `starttime`. */
export function uptimeTicks(): number {
  const text = readProcText("/proc/uptime");
  return text === null ? Number.NaN : Number.parseFloat(text) * USER_HZ;
}

let pageSize: number | undefined;

/**
 * Bytes per page for /proc rss figures: 4 KiB on x86-64, but 16 or 64 KiB on some arm64 kernels.
 * Found once by comparing this process's resident pages with `process.memoryUsage().rss`.
 */
export function pageSizeBytes(): number {
  if (pageSize === undefined) {
    const pages = Number(readProcText("/proc/self/statm")?.split(" ")[1] ?? Number.NaN);
    const ratio = process.memoryUsage().rss / pages;
    pageSize = ratio > 0 && Number.isFinite(ratio) ? 2 ** Math.round(Math.log2(ratio)) : 4096;
  }
  return pageSize;
}

/** Processes to watch: one pid, or every process whose name or command line matches a pattern. */
export interface ProcessSelector {
  pid?: number;
  /** A regular expression (source) tested against /proc/<pid>/comm and the command line. */
  pattern?: string;
  /** Include every descendant, and the CPU of children they reaped (short-lived workers). */
  tree?: boolean;
}

/** One reading of a watched group. */
export interface ProcessReading {
  /** CPU seconds used since the previous reading (all members, all cores). */
  cpuSeconds: number;
  /** Summed resident set size of the live members (shared memory counted once per member). */
  rssBytes: number;
  /** Members alive now. */
  processes: number;
}

interface Group {
  starttime: number;
  /** Cumulative ticks at the last reading. */
  ticks: number;
}

/**
 * CPU used by a set of processes between readings, robust to processes starting and exiting:
 *
 * - each root (the pid, or each process matching the pattern) is a group; with `tree`, the group
 *   is the root and all its descendants, and its cumulative time counts `cutime`/`cstime` too. A
 *   child's time moves into its parent's `cutime` when the parent reaps it, so the group total
 *   is conserved across exits: the postmaster's backends come and go without losing their CPU.
 * - a group new since the previous reading counts all its time if it started after that reading,
 *   else (first seen, e.g. at the baseline) it only sets the baseline.
 * - a group that vanished is dropped; the time it used since the last reading is lost.
 */
export class ProcessGroupTracker {
  private readonly pattern: RegExp | undefined;
  private groups = new Map<number, Group>();
  private lastUptime = Number.NaN;
  private readonly cmdlines = new Map<number, { starttime: number; text: string }>();

  constructor(
    readonly selector: ProcessSelector,
    private readonly excludePids: ReadonlySet<number> = new Set(),
  ) {
    this.pattern = selector.pattern !== undefined ? new RegExp(selector.pattern) : undefined;
  }

  /** True when readings need the full process table (`scanProcesses`), not only the root's stat. */
  get needsTable(): boolean {
    return this.pattern !== undefined || this.selector.tree === true;
  }

  /**
   * Take a reading. `table` is this instant's full process table (required when `needsTable`;
   * share one scan between trackers). The first reading only sets the baseline (cpuSeconds 0).
   */
  read(table?: ReadonlyMap<number, PidStat>): ProcessReading {
    const uptime = uptimeTicks();
    const roots = this.roots(table);
    const children = this.selector.tree === true && table !== undefined ? childrenOf(table) : undefined;
    let ticks = 0;
    let rssPages = 0;
    let processes = 0;
    const next = new Map<number, Group>();
    for (const root of roots) {
      let total = 0;
      const visit = (st: PidStat) => {
        processes++;
        rssPages += st.rssPages;
        total += st.utime + st.stime;
        if (children !== undefined) {
          total += st.cutime + st.cstime;
          for (const c of children.get(st.pid) ?? []) visit(c);
        }
      };
      visit(root);
      const known = this.groups.get(root.pid);
      if (known !== undefined && known.starttime === root.starttime)
        ticks += Math.max(0, total - known.ticks);
      else if (root.starttime > this.lastUptime) ticks += total; // born since the previous reading
      next.set(root.pid, { starttime: root.starttime, ticks: total });
    }
    this.groups = next;
    this.lastUptime = uptime;
    return { cpuSeconds: ticks / USER_HZ, rssBytes: rssPages * pageSizeBytes(), processes };
  }

  private roots(table: ReadonlyMap<number, PidStat> | undefined): PidStat[] {
    const { pid } = this.selector;
    if (pid !== undefined) {
      const st = table?.get(pid) ?? readPidStat(pid);
      return st === null || st === undefined ? [] : [st];
    }
    const re = this.pattern;
    if (re === undefined || table === undefined) return [];
    for (const p of this.cmdlines.keys()) if (!table.has(p)) this.cmdlines.delete(p);
    const out: PidStat[] = [];
    for (const st of table.values()) {
      if (this.excludePids.has(st.pid)) continue;
      if (re.test(st.comm) || re.test(this.cmdline(st))) out.push(st);
    }
    if (this.selector.tree === true) {
      // A matched process inside another matched tree is already counted by its ancestor.
      const matched = new Set(out.map((s) => s.pid));
      return out.filter((s) => !hasAncestorIn(s, matched, table));
    }
    return out;
  }

  /** The command line, read once per process (it rarely changes after exec). */
  private cmdline(st: PidStat): string {
    const known = this.cmdlines.get(st.pid);
    if (known !== undefined && known.starttime === st.starttime) return known.text;
    const raw = readProcText(`/proc/${st.pid}/cmdline`) ?? "";
    const text = raw.replace(/\0+$/, "").replaceAll("\0", " ");
    this.cmdlines.set(st.pid, { starttime: st.starttime, text });
    return text;
  }
}

function childrenOf(table: ReadonlyMap<number, PidStat>): Map<number, PidStat[]> {
  const out = new Map<number, PidStat[]>();
  for (const st of table.values()) {
    const list = out.get(st.ppid);
    if (list === undefined) out.set(st.ppid, [st]);
    else list.push(st);
  }
  return out;
}

function hasAncestorIn(st: PidStat, set: ReadonlySet<number>, table: ReadonlyMap<number, PidStat>): boolean {
  let p = st.ppid;
  for (let depth = 0; p > 1 && depth < 64; depth++) {
    if (set.has(p)) return true;
    p = table.get(p)?.ppid ?? 0;
  }
  return false;
}
