/**
 * A real registry for tests: a throwaway embedded PostgreSQL, migrations, the seeded users, and the
 * API listening on 127.0.0.1 port 0, driven over real HTTP.
 */
import type { FastifyInstance } from "fastify";
import type { JWK } from "jose";
import type pg from "pg";
import { type ApiLimits, buildRegistryApp } from "../../src/api/app.js";
import type { LoginLimits } from "../../src/auth/login-limiter.js";
import {
  createTokenService,
  DEFAULT_TOKEN_SETTINGS,
  generateSigningJwk,
  type TokenService,
} from "../../src/auth/tokens.js";
import { DEFAULT_USERS, ensureUsers } from "../../src/auth/users.js";
import { type EmbeddedPostgres, startEmbeddedPostgres } from "../../src/db/embedded.js";
import { migrate } from "../../src/db/migrate.js";
import { createPool } from "../../src/db/pool.js";

/** Durability off: these servers live for one test file. */
export const TEST_PG_SETTINGS = { fsync: "off", synchronous_commit: "off", full_page_writes: "off" } as const;

/** Cheaper scrypt for seeded test users (the hash records its cost; verification reads it). */
const TEST_SCRYPT = { N: 1024, r: 8, p: 1 };

export interface TestDatabase {
  db: EmbeddedPostgres;
  pool: pg.Pool;
  close(): Promise<void>;
}

/** A migrated database with the default users. */
export async function startTestDatabase(poolSize = 10): Promise<TestDatabase> {
  const db = await startEmbeddedPostgres({ database: "registry", settings: TEST_PG_SETTINGS });
  try {
    await migrate(db.url);
    const pool = createPool(db.url, {
      max: poolSize,
      statementTimeoutMs: 30_000,
      applicationName: "registry-test",
    });
    await ensureUsers(pool, DEFAULT_USERS, TEST_SCRYPT);
    return {
      db,
      pool,
      async close() {
        await pool.end();
        await db.stop();
      },
    };
  } catch (err) {
    await db.stop();
    throw err;
  }
}

export interface TestRegistry extends TestDatabase {
  app: FastifyInstance;
  url: string;
  jwk: JWK;
  tokens: TokenService;
  /** Log in and return the bearer token. */
  login(username?: string, password?: string): Promise<string>;
  /** A JSON request; `body` is parsed JSON (or the text when it is not JSON). */
  call(
    method: string,
    path: string,
    options?: { token?: string; json?: unknown; headers?: Record<string, string> },
    // biome-ignore lint/suspicious/noExplicitAny: tests read many JSON shapes; assertions check them
  ): Promise<{ status: number; headers: Headers; body: any }>;
}

export async function startTestRegistry(
  options: { loginLimits?: LoginLimits; limits?: Partial<ApiLimits>; statementTimeoutMs?: number } = {},
): Promise<TestRegistry> {
  const base = await startTestDatabase();
  const jwk = await generateSigningJwk();
  const tokens = await createTokenService(jwk, DEFAULT_TOKEN_SETTINGS);
  const app = await buildRegistryApp({
    pool: base.pool,
    tokens,
    ...(options.loginLimits !== undefined ? { loginLimits: options.loginLimits } : {}),
    ...(options.limits !== undefined ? { limits: options.limits } : {}),
  });
  await app.listen({ host: "127.0.0.1", port: 0 });
  const address = app.server.address();
  const url = `http://127.0.0.1:${typeof address === "object" && address !== null ? address.port : 0}`;

  const call: TestRegistry["call"] = async (method, path, o = {}) => {
    const headers: Record<string, string> = { ...o.headers };
    if (o.token !== undefined) headers.authorization = `Bearer ${o.token}`;
    if (o.json !== undefined) headers["content-type"] = "application/json";
    const res = await fetch(`${url}${path}`, {
      method,
      headers,
      ...(o.json !== undefined ? { body: JSON.stringify(o.json) } : {}),
    });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON (e.g. /metrics)
    }
    return { status: res.status, headers: res.headers, body };
  };
  const login: TestRegistry["login"] = async (username = "staff", password = `${username}-password`) => {
    const r = await call("POST", "/auth/login", { json: { username, password } });
    if (r.status !== 200) throw new Error(`login ${username}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body.access_token as string;
  };
  return {
    ...base,
    app,
    url,
    jwk,
    tokens,
    login,
    call,
    async close() {
      await app.close();
      await base.close();
    },
  };
}

/** A valid create-farmer body; `over` replaces farmer fields. */
export function farmerBody(
  over: Record<string, unknown> = {},
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    farmer: {
      national_id: `T${Math.floor(Math.random() * 1e12)}`,
      first_name: "Test",
      last_name: "Farmer",
      gender: "FEMALE",
      birth_date: "1980-05-17",
      location: { region: "Testland", village: "Test village", country_code: "KE" },
      ...over,
    },
    household: { size: 4, children_count: 2 },
    ...extra,
  };
}
