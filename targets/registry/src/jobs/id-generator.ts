/**
 * Candidate functional ids: random digits (first digit 2–9), a Verhoeff check digit, kept only
 * when they pass the MOSIP filters. Randomness comes from the OS CSPRNG, as MOSIP's SecureRandom:
 * ids are not guessable from one another.
 */
import { randomBytes } from "node:crypto";
import { DEFAULT_ID_FILTER_RULES, type IdFilterRules, idFilterViolation } from "./id-filters.js";
import { verhoeffDigit } from "./verhoeff.js";

export interface IdGeneratorOptions {
  /** Total length including the check digit. Default 10 (MOSIP's default UIN length). */
  length?: number;
  rules?: IdFilterRules;
}

/** `count` distinct ids (distinct among themselves; the pool's primary key keeps them unique overall). */
export function generateIds(count: number, options: IdGeneratorOptions = {}): string[] {
  const length = options.length ?? 10;
  if (length < 4) throw new RangeError("id length must be at least 4");
  const rules = options.rules ?? DEFAULT_ID_FILTER_RULES;
  const out = new Set<string>();
  // One random byte per digit, rejection-sampled below 250 so each digit is uniform.
  let buf = randomBytes(4096);
  let pos = 0;
  const nextDigit = (): number => {
    for (;;) {
      if (pos === buf.length) {
        buf = randomBytes(4096);
        pos = 0;
      }
      const byte = buf[pos++]!;
      if (byte < 250) return byte % 10;
    }
  };
  while (out.size < count) {
    let first = nextDigit();
    while (first < 2) first = nextDigit();
    let body = String(first);
    for (let i = 1; i < length - 1; i++) body += nextDigit();
    const id = body + verhoeffDigit(body);
    if (idFilterViolation(id, rules) === undefined) out.add(id);
  }
  return [...out];
}
