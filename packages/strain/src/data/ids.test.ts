import fc from "fast-check";
import {
  verhoeffDigit as registryVerhoeffDigit,
  verhoeffValid as registryVerhoeffValid,
} from "strain-registry";
import { describe, expect, it } from "vitest";
import { digits, permute10, uuidOf, verhoeffDigit, verhoeffDigitOf, verhoeffValid } from "./ids.js";
import { mix32 } from "./rng.js";

/** uuidOf as first written (hex pieces and slices): the fast version must give the same strings. */
function referenceUuidOf(key: number, salt: number): string {
  const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));
  const hex32 = (x: number) =>
    HEX[x >>> 24]! + HEX[(x >>> 16) & 255]! + HEX[(x >>> 8) & 255]! + HEX[x & 255]!;
  const lo = key >>> 0;
  const hi = Math.floor(key / 4294967296) >>> 0;
  const w0 = mix32((lo ^ salt) >>> 0);
  const w1 = mix32((hi ^ mix32(w0 ^ salt)) >>> 0);
  const w2 = mix32((w1 + salt) >>> 0);
  const w3 = mix32((w2 ^ lo ^ 0x5bd1e995) >>> 0);
  const b = hex32(w1);
  const c = hex32(w2);
  const variant = HEX[0x80 | (w2 & 0x3f)]!.charAt(0);
  return `${hex32(w0)}-${b.slice(0, 4)}-4${c.slice(0, 3)}-${variant}${c.slice(3, 6)}-${b.slice(4)}${hex32(w3)}`;
}

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const key53 = fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER });
const salt32 = fc.integer({ min: 0, max: 0xffffffff });

describe("uuidOf", () => {
  it("is version-4 shaped and equal to the reference implementation for any key < 2^53", () => {
    fc.assert(
      fc.property(key53, salt32, (key, salt) => {
        const u = uuidOf(key, salt);
        expect(u).toMatch(UUID_V4);
        expect(u).toBe(referenceUuidOf(key, salt));
      }),
      { numRuns: 5000 },
    );
  });

  it("gives distinct keys distinct uuids (200k consecutive keys, and pairs anywhere below 2^53)", () => {
    const seen = new Set<string>();
    for (let k = 0; k < 200_000; k++) seen.add(uuidOf(k, 0x1234));
    expect(seen.size).toBe(200_000);
    const high = new Set<string>();
    for (let k = 0; k < 10_000; k++) high.add(uuidOf(Number.MAX_SAFE_INTEGER - k * 4294967296, 7));
    expect(high.size).toBe(10_000);
    fc.assert(
      fc.property(key53, key53, salt32, (a, b, salt) => {
        fc.pre(a !== b);
        expect(uuidOf(a, salt)).not.toBe(uuidOf(b, salt));
      }),
      { numRuns: 5000 },
    );
  });

  it("depends on the salt: one key in two tables gives two uuids", () => {
    expect(uuidOf(42, 1)).not.toBe(uuidOf(42, 2));
    expect(uuidOf(42, 1)).toBe(uuidOf(42, 1));
  });
});

describe("permute10", () => {
  it("stays in [0, 10^10) and is injective on samples (200k consecutive, random pairs)", () => {
    const seen = new Set<number>();
    let outside = 0;
    for (let n = 0; n < 200_000; n++) {
      const v = permute10(n, 0xdeadbeef);
      if (!(v >= 0 && v < 1e10 && Number.isInteger(v))) outside++;
      seen.add(v);
    }
    expect(outside).toBe(0);
    expect(seen.size).toBe(200_000);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1e10 - 1 }),
        fc.integer({ min: 0, max: 1e10 - 1 }),
        salt32,
        (a, b, key) => {
          fc.pre(a !== b);
          expect(permute10(a, key)).not.toBe(permute10(b, key));
        },
      ),
      { numRuns: 5000 },
    );
  });

  it("is a bijection on a whole block of 10^5 (one Feistel half)", () => {
    // Inputs h·10^5 + r for fixed h and every r hit 10^5 distinct outputs.
    const seen = new Set<number>();
    for (let r = 0; r < 100_000; r++) seen.add(permute10(123 * 100_000 + r, 99));
    expect(seen.size).toBe(100_000);
  });

  it("scatters neighbours: consecutive inputs are not consecutive outputs", () => {
    let adjacent = 0;
    for (let n = 0; n < 10_000; n++) if (Math.abs(permute10(n + 1, 5) - permute10(n, 5)) < 1000) adjacent++;
    expect(adjacent).toBeLessThan(10);
  });
});

