/**
 * The hosts a plan may send traffic to. Entries are "name" (any port) or "name:port"; IPv6
 * addresses are written in brackets ("[::1]:8080"; a bare "::1" means any port). Names compare
 * case-insensitively; a trailing dot is ignored.
 *
 * Checked once per origin by the HTTP client (the result is cached with the origin's pool), and
 * again for every redirect hop, always before a connection is made.
 */
export interface HostAllowlist {
  /**
   * True when `hostname` (as `URL.hostname` gives it: lower case, IPv6 in brackets) on `port` (the
   * effective port: explicit, or 80 / 443 by scheme) is allowed.
   */
  allows(hostname: string, port: number): boolean;
  /** The entries as given (normalised), for messages. */
  readonly entries: readonly string[];
}

/** Build an allowlist from plan entries such as `["api.example.com", "127.0.0.1:8080"]`. */
export function createHostAllowlist(hosts: readonly string[]): HostAllowlist {
  const anyPort = new Set<string>();
  const exact = new Set<string>();
  const entries: string[] = [];
  for (const raw of hosts) {
    const entry = parseHostEntry(raw);
    if (entry === null) continue;
    if (entry.port === null) {
      anyPort.add(entry.name);
      entries.push(entry.name);
    } else {
      const key = `${entry.name}:${entry.port}`;
      exact.add(key);
      entries.push(key);
    }
  }
  return {
    entries,
    allows(hostname: string, port: number): boolean {
      const name = normaliseName(hostname);
      return anyPort.has(name) || exact.has(`${name}:${port}`);
    },
  };
}

/** Split one allowlist entry into a normalised name and an optional port; null when empty or malformed. */
export function parseHostEntry(raw: string): { name: string; port: number | null } | null {
  const s = raw.trim().toLowerCase();
  if (s === "") return null;
  if (s.startsWith("[")) {
    const close = s.indexOf("]");
    if (close < 0) return null;
    const name = s.slice(0, close + 1);
    const rest = s.slice(close + 1);
    if (rest === "") return { name, port: null };
    if (!rest.startsWith(":")) return null;
    const port = parsePort(rest.slice(1));
    return port === null ? null : { name, port };
  }
  const first = s.indexOf(":");
  if (first < 0) return { name: normaliseName(s), port: null };
  // More than one colon and no brackets: a bare IPv6 address, any port.
  if (s.indexOf(":", first + 1) >= 0) return { name: `[${s}]`, port: null };
  const port = parsePort(s.slice(first + 1));
  return port === null ? null : { name: normaliseName(s.slice(0, first)), port };
}

function parsePort(s: string): number | null {
  if (!/^\d{1,5}$/.test(s)) return null;
  const n = Number(s);
  return n > 0 && n < 65536 ? n : null;
}

function normaliseName(name: string): string {
  const lower = name.toLowerCase();
  return lower.endsWith(".") ? lower.slice(0, -1) : lower;
}
