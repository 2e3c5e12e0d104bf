import { readdirSync } from "node:fs";
import { join } from "node:path";
import type { SnapshotEntry } from "../metrics/types.js";
import { EntryList } from "./entries.js";
import {
  type CpuPercent,
  type CpuTimes,
  cpuPercent,
  type DiskCounters,
  isReportedDisk,
  type NetCounters,
  parseDiskStats,
  parseLoadAvg,
  parseMemInfo,
  parseNetDev,
  parseProcStat,
} from "./proc-files.js";
import {
  ProcessGroupTracker,
  type ProcessSelector,
  readProcText,
  SHARED_SCAN_MS,
  scanProcesses,
} from "./process-table.js";
import { SystemCsvAppender, type SystemCsvRow } from "./system-csv.js";
import type { Monitor, MonitorContext, MonitorExtras } from "./types.js";

/** A process to watch, named for its series' `process` tag. */
export interface WatchedProcess extends ProcessSelector {
  name: string;
}

export interface SystemMonitorConfig {
  required: boolean;
  /** Per-core CPU series beside the total. */
  perCore: boolean;
  /** Interfaces to report; null: all. */
  interfaces: readonly string[] | null;
  /** Devices to report; null: every whole, non-virtual disk. */
  disks: readonly string[] | null;
  processes: readonly WatchedProcess[];
  /** Write `<runDir>/monitors/system.csv`. */
  csv: boolean;
}

export const DEFAULT_SYSTEM_CONFIG: SystemMonitorConfig = {
  required: false,
  perCore: true,
  interfaces: null,
  disks: null,
  processes: [],
  csv: true,
};

/** Modes of `system_cpu_percent`, in the order they are emitted. */
export const CPU_MODES = [
  "user",
  "system",
  "iowait",
  "steal",
  "idle",
  "busy",
] as const satisfies readonly (keyof CpuPercent)[];

interface Reading {
  /** performance.now() of the reading: per-second figures use the real elapsed time. */
  at: number;
  cpu: Map<string, CpuTimes>;
  net: Map<string, NetCounters>;
  disk: Map<string, DiskCounters>;
}

/**
 * This machine, from /proc, every interval (seed 001 ran dstat beside JMeter "to ensure the
 * testing machine itself did not reach its limits"):
 *
 *   system_cpu_percent{cpu="total"|"0"…, mode}        level, %   user, system, iowait, steal, idle, busy
 *   system_load1 / system_load5 / system_load15       level
 *   system_memory_used_percent                        level, %
 *   system_memory_used_bytes / _available_bytes       gauge, bytes
 *   system_swap_used_bytes                            gauge, bytes
 *   system_net_bytes{interface, direction=rx|tx}      counter, bytes in the interval
 *   system_net_bytes_per_s{interface, direction}      gauge, bytes/s
 *   system_disk_bytes{device, direction=read|write}   counter, bytes in the interval
 *   system_disk_bytes_per_s{device, direction}        gauge, bytes/s
 *   system_disk_util_percent{device}                  level, % of the interval with I/O in flight
 *   system_process_cpu_percent{process}               level, % of one core (like top)
 *   system_process_rss_bytes{process}                 gauge, bytes
 *   system_process_count{process}                     level
 */
export class SystemMonitor implements Monitor {
  readonly name = "system";
  readonly required: boolean;
  private prev: Reading | null = null;
  private readonly trackers: { name: string; tracker: ProcessGroupTracker }[];
  private sysBlock: Set<string> | null = null;
  private csv: SystemCsvAppender | null = null;
  private warn: (message: string) => void = () => {};
  private failed = false;
  private rows = 0;

  constructor(readonly config: SystemMonitorConfig = DEFAULT_SYSTEM_CONFIG) {
    this.required = config.required;
    // Never watch ourselves by pattern: `node` would match the coordinator and every worker.
    const self = new Set([process.pid]);
    this.trackers = config.processes.map((p) => ({
      name: p.name,
      tracker: new ProcessGroupTracker(p, self),
    }));
  }

  async start(ctx: MonitorContext): Promise<string | undefined> {
    this.warn = ctx.warn;
    const stat = readProcText("/proc/stat");
    if (stat === null || parseProcStat(stat).size === 0) {
      return "system monitor unavailable: /proc/stat cannot be read (the system monitor needs Linux)";
    }
    try {
      this.sysBlock = new Set(readdirSync("/sys/block"));
    } catch {
      this.sysBlock = null;
    }
    this.prev = this.read();
    const table = this.trackers.some((t) => t.tracker.needsTable) ? scanProcesses() : undefined;
    for (const t of this.trackers) t.tracker.read(table);
    if (this.config.csv && ctx.runDir !== undefined) {
      this.csv = new SystemCsvAppender(
        join(ctx.runDir, "monitors", "system.csv"),
        this.trackers.map((t) => t.name),
      );
    }
    return undefined;
  }