describe("digits", () => {
  it("zero-pads to the width and leaves wider numbers whole", () => {
    expect(digits(0, 9)).toBe("000000000");
    expect(digits(42, 5)).toBe("00042");
    expect(digits(123456, 3)).toBe("123456");
    expect(digits(7, 25)).toBe(`${"0".repeat(24)}7`);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
        fc.integer({ min: 1, max: 20 }),
        (n, w) => {
          expect(digits(n, w)).toBe(String(n).padStart(w, "0"));
        },
      ),
    );
  });

  it("agrees with padStart on the arithmetic path (6–10 digits that fit the width)", () => {
    for (const w of [6, 7, 8, 9, 10]) {
      for (const n of [0, 9, 99_999, 100_000, 100_001, 10 ** (w - 1), 10 ** w - 1])
        expect(digits(n, w)).toBe(String(n).padStart(w, "0"));
      expect(digits(10 ** w, w)).toBe(String(10 ** w)); // one digit too many: left whole
    }
    fc.assert(
      fc.property(fc.integer({ min: 6, max: 10 }), fc.double({ min: 0, max: 1, noNaN: true }), (w, u) => {
        const n = Math.min(10 ** w - 1, Math.floor(u * 10 ** w));
        expect(digits(n, w)).toBe(String(n).padStart(w, "0"));
      }),
    );
  });
});

describe("Verhoeff", () => {
  // Published vectors (Verhoeff 1969 / Wikipedia): 236 → 3, 12345 → 1, 142857 → 0.
  it.each([
    ["236", 3],
    ["12345", 1],
    ["142857", 0],
    ["123456789012", 0],
    ["8473643095483728456789", 2],
  ])("check digit of %s is %i", (body, check) => {
    expect(verhoeffDigit(body)).toBe(check);
    expect(verhoeffValid(body + check)).toBe(true);
  });

  it("agrees with the registry's implementation and catches every single-digit error and adjacent swap", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9]{1,15}$/), (body) => {
        const check = verhoeffDigit(body);
        expect(check).toBe(registryVerhoeffDigit(body));
        const id = body + check;
        expect(verhoeffValid(id)).toBe(true);
        expect(registryVerhoeffValid(id)).toBe(true);
        for (let i = 0; i < id.length; i++) {
          const d = id.charCodeAt(i) - 48;
          const wrong = `${id.slice(0, i)}${(d + 1 + (i % 9)) % 10}${id.slice(i + 1)}`;
          expect(verhoeffValid(wrong)).toBe(false);
          if (i + 1 < id.length && id[i] !== id[i + 1])
            expect(verhoeffValid(id.slice(0, i) + id[i + 1] + id[i] + id.slice(i + 2))).toBe(false);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it("gives the same check digit from the number as from its digits", () => {
    for (const w of [6, 7, 8, 9, 10])
      for (const n of [0, 1, 99_999, 100_000, 10 ** w - 1])
        for (const lead of [0, 1, 9])
          expect(verhoeffDigitOf(lead, n, w)).toBe(verhoeffDigit(`${lead}${digits(n, w)}`));
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 9 }),
        fc.integer({ min: 6, max: 10 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (lead, w, u) => {
          const n = Math.min(10 ** w - 1, Math.floor(u * 10 ** w));
          expect(verhoeffDigitOf(lead, n, w)).toBe(verhoeffDigit(`${lead}${digits(n, w)}`));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("rejects non-digits", () => {
    expect(verhoeffValid("12a4")).toBe(false);
    expect(verhoeffValid("")).toBe(true); // the empty string has nothing to contradict
  });
});
