import { describe, expect, it } from "vitest";
import {
  cpuPercent,
  isReportedDisk,
  parseDiskStats,
  parseLoadAvg,
  parseMemInfo,
  parseNetDev,
  parsePidStat,
  parseProcStat,
} from "./proc-files.js";

// Captured from a 2-core Debian 12 VM (kernel 6.x).
const STAT = `cpu  121456 0 17471 366573 459 0 1419 157 0 0
cpu0 60068 0 8484 184442 39 0 699 79 0 0
cpu1 61387 0 8987 182130 420 0 720 78 0 0
intr 1741843 0 0 0
ctxt 4018573
btime 1717400000
`;

const NET_DEV = `Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
    lo: 57319420  296038    0    0    0     0          0         0 57319420  296038    0    0    0     0       0          0
  eth0: 717053158   23203    0    0    0     0          0         0  1696956   14650    0    0    0     0       0          0
`;

const DISKSTATS = `   7       0 loop0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0
 254       0 vda 49014 9918 2456610 16626 15171 44510 3683456 23285 0 10612 43964 14595 67 1095424 3140 1845 911
 254       1 vda1 48000 9900 2400000 16000 15000 44000 3600000 23000 0 10000 43000 0 0 0 0 0 0
 253       0 zram0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0
`;

describe("/proc parsers", () => {
  it("reads /proc/stat: the aggregate line as total, each core by number", () => {
    const cpu = parseProcStat(STAT);
    expect([...cpu.keys()]).toEqual(["total", "0", "1"]);
    expect(cpu.get("1")).toEqual({
      user: 61387,
      nice: 0,
      system: 8987,
      idle: 182130,
      iowait: 420,
      irq: 0,
      softirq: 720,
      steal: 78,
    });
  });

  it("turns two /proc/stat readings into per-mode percentages that add up to 100", () => {
    const a = { user: 100, nice: 0, system: 50, idle: 800, iowait: 20, irq: 5, softirq: 5, steal: 20 };
    const b = { user: 160, nice: 10, system: 70, idle: 880, iowait: 30, irq: 10, softirq: 10, steal: 30 };
    // Δ: user 60 + nice 10 = 70, system 20 + irq 5 + softirq 5 = 30, idle 80, iowait 10, steal 10 → 200 ticks.
    const p = cpuPercent(a, b);
    expect(p).toEqual({ user: 35, system: 15, iowait: 5, steal: 5, idle: 40, busy: 55 });
    expect(p.user + p.system + p.iowait + p.steal + p.idle).toBeCloseTo(100, 10);
    expect(cpuPercent(a, a).busy).toBeNaN();
  });

  it("reads load average, memory (used = total − available) and swap", () => {
    expect(parseLoadAvg("0.07 0.48 0.92 1/81 1523\n")).toEqual({ load1: 0.07, load5: 0.48, load15: 0.92 });
    const mem = parseMemInfo(
      "MemTotal:       1000 kB\nMemFree:         100 kB\nMemAvailable:    600 kB\nBuffers: 10 kB\nCached: 20 kB\nSwapTotal: 50 kB\nSwapFree: 20 kB\nHugePages_Total: 0\n",
    );
    expect(mem).toEqual({
      totalBytes: 1_024_000,
      availableBytes: 614_400,
      usedBytes: 409_600,
      swapUsedBytes: 30_720,
    });
    // Kernels without MemAvailable: free + buffers + cached.
    expect(
      parseMemInfo("MemTotal: 1000 kB\nMemFree: 100 kB\nBuffers: 10 kB\nCached: 20 kB\n").availableBytes,
    ).toBe(130 * 1024);
  });

  it("reads bytes per interface from /proc/net/dev", () => {
    const net = parseNetDev(NET_DEV);
    expect([...net.keys()]).toEqual(["lo", "eth0"]);
    expect(net.get("eth0")).toEqual({ rxBytes: 717053158, txBytes: 1696956 });
  });

  it("reads /proc/diskstats in bytes (512-byte sectors) and I/O ms, and reports whole real disks only", () => {
    const disks = parseDiskStats(DISKSTATS);
    expect(disks.get("vda")).toEqual({ readBytes: 2456610 * 512, writeBytes: 3683456 * 512, ioMs: 10612 });
    const sysBlock = new Set(["loop0", "vda", "zram0"]);
    expect([...disks.keys()].filter((d) => isReportedDisk(d, sysBlock))).toEqual(["vda"]);
    // Without /sys/block, partitions are recognised by name.
    expect(
      ["sda", "sda1", "nvme0n1", "nvme0n1p2", "loop3", "dm-0"].filter((d) => isReportedDisk(d, null)),
    ).toEqual(["sda", "nvme0n1", "dm-0"]);
  });

  it("reads /proc/<pid>/stat even when the command name holds spaces and parentheses", () => {
    const text =
      "4242 (my (odd) proc) S 1 4242 4242 0 -1 4194560 1000 0 0 0 250 75 12 3 20 0 4 0 123456 104857600 2560 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n";
    expect(parsePidStat(text)).toEqual({
      pid: 4242,
      comm: "my (odd) proc",
      state: "S",
      ppid: 1,
      utime: 250,
      stime: 75,
      cutime: 12,
      cstime: 3,
      starttime: 123456,
      rssPages: 2560,
    });
    expect(parsePidStat("garbage")).toBeNull();
  });
});
