/**
 * What the benchmark reads from /proc: CPU time of a process (the target's, to tell who was the
 * limit) and the resident memory of a process tree (a tool's coordinator plus its workers).
 */
import { readdirSync, readFileSync } from "node:fs";

/** Clock ticks per second of /proc/<pid>/stat times (`getconf CLK_TCK`: 100 on Linux x86-64 and arm64). */
const TICKS_PER_SECOND = 100;
const PAGE_BYTES = 4096;

/** Fields of /proc/<pid>/stat after the command name, which may itself hold spaces and parentheses. */
function statFields(pid: number): string[] | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return null;
  }
  return text.slice(text.lastIndexOf(")") + 2).split(" ");
}

/** user + system CPU seconds of one process (0 when it is gone). */
export function cpuSecondsOf(pid: number): number {
  const f = statFields(pid);
  // After "pid (comm) ": state is field 0, utime field 11, stime field 12 (stat(5) fields 14 and 15).
  if (f === null) return 0;
  return (Number(f[11]) + Number(f[12])) / TICKS_PER_SECOND;
}

/** Children of every live process, read once. /proc/<pid>/task/<tid>/children is not built into every kernel. */
export function processTree(): Map<number, number[]> {
  const byParent = new Map<number, number[]>();
  for (const name of readdirSync("/proc")) {
    const c = name.charCodeAt(0);
    if (c < 48 || c > 57) continue;
    const f = statFields(Number(name));
    if (f === null) continue;
    const ppid = Number(f[1]);
    const list = byParent.get(ppid);
    if (list === undefined) byParent.set(ppid, [Number(name)]);
    else list.push(Number(name));
  }
  return byParent;
}

/** Every live descendant of `root` (not `root` itself). */
export function descendantsOf(root: number, tree: Map<number, number[]> = processTree()): number[] {
  const out: number[] = [];
  const todo = [root];
  while (todo.length > 0) {
    for (const child of tree.get(todo.pop()!) ?? []) {
      out.push(child);
      todo.push(child);
    }
  }
  return out;
}

/** Resident bytes of one process (0 when it is gone). */
export function rssBytesOf(pid: number): number {
  try {
    const resident = readFileSync(`/proc/${pid}/statm`, "utf8").split(" ")[1];
    return Number(resident) * PAGE_BYTES;
  } catch {
    return 0;
  }
}