  sample(index: number, _start: number, end: number): SnapshotEntry[] {
    const prev = this.prev;
    if (prev === null) return [];
    let cur: Reading;
    try {
      cur = this.read();
    } catch (err) {
      if (!this.failed) this.warn(`system monitor: cannot read /proc: ${(err as Error).message}`);
      this.failed = true;
      return [];
    }
    this.prev = cur;
    const seconds = (cur.at - prev.at) / 1000;
    const out = new EntryList();
    const row: SystemCsvRow = {
      time: end,
      cpu: { usr: Number.NaN, sys: Number.NaN, idl: Number.NaN, wai: Number.NaN, stl: Number.NaN },
      disk: { read: 0, writ: 0 },
      net: { recv: 0, send: 0 },
      load: { load1: Number.NaN, load5: Number.NaN, load15: Number.NaN },
      mem: { used: Number.NaN, avai: Number.NaN },
      processes: [],
    };

    for (const [cpu, times] of cur.cpu) {
      if (cpu !== "total" && !this.config.perCore) continue;
      const before = prev.cpu.get(cpu);
      if (before === undefined) continue;
      const pct = cpuPercent(before, times);
      for (const mode of CPU_MODES) out.level("system_cpu_percent", { cpu, mode }, pct[mode]);
      if (cpu === "total") {
        row.cpu = { usr: pct.user, sys: pct.system, idl: pct.idle, wai: pct.iowait, stl: pct.steal };
      }
    }

    const loadText = readProcText("/proc/loadavg");
    if (loadText !== null) {
      const load = parseLoadAvg(loadText);
      out.level("system_load1", {}, load.load1);
      out.level("system_load5", {}, load.load5);
      out.level("system_load15", {}, load.load15);
      row.load = load;
    }

    const memText = readProcText("/proc/meminfo");
    if (memText !== null) {
      const mem = parseMemInfo(memText);
      out.gauge("system_memory_used_bytes", {}, mem.usedBytes);
      out.gauge("system_memory_available_bytes", {}, mem.availableBytes);
      out.gauge("system_swap_used_bytes", {}, mem.swapUsedBytes);
      if (mem.totalBytes > 0)
        out.level("system_memory_used_percent", {}, (mem.usedBytes / mem.totalBytes) * 100);
      row.mem = { used: mem.usedBytes, avai: mem.availableBytes };
    }

    for (const [iface, c] of cur.net) {
      const before = prev.net.get(iface);
      if (before === undefined) continue;
      const rx = Math.max(0, c.rxBytes - before.rxBytes);
      const tx = Math.max(0, c.txBytes - before.txBytes);
      out.counter("system_net_bytes", { interface: iface, direction: "rx" }, rx);
      out.counter("system_net_bytes", { interface: iface, direction: "tx" }, tx);
      out.gauge("system_net_bytes_per_s", { interface: iface, direction: "rx" }, perSecond(rx, seconds));
      out.gauge("system_net_bytes_per_s", { interface: iface, direction: "tx" }, perSecond(tx, seconds));
      row.net.recv += perSecond(rx, seconds);
      row.net.send += perSecond(tx, seconds);
    }

    for (const [device, c] of cur.disk) {
      const before = prev.disk.get(device);
      if (before === undefined) continue;
      const read = Math.max(0, c.readBytes - before.readBytes);
      const write = Math.max(0, c.writeBytes - before.writeBytes);
      out.counter("system_disk_bytes", { device, direction: "read" }, read);
      out.counter("system_disk_bytes", { device, direction: "write" }, write);
      out.gauge("system_disk_bytes_per_s", { device, direction: "read" }, perSecond(read, seconds));
      out.gauge("system_disk_bytes_per_s", { device, direction: "write" }, perSecond(write, seconds));
      if (seconds > 0) {
        const util = (Math.max(0, c.ioMs - before.ioMs) / (seconds * 1000)) * 100;
        out.level("system_disk_util_percent", { device }, Math.min(100, util));
      }
      row.disk.read += perSecond(read, seconds);
      row.disk.writ += perSecond(write, seconds);
    }

    if (this.trackers.length > 0) {
      const table = this.trackers.some((t) => t.tracker.needsTable)
        ? scanProcesses(SHARED_SCAN_MS)
        : undefined;
      for (const { name, tracker } of this.trackers) {
        const r = tracker.read(table);
        const pct = seconds > 0 ? (r.cpuSeconds / seconds) * 100 : Number.NaN;
        out.level("system_process_cpu_percent", { process: name }, pct);
        out.gauge("system_process_rss_bytes", { process: name }, r.rssBytes);
        out.level("system_process_count", { process: name }, r.processes);
        row.processes.push(pct);
      }
    }

    if (index >= 0) {
      this.csv?.append(row);
      this.rows++;
    }
    return out.entries;
  }

  async stop(): Promise<MonitorExtras | undefined> {
    this.csv?.close();
    if (this.csv === null) return undefined;
    return {
      monitor: this.name,
      notes: [],
      data: { csv: this.csv.path, rows: this.rows },
    };
  }

  private read(): Reading {
    const at = performance.now();
    const stat = readProcText("/proc/stat");
    if (stat === null) throw new Error("/proc/stat is gone");
    const cpu = parseProcStat(stat);
    const netAll = parseNetDev(readProcText("/proc/net/dev") ?? "");
    const net = new Map<string, NetCounters>();
    for (const [k, v] of netAll)
      if (this.config.interfaces === null || this.config.interfaces.includes(k)) net.set(k, v);
    const diskAll = parseDiskStats(readProcText("/proc/diskstats") ?? "");
    const disk = new Map<string, DiskCounters>();
    for (const [k, v] of diskAll) {
      const wanted =
        this.config.disks === null ? isReportedDisk(k, this.sysBlock) : this.config.disks.includes(k);
      if (wanted) disk.set(k, v);
    }
    return { at, cpu, net, disk };
  }
}

function perSecond(delta: number, seconds: number): number {
  return seconds > 0 ? delta / seconds : Number.NaN;
}
