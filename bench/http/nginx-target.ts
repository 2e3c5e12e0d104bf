/**
 * The target of the throughput benchmarks: nginx answering `200 ok` from memory, one worker pinned
 * to core 1, started from its own config in a temp dir on a free loopback port, stopped by PID.
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cpuSecondsOf, descendantsOf } from "./proc-stat.js";

export interface NginxTarget {
  url: string;
  /** user + system CPU seconds of the master and its worker so far. */
  cpuSeconds(): number;
  version: string;
  stop(): Promise<void>;
}

/** A port the kernel just handed out on 127.0.0.1 (free when this returns, barring a race). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

function nginxBinary(): string {
  for (const p of ["/usr/sbin/nginx", "/usr/bin/nginx"]) {
    try {
      execFileSync(p, ["-v"], { stdio: "ignore" });
      return p;
    } catch {
      // next
    }
  }
  throw new Error("nginx is not installed: run bench/install-peers.sh");
}

/** Start nginx on core `core`; resolves once it answers. */
export async function startNginx(core = 1): Promise<NginxTarget> {
  const bin = nginxBinary();
  // nginx -v prints to stderr: "nginx version: nginx/1.22.1".
  const version = spawnSync(bin, ["-v"], { encoding: "utf8" })
    .stderr.trim()
    .replace(/^nginx version: /, "");
  const dir = mkdtempSync(join(tmpdir(), "strain-bench-nginx-"));
  const port = await freePort();
  const conf = join(dir, "nginx.conf");
  writeFileSync(
    conf,
    `daemon off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  keepalive_timeout 300s;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  server {
    listen 127.0.0.1:${port};
    location / { return 200 "ok"; }
  }
}
`,
  );
  const child: ChildProcess = spawn(
    "taskset",
    ["-c", String(core), bin, "-p", dir, "-c", conf, "-e", `${dir}/error.log`],
    {
      stdio: ["ignore", "ignore", "pipe"],
    },
  );
  let stderr = "";
  child.stderr?.setEncoding("utf8").on("data", (d: string) => {
    stderr += d;
  });
  const url = `http://127.0.0.1:${port}/`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`nginx exited at start: ${stderr}`);
    try {
      const res = await fetch(url);
      if ((await res.text()) === "ok") break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`nginx did not answer on ${url}: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const master = child.pid!;
  // A harness stopped by a signal must not leave nginx behind (entry points turn signals into exit).
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  return {
    url,
    version,
    cpuSeconds() {
      let s = cpuSecondsOf(master);
      for (const p of descendantsOf(master)) s += cpuSecondsOf(p);
      return s;
    },
    async stop() {
      process.off("exit", killOnExit);
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once("exit", r));
        child.kill("SIGTERM");
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
