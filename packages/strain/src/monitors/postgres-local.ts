import { readPidStat, readProcText } from "./process-table.js";

/**
 * Finding a PostgreSQL server's postmaster among this machine's processes, so its CPU can be read
 * from /proc (seed 000: "the number of API pods that brings PostgreSQL to 75% utilisation").
 * Only for servers reached over loopback or a Unix socket; a remote server's pids mean nothing
 * here, and a container's pids live in another namespace — both are detected and left out.
 */

/** True when the connection URL points at this machine (loopback address or Unix socket). */
export function isLocalServer(url: string): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  const socketHost = u.searchParams.get("host");
  if (socketHost?.startsWith("/")) return true;
  const host = decodeURIComponent(u.hostname).replace(/^\[|\]$/g, "");
  if (host === "") return true; // no host: libpq's default Unix socket
  if (host.startsWith("/")) return true;
  return host === "localhost" || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host);
}

const POSTGRES_COMM = /^(postgres|postmaster)$/;

export interface PostmasterEvidence {
  /** The monitor's own backend (`pg_backend_pid()`). */
  backendPid: number;
  /** `current_setting('data_directory')`, when the role may read it. */
  dataDirectory: string | null;
  /** The monitor connection's local TCP port, when over TCP: a local backend's title names it. */
  clientPort: number | null;
}

/**
 * The postmaster's pid, or a sentence saying why it was not found. Two ways, both checked against
 * /proc: `postmaster.pid` in the data directory (first line), or the parent of our own backend.
 * The backend found must be a postgres process and, over TCP, its title must name our client
 * port — so a same-numbered pid of some other process on this machine is never taken for it.
 */
export function findPostmaster(ev: PostmasterEvidence): { pid: number } | { reason: string } {
  const backend = readPidStat(ev.backendPid);
  if (backend === null || !POSTGRES_COMM.test(backend.comm)) {
    return { reason: `no local postgres process has the server's backend pid ${ev.backendPid}` };
  }
  if (ev.clientPort !== null) {
    const title = (readProcText(`/proc/${ev.backendPid}/cmdline`) ?? "").replaceAll("\0", " ");
    // Titles look like "postgres: user db 127.0.0.1(54321) idle"; without update_process_title there is no port to check.
    if (/\(\d+\)/.test(title) && !title.includes(`(${ev.clientPort})`)) {
      return { reason: `local pid ${ev.backendPid} is another server's backend` };
    }
  }
  if (ev.dataDirectory !== null) {
    const first = readProcText(`${ev.dataDirectory}/postmaster.pid`)?.split("\n")[0];
    const pid = Number(first);
    if (Number.isInteger(pid) && pid > 0 && pid === backend.ppid) return { pid };
  }
  const parent = readPidStat(backend.ppid);
  if (parent === null || !POSTGRES_COMM.test(parent.comm)) {
    return { reason: `the parent of backend ${ev.backendPid} is not a postgres process` };
  }
  return { pid: parent.pid };
}
