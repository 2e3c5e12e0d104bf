/**
 * MOSIP's UIN filters (docs.mosip.io, "ID Generator"), applied to the whole id including its check
 * digit, so no id handed out is easy to guess, read wrongly or mistake for another:
 *
 * - first digit is not 0 or 1;
 * - no ascending or descending run of `sequenceLimit` (3) digits: 12 is allowed, 123 and 321 not;
 * - a digit does not repeat within `repeatingLimit` (2) positions: neither 11 nor 1x1;
 * - no block of `repeatingBlockLimit` (2) digits appears twice: 4xxx4 is allowed, 48xxx48 not;
 * - the first half differs from the last half, and from the last half reversed (4345643456,
 *   4345665434);
 * - not a cyclic figure (4567890123, 6543210987);
 * - no `evenAdjacentLimit` (3) even digits in a row (3948613752);
 * - no admin-restricted number inside.
 *
 * ("The first two digits repeated five times", 3434343434, is a repeated block, caught above.)
 */

export interface IdFilterRules {
  sequenceLimit: number;
  repeatingLimit: number;
  repeatingBlockLimit: number;
  evenAdjacentLimit: number;
  /** Digit strings that may not appear anywhere in an id. */
  restricted: readonly string[];
}

export const DEFAULT_ID_FILTER_RULES: IdFilterRules = {
  sequenceLimit: 3,
  repeatingLimit: 2,
  repeatingBlockLimit: 2,
  evenAdjacentLimit: 3,
  restricted: [],
};

/** The name of the first rule `id` breaks, or undefined when it passes them all. */
export function idFilterViolation(
  id: string,
  rules: IdFilterRules = DEFAULT_ID_FILTER_RULES,
): string | undefined {
  const n = id.length;
  const d = new Array<number>(n);
  for (let i = 0; i < n; i++) d[i] = id.charCodeAt(i) - 48;
  if (d[0] === 0 || d[0] === 1) return "first digit 0 or 1";

  let asc = 1;
  let desc = 1;
  let even = d[0]! % 2 === 0 ? 1 : 0;
  for (let i = 1; i < n; i++) {
    const step = d[i]! - d[i - 1]!;
    asc = step === 1 ? asc + 1 : 1;
    desc = step === -1 ? desc + 1 : 1;
    if (asc >= rules.sequenceLimit || desc >= rules.sequenceLimit) return "sequence";
    even = d[i]! % 2 === 0 ? even + 1 : 0;
    if (even >= rules.evenAdjacentLimit) return "even digits in a row";
    for (let back = 1; back <= rules.repeatingLimit && back <= i; back++) {
      if (d[i] === d[i - back]) return "repeating digit";
    }
  }

  const b = rules.repeatingBlockLimit;
  for (let i = 0; i + b <= n; i++) {
    const block = id.slice(i, i + b);
    if (id.indexOf(block, i + b) !== -1) return "repeated block";
  }

  const half = Math.floor(n / 2);
  const first = id.slice(0, half);
  const last = id.slice(n - half);
  if (first === last) return "first half equals last half";
  if (first === [...last].reverse().join("")) return "first half equals last half reversed";

  let cyclicUp = true;
  let cyclicDown = true;
  for (let i = 1; i < n; i++) {
    if (d[i] !== (d[i - 1]! + 1) % 10) cyclicUp = false;
    if (d[i] !== (d[i - 1]! + 9) % 10) cyclicDown = false;
  }
  if (cyclicUp || cyclicDown) return "cyclic figure";

  for (const r of rules.restricted) if (r !== "" && id.includes(r)) return "restricted number";
  return undefined;
}
