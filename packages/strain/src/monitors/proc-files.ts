/**
 * Parsers for the Linux /proc files the system monitor reads. Pure functions of the file text, so
 * they are tested on captured text; reading is the caller's business. Counters in these files are
 * cumulative since boot: monitors keep the previous reading and report deltas.
 */

/** CPU time in USER_HZ ticks, as /proc/stat counts it. */
export interface CpuTimes {
  user: number;
  nice: number;
  system: number;
  idle: number;
  iowait: number;
  irq: number;
  softirq: number;
  steal: number;
}

/** /proc/stat: the aggregate line as "total" and each core by its number ("0", "1" …). */
export function parseProcStat(text: string): Map<string, CpuTimes> {
  const out = new Map<string, CpuTimes>();
  for (const line of text.split("\n")) {
    if (!line.startsWith("cpu")) continue;
    const f = line.trim().split(/\s+/);
    const label = f[0] === "cpu" ? "total" : f[0]!.slice(3);
    const n = (i: number) => Number(f[i] ?? 0);
    // guest and guest_nice are already counted in user and nice: leaving them out avoids counting twice.
    out.set(label, {
      user: n(1),
      nice: n(2),
      system: n(3),
      idle: n(4),
      iowait: n(5),
      irq: n(6),
      softirq: n(7),
      steal: n(8),
    });
  }
  return out;
}

/** Shares of `cur − prev` per mode, in percent. All NaN when no tick elapsed. */
export interface CpuPercent {
  /** user + nice */
  user: number;
  /** system + irq + softirq */
  system: number;
  iowait: number;
  steal: number;
  idle: number;
  /** 100 − idle − iowait: what "CPU used" means in top and dstat. */
  busy: number;
}

export function cpuPercent(prev: CpuTimes, cur: CpuTimes): CpuPercent {
  const d = (k: keyof CpuTimes) => Math.max(0, cur[k] - prev[k]);
  const user = d("user") + d("nice");
  const system = d("system") + d("irq") + d("softirq");
  const iowait = d("iowait");
  const steal = d("steal");
  const idle = d("idle");
  const total = user + system + iowait + steal + idle;
  const pct = (v: number) => (total > 0 ? (v * 100) / total : Number.NaN);
  return {
    user: pct(user),
    system: pct(system),
    iowait: pct(iowait),
    steal: pct(steal),
    idle: pct(idle),
    busy: pct(user + system + steal),
  };
}

export interface LoadAvg {
  load1: number;
  load5: number;
  load15: number;
}

export function parseLoadAvg(text: string): LoadAvg {
  const f = text.trim().split(/\s+/);
  return { load1: Number(f[0]), load5: Number(f[1]), load15: Number(f[2]) };
}

export interface MemInfo {
  totalBytes: number;
  availableBytes: number;
  /** total − available: memory the system could not hand out without swapping (what `free` and dstat's "used" approximate). */
  usedBytes: number;
  swapUsedBytes: number;
}

export function parseMemInfo(text: string): MemInfo {
  const kb = new Map<string, number>();
  for (const line of text.split("\n")) {
    const m = /^(\w+(?:\(\w+\))?):\s+(\d+)/.exec(line);
    if (m !== null) kb.set(m[1]!, Number(m[2]));
  }
  const get = (k: string) => (kb.get(k) ?? 0) * 1024;
  const total = get("MemTotal");
  // Kernels before 3.14 have no MemAvailable: free + buffers + page cache is its usual estimate.
  const available = kb.has("MemAvailable")
    ? get("MemAvailable")
    : get("MemFree") + get("Buffers") + get("Cached");
  return {
    totalBytes: total,
    availableBytes: available,
    usedBytes: Math.max(0, total - available),
    swapUsedBytes: Math.max(0, get("SwapTotal") - get("SwapFree")),
  };
}

export interface NetCounters {
  rxBytes: number;
  txBytes: number;
}

/** /proc/net/dev: cumulative bytes per interface. */
export function parseNetDev(text: string): Map<string, NetCounters> {
  const out = new Map<string, NetCounters>();
  for (const line of text.split("\n")) {
    const colon = line.indexOf(":");
    if (colon < 0 || line.includes("|")) continue;
    const name = line.slice(0, colon).trim();
    const f = line
      .slice(colon + 1)
      .trim()
      .split(/\s+/);
    out.set(name, { rxBytes: Number(f[0] ?? 0), txBytes: Number(f[8] ?? 0) });
  }
  return out;
}

export interface DiskCounters {
  readBytes: number;
  writeBytes: number;
  /** Milliseconds the device had I/O in flight (utilisation = Δ / Δwall). */
  ioMs: number;
}

/** /proc/diskstats: cumulative counters per device. Sectors are 512 bytes whatever the device's block size. */
export function parseDiskStats(text: string): Map<string, DiskCounters> {
  const out = new Map<string, DiskCounters>();
  for (const line of text.split("\n")) {
    const f = line.trim().split(/\s+/);
    if (f.length < 14) continue;
    out.set(f[2]!, {
      readBytes: Number(f[5]) * 512,
      writeBytes: Number(f[9]) * 512,
      ioMs: Number(f[12]),
    });
  }
  return out;
}

/** Devices whose numbers say nothing about real I/O: loop files, RAM disks, compressed swap in RAM. */
const VIRTUAL_DISK = /^(loop|ram|zram)\d+$/;

/**
 * Whole disks worth reporting: named in /sys/block (so not partitions) and not virtual. When
 * /sys/block could not be listed, partitions are recognised by name instead.
 */
export function isReportedDisk(name: string, sysBlock: ReadonlySet<string> | null): boolean {
  if (VIRTUAL_DISK.test(name)) return false;
  if (sysBlock !== null) return sysBlock.has(name);
  return !/^(sd[a-z]+|vd[a-z]+|xvd[a-z]+|hd[a-z]+)\d+$|^(nvme\d+n\d+|mmcblk\d+)p\d+$/.test(name);
}

/** The fields of /proc/<pid>/stat the monitors use. Times in USER_HZ ticks, rss in pages. */
export interface PidStat {
  pid: number;
  comm: string;
  state: string;
  ppid: number;
  utime: number;
  stime: number;
  /** CPU of children this process has waited for (reaped): where exited backends' time goes. */
  cutime: number;
  cstime: number;
  /** Start time after boot, ticks: tells a reused pid from the process seen before. */
  starttime: number;
  rssPages: number;
}

/** /proc/<pid>/stat. The command name is in parentheses and may itself hold spaces or ")". */
export function parsePidStat(text: string): PidStat | null {
  const open = text.indexOf("(");
  const close = text.lastIndexOf(")");
  if (open < 0 || close < open) return null;
  const f = text
    .slice(close + 2)
    .trim()
    .split(" ");
  // f[0] is field 3 (state) of proc(5).
  const n = (field: number) => Number(f[field - 3]);
  return {
    pid: Number(text.slice(0, open)),
    comm: text.slice(open + 1, close),
    state: f[0] ?? "?",
    ppid: n(4),
    utime: n(14),
    stime: n(15),
    cutime: n(16),
    cstime: n(17),
    starttime: n(22),
    rssPages: n(24),
  };
}
