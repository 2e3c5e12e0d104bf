import { describe, expect, it } from "vitest";
import { DUMMY_HASH, hashPassword, verifyPassword } from "./passwords.js";

const CHEAP = { N: 1024, r: 8, p: 1 };

describe("scrypt passwords", () => {
  it("verifies the right password only", async () => {
    const hash = await hashPassword("correct horse", CHEAP);
    expect(hash).toMatch(/^scrypt\$1024\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(await verifyPassword("correct horse", hash)).toBe(true);
    expect(await verifyPassword("correct hors", hash)).toBe(false);
  });

  it("salts every hash", async () => {
    expect(await hashPassword("same", CHEAP)).not.toBe(await hashPassword("same", CHEAP));
  });

  it("uses the default cost and rejects malformed hashes", async () => {
    const hash = await hashPassword("pw");
    expect(hash.startsWith("scrypt$16384$8$1$")).toBe(true);
    expect(await verifyPassword("pw", hash)).toBe(true);
    expect(await verifyPassword("pw", DUMMY_HASH)).toBe(false);
    expect(await verifyPassword("pw", "plain")).toBe(false);
    expect(await verifyPassword("pw", "scrypt$x$8$1$AAAA$BBBB")).toBe(false);
  });
});
