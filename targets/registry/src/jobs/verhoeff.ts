/**
 * The Verhoeff check digit (dihedral group D5): catches every single-digit error and every
 * adjacent transposition. MOSIP and OpenG2P's id-generator end each id with it.
 *
 *   d: multiplication table of D5     p: position permutations (p[i % 8])     inv: inverses in D5
 */

const D: readonly (readonly number[])[] = [
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

const P: readonly (readonly number[])[] = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  [1, 5, 7, 6, 2, 8, 3, 0, 9, 4],
  [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
  [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
  [9, 4, 5, 3, 1, 2, 6, 8, 7, 0],
  [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
  [2, 7, 9, 3, 8, 0, 6, 4, 1, 5],
  [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
];

const INV: readonly number[] = [0, 4, 3, 2, 1, 5, 6, 7, 8, 9];

function checksum(digits: string, offset: number): number {
  let c = 0;
  for (let i = 0; i < digits.length; i++) {
    const digit = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (digit < 0 || digit > 9) throw new RangeError(`not a digit string: ${JSON.stringify(digits)}`);
    c = D[c]![P[(i + offset) % 8]![digit]!]!;
  }
  return c;
}

/** The check digit to append to `digits`. */
export function verhoeffDigit(digits: string): number {
  return INV[checksum(digits, 1)]!;
}

/** True when the last digit of `id` is the Verhoeff check digit of the rest. */
export function verhoeffValid(id: string): boolean {
  if (!/^[0-9]+$/.test(id)) return false;
  return checksum(id, 0) === 0;
}
