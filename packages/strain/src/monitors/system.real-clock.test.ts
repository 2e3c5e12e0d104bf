import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { closeSync, fsyncSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { connect, createServer } from "node:net";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GaugeEntry, SnapshotEntry, TrendEntry } from "../metrics/types.js";
import { SystemMonitor } from "./system.js";

// The system monitor against known load: a CPU burner child pinned to core 1, a known amount of
// loopback traffic, a known fsync'd file write. Real clock: this file runs in the "timed" group.

const MARKER = `strain-burner-${randomBytes(4).toString("hex")}`;
const BURNER = `// ${MARKER}
process.on("message", (m) => { if (m === "usage") process.send(process.cpuUsage()); });
const spin = () => { const end = Date.now() + 50; while (Date.now() < end); setImmediate(spin); };
spin();`;

function hasTaskset(): boolean {
  try {
    execFileSync("taskset", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

const pinned = hasTaskset() && availableParallelism() >= 2;
let burner: ChildProcess;

function cpuUsage(): Promise<number> {
  return new Promise((resolve) => {
    burner.once("message", (u) =>
      resolve(((u as NodeJS.CpuUsage).user + (u as NodeJS.CpuUsage).system) / 1000),
    );
    burner.send("usage");
  });
}

function level(entries: SnapshotEntry[], metric: string, tags: Record<string, string>): number {
  const e = entries.find(
    (x) => x.metric === metric && Object.entries(tags).every(([k, v]) => x.tags[k] === v),
  );
  if (e === undefined) throw new Error(`no ${metric} ${JSON.stringify(tags)}`);
  return (e as TrendEntry).max;
}

const sum = (entries: SnapshotEntry[], metric: string, tags: Record<string, string>) =>
  entries
    .filter((x) => x.metric === metric && Object.entries(tags).every(([k, v]) => x.tags[k] === v))
    .reduce((n, x) => n + (x.type === "counter" ? x.value : 0), 0);

/** A directory on a real block device (not tmpfs), so the written bytes reach /proc/diskstats. */
function diskBackedDir(): string {
  const mounts = readFileSync("/proc/mounts", "utf8")
    .split("\n")
    .map((l) => l.split(" "))
    .filter((f) => f.length > 2);
  const typeOf = (dir: string) =>
    mounts
      .filter(([, mnt]) => dir === mnt || dir.startsWith(mnt === "/" ? "/" : `${mnt}/`))
      .sort((a, b) => b[1]!.length - a[1]!.length)[0]?.[2];
  const base = typeOf(tmpdir()) === "tmpfs" ? join(import.meta.dirname, "..", "..") : tmpdir();
  return mkdtempSync(join(base, ".strain-disk-"));
}

describe("system monitor against known load", () => {
  beforeAll(async () => {
    burner = pinned
      ? spawn("taskset", ["-c", "1", process.execPath, "-e", BURNER], {
          stdio: ["ignore", "ignore", "inherit", "ipc"],
        })
      : spawn(process.execPath, ["-e", BURNER], { stdio: ["ignore", "ignore", "inherit", "ipc"] });
    await cpuUsage(); // up and answering
    await new Promise((r) => setTimeout(r, 300));
  });
  afterAll(() => {
    burner.kill();
  });

  it("sees the burner: core 1 ≥ 90% busy, its CPU by pid and by name pattern, traffic and disk writes", async () => {
    const runDir = mkdtempSync(join(tmpdir(), "strain-sysmon-"));
    const diskDir = diskBackedDir();
    const monitor = new SystemMonitor({
      required: false,
      perCore: true,
      interfaces: null,
      disks: null,
      processes: [
        { name: "by-pid", pid: burner.pid! },
        { name: "by-name", pattern: MARKER },
      ],
      csv: true,
    });
    const warnings: string[] = [];
    try {
      expect(
        await monitor.start({ intervalMs: 1000, env: {}, runDir, warn: (m) => warnings.push(m) }),
      ).toBeUndefined();
      const cpu0 = await cpuUsage();
      const t0 = performance.now();

      // 8 MiB over loopback, and 32 MiB written and fsync'd, during the interval.
      const NET_BYTES = 8 * 1024 * 1024;
      await new Promise<void>((resolve, reject) => {
        const server = createServer((s) => {
          let got = 0;
          s.on("data", (d) => {
            got += d.length;
            if (got >= NET_BYTES) {
              s.end();
              server.close();
              resolve();
            }
          });
        }).listen(0, "127.0.0.1", () => {
          const c = connect((server.address() as { port: number }).port, "127.0.0.1", () => {
            c.end(Buffer.alloc(NET_BYTES, 1));
          });
          c.on("error", reject);
        });
      });
      const DISK_BYTES = 32 * 1024 * 1024;
      const fd = openSync(join(diskDir, "blob"), "w");
      const chunk = Buffer.alloc(1024 * 1024, 7);
      for (let i = 0; i < DISK_BYTES / chunk.length; i++) writeSync(fd, chunk);
      fsyncSync(fd);
      closeSync(fd);

      await new Promise((r) => setTimeout(r, 2000 - (performance.now() - t0)));
      const entries = monitor.sample(0, Date.now() - 2000, Date.now());
      const wallMs = performance.now() - t0;
      const burnerPct = (((await cpuUsage()) - cpu0) / wallMs) * 100;

      if (pinned)
        expect(level(entries, "system_cpu_percent", { cpu: "1", mode: "busy" })).toBeGreaterThanOrEqual(90);
      const modes = ["user", "system", "iowait", "steal", "idle"].map((mode) =>
        level(entries, "system_cpu_percent", { cpu: "total", mode }),
      );
      expect(modes.reduce((a, b) => a + b, 0)).toBeCloseTo(100, 6);

      // The burner's own account of its CPU is the ground truth for the per-process figures.
      expect(burnerPct).toBeGreaterThan(40);
      const byPid = level(entries, "system_process_cpu_percent", { process: "by-pid" });
      const byName = level(entries, "system_process_cpu_percent", { process: "by-name" });
      expect(Math.abs(byPid - burnerPct)).toBeLessThan(5);
      expect(Math.abs(byName - burnerPct)).toBeLessThan(5);
      expect(level(entries, "system_process_count", { process: "by-name" })).toBe(1);
      const rss = entries.find(
        (e) => e.metric === "system_process_rss_bytes" && e.tags.process === "by-pid",
      ) as GaugeEntry;
      expect(rss.value).toBeGreaterThan(10 * 1024 * 1024);

      expect(sum(entries, "system_net_bytes", { interface: "lo", direction: "rx" })).toBeGreaterThanOrEqual(
        NET_BYTES,
      );
      expect(sum(entries, "system_disk_bytes", { direction: "write" })).toBeGreaterThanOrEqual(DISK_BYTES);
      expect(level(entries, "system_load1", {})).toBeGreaterThan(0);
      expect(level(entries, "system_memory_used_percent", {})).toBeGreaterThan(0);

      await monitor.stop();
      const csv = readFileSync(join(runDir, "monitors", "system.csv"), "utf8")
        .trim()
        .split("\n");
      expect(csv).toHaveLength(3);
      expect(csv[1]).toMatch(/"by-pid","by-name"$/);
      expect(warnings).toEqual([]);
    } finally {
      await monitor.stop();
      rmSync(runDir, { recursive: true, force: true });
      rmSync(diskDir, { recursive: true, force: true });
    }
  });

  it("an idle watched process reads near 0%, and a vanished pid reads 0 processes", async () => {
    const sleeper = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60000)"], { stdio: "ignore" });
    const monitor = new SystemMonitor({
      required: false,
      perCore: false,
      interfaces: [],
      disks: [],
      processes: [{ name: "sleeper", pid: sleeper.pid! }],
      csv: false,
    });
    try {
      await new Promise((r) => setTimeout(r, 300));
      await monitor.start({ intervalMs: 1000, env: {}, warn: () => {} });
      await new Promise((r) => setTimeout(r, 1000));
      const idle = monitor.sample(0, 0, 1000);
      expect(level(idle, "system_process_cpu_percent", { process: "sleeper" })).toBeLessThan(5);
      expect(idle.some((e) => e.tags.cpu !== undefined && e.tags.cpu !== "total")).toBe(false);
      sleeper.kill();
      await new Promise((r) => sleeper.once("exit", r));
      await new Promise((r) => setTimeout(r, 200));
      const gone = monitor.sample(1, 1000, 2000);
      expect(level(gone, "system_process_count", { process: "sleeper" })).toBe(0);
    } finally {
      sleeper.kill();
      await monitor.stop();
    }
  });
});
