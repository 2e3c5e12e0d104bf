/** Registry users (staff read and write; viewers read only), seeded with scrypt-hashed passwords. */
import type pg from "pg";
import { hashPassword, type ScryptCost } from "./passwords.js";
import type { Role } from "./tokens.js";

export interface UserSeed {
  username: string;
  password: string;
  role: Role;
}

/** The users seeded on start unless configured otherwise (change the passwords outside a lab). */
export const DEFAULT_USERS: readonly UserSeed[] = [
  { username: "staff", password: "staff-password", role: "staff" },
  { username: "viewer", password: "viewer-password", role: "viewer" },
];

/** Create the users that do not exist yet; existing users keep their password and role. */
export async function ensureUsers(
  pool: pg.Pool,
  users: readonly UserSeed[],
  cost?: ScryptCost,
): Promise<void> {
  for (const u of users) {
    const exists = await pool.query("SELECT 1 FROM users WHERE username = $1", [u.username]);
    if (exists.rowCount !== 0) continue;
    const hash = await hashPassword(u.password, cost);
    await pool.query(
      "INSERT INTO users (username, password_hash, role) VALUES ($1, $2, $3) ON CONFLICT (username) DO NOTHING",
      [u.username, hash, u.role],
    );
  }
}

/** The stored hash and role of `username`, if such a user exists. */
export async function findUser(
  pool: pg.Pool,
  username: string,
): Promise<{ username: string; passwordHash: string; role: Role } | undefined> {
  const { rows } = await pool.query<{ username: string; password_hash: string; role: Role }>(
    "SELECT username, password_hash, role FROM users WHERE username = $1",
    [username],
  );
  const row = rows[0];
  return row === undefined
    ? undefined
    : { username: row.username, passwordHash: row.password_hash, role: row.role };
}
