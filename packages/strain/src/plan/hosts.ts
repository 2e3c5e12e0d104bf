import { createHostAllowlist } from "../protocols/host-allowlist.js";

/**
 * The plan's host allow-list. An entry is a host name or IP ("api.example.com", "[::1]") allowing
 * any port, or "name:port" allowing that port only. Entries are lower-cased.
 */

/** A checked, lower-cased hosts entry, or why the entry is not one. */
export type HostEntryResult = { ok: true; host: string } | { ok: false; error: string; hint: string };

const HOST_ENTRY = /^(\[[0-9a-f:.]+\]|[a-z0-9_](?:[a-z0-9_.-]*[a-z0-9_])?)(?::(\d{1,5}))?$/;

/** Check and normalise one `hosts` entry. */
export function parseHostEntry(entry: string): HostEntryResult {
  const lower = entry.toLowerCase();
  if (lower.includes("://")) {
    let host = "";
    try {
      host = new URL(lower).host;
    } catch {
      // fall through to the generic hint
    }
    return {
      ok: false,
      error: `"${entry}" is a URL, not a host`,
      hint: host === "" ? 'write only the host, e.g. "api.example.com"' : `write only the host: "${host}"`,
    };
  }
  if (lower.includes("*")) {
    return {
      ok: false,
      error: `"${entry}" has a wildcard`,
      hint: "wildcards are not supported: list each host",
    };
  }
  const m = HOST_ENTRY.exec(lower);
  const port = m?.[2];
  if (m === null || (port !== undefined && (Number(port) < 1 || Number(port) > 65535))) {
    return {
      ok: false,
      error: `"${entry}" is not a host`,
      hint: 'write a host name or IP, optionally with a port: "api.example.com", "127.0.0.1:8080"',
    };
  }
  return { ok: true, host: lower };
}

/** The `hosts` entry that allows exactly the origin of `url` (its host, with the port when one is written). */
export function hostEntryOf(url: URL): string {
  return url.host.toLowerCase();
}

/**
 * A predicate telling whether a request URL is allowed by `hosts` (already normalised). It is the
 * HTTP client's own allowlist, so what validation accepts is exactly what a run lets through.
 */
export function createHostMatcher(hosts: readonly string[]): (url: URL) => boolean {
  const allowlist = createHostAllowlist(hosts);
  return (url) =>
    allowlist.allows(url.hostname, url.port === "" ? defaultPort(url.protocol) : Number(url.port));
}

function defaultPort(protocol: string): number {
  return protocol === "https:" || protocol === "wss:" ? 443 : 80;
}
