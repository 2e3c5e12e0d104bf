/**
 * Run one tool pinned to a core and measure what it cost: user + system CPU of the whole process
 * tree (GNU time), its largest process's peak RSS (GNU time), and the peak of the tree's summed RSS
 * (sampled from /proc).
 *
 *   taskset -c <core> /usr/bin/time -o <file> -f "%U %S %M %e" perl -e <subreaper> -- <tool argv>
 *
 * Why the subreaper: GNU time counts the CPU of children that were waited for. A tool whose main
 * process exits before its workers (Strain's coordinator calls process.exit while its worker is still
 * exiting) leaves orphans that init reaps, and their CPU is lost: measured here, a 5 s Strain run
 * showed 0.85 s under plain GNU time and 3.06 s with the subreaper. The perl process makes itself
 * the subreaper (prctl PR_SET_CHILD_SUBREAPER), so orphans are re-parented to it; it waits for every
 * descendant before exiting, and their usage reaches GNU time through it.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { descendantsOf, processTree, rssBytesOf } from "./proc-stat.js";

/** prctl's syscall number per architecture (Linux). */
const SYS_PRCTL: Record<string, number> = { x64: 157, arm64: 167 };
const PR_SET_CHILD_SUBREAPER = 36;

/** Forks the command, reaps every descendant (orphans included), exits with the command's status. */
const SUBREAPER = `
syscall(${SYS_PRCTL[process.arch] ?? 157}, ${PR_SET_CHILD_SUBREAPER}, 1, 0, 0, 0) == 0 or die "prctl: $!";
my $pid = fork() // die "fork: $!";
if ($pid == 0) { exec { $ARGV[0] } @ARGV or die "exec $ARGV[0]: $!"; }
my $code = 0;
while ((my $p = waitpid(-1, 0)) > 0) { if ($p == $pid) { $code = ($? & 127) ? 128 + ($? & 127) : $? >> 8; } }
exit $code;
`;

/** How often the tree's RSS is sampled. A scan of /proc costs ~1–2 ms here. */
const RSS_SAMPLE_MS = 250;

export interface PinnedResult {
  userSeconds: number;
  systemSeconds: number;
  /** user + system of the whole tree. */
  cpuSeconds: number;
  /** Peak RSS of the largest single process (GNU time's %M), bytes. */
  maxProcessRssBytes: number;
  /** Peak of the summed RSS of every process of the tool, sampled every 250 ms, bytes. */
  treeRssBytes: number;
  wallSeconds: number;
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface PinnedOptions {
  core: number;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Killed (whole process group) past this. */
  timeoutMs: number;
}

/** Run `argv` pinned to `core` and measure it; resolves when it and every process it started are gone. */
export async function runPinned(argv: readonly string[], options: PinnedOptions): Promise<PinnedResult> {
  const dir = mkdtempSync(join(tmpdir(), "strain-bench-time-"));
  const timeFile = join(dir, "time.txt");
  const child = spawn(
    "taskset",
    [
      "-c",
      String(options.core),
      "/usr/bin/time",
      "-o",
      timeFile,
      "-f",
      "%U %S %M %e",
      "perl",
      "-e",
      SUBREAPER,
      "--",
      ...argv,
    ],
    {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    },
  );
  const pid = child.pid!;
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => {
    stdout += d;
  });
  child.stderr.setEncoding("utf8").on("data", (d: string) => {
    stderr += d;
  });
  let treeRss = 0;
  const sampler = setInterval(() => {
    // The tool's processes are the descendants of the subreaper (time's only child), not counting it.
    const tree = processTree();
    let sum = 0;
    for (const reaper of tree.get(pid) ?? [])
      for (const p of descendantsOf(reaper, tree)) sum += rssBytesOf(p);
    if (sum > treeRss) treeRss = sum;
  }, RSS_SAMPLE_MS);
  const killer = setTimeout(() => {
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      // already gone
    }
  }, options.timeoutMs);
  const status = await new Promise<number>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => resolve(code ?? (signal !== null ? 128 : 1)));
  });
  clearInterval(sampler);
  clearTimeout(killer);
  let line = "";
  try {
    const lines = readFileSync(timeFile, "utf8").trim().split("\n");
    line = lines[lines.length - 1] ?? "";
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const [user, sys, maxKb, wall] = line.split(" ").map(Number);
  if (
    user === undefined ||
    sys === undefined ||
    maxKb === undefined ||
    wall === undefined ||
    Number.isNaN(wall)
  ) {
    throw new Error(
      `GNU time gave no figures for ${argv.join(" ")} (exit ${status}): ${line}\n${stderr.slice(-2000)}`,
    );
  }
  return {
    userSeconds: user,
    systemSeconds: sys,
    cpuSeconds: user + sys,
    maxProcessRssBytes: maxKb * 1024,
    treeRssBytes: Math.max(treeRss, maxKb * 1024),
    wallSeconds: wall,
    exitCode: status,
    stdout,
    stderr,
  };
}
