/**
 * Failed-login limits per user and per client IP, in fixed windows kept in PostgreSQL so every API
 * replica enforces the same count (an in-memory limiter would allow N replicas × the limit).
 */
import type pg from "pg";

export interface LoginLimits {
  /** Failed logins allowed per username within a window; the next attempt gets 429. */
  perUser: number;
  /** Failed logins allowed per client IP within a window. */
  perIp: number;
  windowSeconds: number;
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = { perUser: 5, perIp: 20, windowSeconds: 900 };

const userKey = (username: string) => `user:${username.trim().toLowerCase()}`;
const ipKey = (ip: string) => `ip:${ip}`;

/** Seconds until the caller may try again, or 0 when neither the user nor the IP is over its limit. */
export async function loginRetryAfter(
  pool: pg.Pool,
  username: string,
  ip: string,
  limits: LoginLimits,
): Promise<number> {
  const { rows } = await pool.query<{ key: string; failures: number; remaining: number }>(
    `SELECT key, failures,
            ceil(extract(epoch FROM window_start + make_interval(secs => $2) - now()))::int AS remaining
       FROM login_failures
      WHERE key = ANY($1) AND window_start > now() - make_interval(secs => $2)`,
    [[userKey(username), ipKey(ip)], limits.windowSeconds],
  );
  let retryAfter = 0;
  for (const r of rows) {
    const limit = r.key.startsWith("user:") ? limits.perUser : limits.perIp;
    if (r.failures >= limit) retryAfter = Math.max(retryAfter, r.remaining, 1);
  }
  return retryAfter;
}

/** Count one failed login against the user and the IP. */
export async function recordLoginFailure(
  pool: pg.Pool,
  username: string,
  ip: string,
  limits: LoginLimits,
): Promise<void> {
  await pool.query(
    `INSERT INTO login_failures AS f (key, window_start, failures)
     SELECT k, now(), 1 FROM unnest($1::text[]) AS k
     ON CONFLICT (key) DO UPDATE SET
       failures = CASE WHEN f.window_start <= now() - make_interval(secs => $2) THEN 1 ELSE f.failures + 1 END,
       window_start = CASE WHEN f.window_start <= now() - make_interval(secs => $2) THEN now() ELSE f.window_start END`,
    [[userKey(username), ipKey(ip)], limits.windowSeconds],
  );
}

/** A successful login clears the user's count (the IP's stays: it may be guessing other users). */
export async function clearUserFailures(pool: pg.Pool, username: string): Promise<void> {
  await pool.query("DELETE FROM login_failures WHERE key = $1", [userKey(username)]);
}
