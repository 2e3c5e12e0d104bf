/**
 * Keys that are unique by construction, not by luck: every generated row has a numeric key (root
 * rows 0…N-1; a child's key is `parentKey × maxChildren + k`), and ids are bijections of that key.
 * OpenG2P's generator learnt the other way round that truncated random UUIDs collide (~39k rows).
 */
import { mix32 } from "./rng.js";

const TWO_32 = 4294967296;
/** Char codes of the hex digits. */
const HEX_CODE = Uint8Array.from("0123456789abcdef", (c) => c.charCodeAt(0));

/**
 * A version-4-shaped UUID for `key` (an integer below 2^53) in the namespace `salt`. The first 64
 * bits are a bijection of the key, so distinct keys give distinct UUIDs; the rest looks random.
 */
export function uuidOf(key: number, salt: number): string {
  const lo = key >>> 0;
  const hi = Math.floor(key / TWO_32) >>> 0;
  const w0 = mix32((lo ^ salt) >>> 0);
  const w1 = mix32((hi ^ mix32(w0 ^ salt)) >>> 0); // (w0, w1) ↔ (lo, hi): still a bijection
  const w2 = mix32((w1 + salt) >>> 0);
  const w3 = mix32((w2 ^ lo ^ 0x5bd1e995) >>> 0);
  // 8-4-4-4-12: w0 | w1 high half | "4" + 3 nibbles of w2 | variant (8–b) + 3 more | w1 low half,
  // w3 — every bit of w0 and w1 appears, so the key stays recoverable and distinct keys never
  // share a UUID. One fromCharCode, no intermediate strings: 2× faster than hex pieces + slices
  // (~130 vs ~250 ns here), and rows are mostly UUIDs.
  const x = HEX_CODE;
  return String.fromCharCode(
    x[w0 >>> 28]!,
    x[(w0 >>> 24) & 15]!,
    x[(w0 >>> 20) & 15]!,
    x[(w0 >>> 16) & 15]!,
    x[(w0 >>> 12) & 15]!,
    x[(w0 >>> 8) & 15]!,
    x[(w0 >>> 4) & 15]!,
    x[w0 & 15]!,
    45,
    x[w1 >>> 28]!,
    x[(w1 >>> 24) & 15]!,
    x[(w1 >>> 20) & 15]!,
    x[(w1 >>> 16) & 15]!,
    45,
    52,
    x[w2 >>> 28]!,
    x[(w2 >>> 24) & 15]!,
    x[(w2 >>> 20) & 15]!,
    45,
    x[8 | ((w2 >>> 4) & 3)]!,
    x[(w2 >>> 16) & 15]!,
    x[(w2 >>> 12) & 15]!,
    x[(w2 >>> 8) & 15]!,
    45,
    x[(w1 >>> 12) & 15]!,
    x[(w1 >>> 8) & 15]!,
    x[(w1 >>> 4) & 15]!,
    x[w1 & 15]!,
    x[w3 >>> 28]!,
    x[(w3 >>> 24) & 15]!,
    x[(w3 >>> 20) & 15]!,
    x[(w3 >>> 16) & 15]!,
    x[(w3 >>> 12) & 15]!,
    x[(w3 >>> 8) & 15]!,
    x[(w3 >>> 4) & 15]!,
    x[w3 & 15]!,
  );
}

/**
 * A keyed permutation of [0, 10^10): four Feistel rounds on two base-10^5 halves. Distinct inputs
 * give distinct 10-digit outputs, and neighbouring inputs look unrelated (no sequential national
 * ids). Integer-only, so it stays exact without BigInt.
 */
export function permute10(n: number, key: number): number {
  const H = 100_000;
  let left = Math.floor(n / H) % H;
  let right = n % H;
  for (let round = 0; round < 4; round++) {
    const f = mix32((right ^ Math.imul(key, round + 1) ^ (round << 24)) >>> 0) % H;
    const next = (left + f) % H;
    left = right;
    right = next;
  }
  return left * H + right;
}

const ZEROS = Array.from({ length: 17 }, (_, i) => "0".repeat(i));

const POW10 = Array.from({ length: 11 }, (_, i) => 10 ** i);
/** PADDED[k][i]: `i` on exactly k digits, for k = 1…5; built on first use (111,110 strings, ~3 MB). */
let PADDED: readonly (readonly string[])[] = [];

function padded(): readonly (readonly string[])[] {
  if (PADDED.length === 0)
    PADDED = [1, 10, 100, 1_000, 10_000, 100_000].map((size, k) =>
      Array.from({ length: k === 0 ? 0 : size }, (_, i) => String(i).padStart(k, "0")),
    );
  return PADDED;
}

/** `n` as a zero-padded decimal of `width` digits. */
export function digits(n: number, width: number): string {
  // Ids of 6–10 digits (national ids, phone numbers, functional ids): two table lookups, 47 ns a
  // call against 101 ns for String() of a number past 2^31 (V8's double-to-string path); digits
  // was 9.4% of farmer-registry's generation CPU (--cpu-prof, households + farmers).
  if (width >= 6 && width <= 10 && n >= 0 && n < POW10[width]! && Number.isInteger(n)) {
    const t = padded();
    const hi = Math.floor(n / 100_000);
    return t[width - 5]![hi]! + t[5]![n - hi * 100_000]!;
  }
  const s = String(n);
  const pad = width - s.length;
  return pad <= 0 ? s : (ZEROS[pad] ?? "0".repeat(pad)) + s;
}

// Verhoeff's dihedral-group tables (multiplication, permutation, inverse).
const D = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
  [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
  [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
  [4, 0, 1, 2, 3, 9, 5, 6, 7, 8],
  [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
  [6, 5, 9, 8, 7, 1, 0, 4, 3, 2],
  [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
  [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
  [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
];
const P = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  [1, 5, 7, 6, 2, 8, 3, 0, 9, 4],
  [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
  [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
  [9, 4, 5, 3, 1, 2, 6, 8, 7, 0],
  [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
  [2, 7, 9, 3, 8, 0, 6, 4, 1, 5],
  [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
];
const INV = [0, 4, 3, 2, 1, 5, 6, 7, 8, 9];

/** The Verhoeff check digit of a string of decimal digits. */
export function verhoeffDigit(body: string): number {
  let c = 0;
  for (let i = 0; i < body.length; i++) {
    const digit = body.charCodeAt(body.length - 1 - i) - 48;
    c = D[c]![P[(i + 1) % 8]![digit]!]!;
  }
  return INV[c]!;
}

/** True when the last digit of `id` is its Verhoeff check digit. */
export function verhoeffValid(id: string): boolean {
  let c = 0;
  for (let i = 0; i < id.length; i++) {
    const digit = id.charCodeAt(id.length - 1 - i) - 48;
    if (digit < 0 || digit > 9) return false;
    c = D[c]![P[i % 8]![digit]!]!;
  }
  return c === 0;
}
