#!/usr/bin/env bash
# Installs the peer tools the HTTP benchmarks compare Strain with, only those that are missing:
# Debian's nginx (the target), wrk, nghttp2-client (h2load), GNU time (CPU + peak RSS per tool).
# autocannon is an npm devDependency of this workspace (bench/package.json), not installed here.
set -euo pipefail

missing=()
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx)
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
command -v h2load >/dev/null 2>&1 || missing+=(nghttp2-client)
[ -x /usr/bin/time ] || missing+=(time)
command -v taskset >/dev/null 2>&1 || missing+=(util-linux)

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-peers: nginx, wrk, h2load, GNU time and taskset are present"
  exit 0
fi

echo "install-peers: installing ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  echo "install-peers: not root; install these Debian packages first: ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends "${missing[@]}"
# Debian starts nginx as a service on install where an init system runs; the benchmark starts its own.
if command -v service >/dev/null 2>&1 && [ -f /run/nginx.pid ]; then service nginx stop || true; fi
