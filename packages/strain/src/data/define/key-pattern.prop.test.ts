import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { gen, type PatternSpec, specOf } from "./generators.js";
import { keyPattern, keySpace } from "./key-pattern.js";

const partsOf = (template: string) => (specOf(gen.pattern(template, { unique: true })) as PatternSpec).parts;

/** The regular expression a template's texts must match. */
const shape = (template: string) =>
  new RegExp(
    `^${template
      .replace(/[.*+^${}()|[\]-]/g, "\\$&")
      .replaceAll("#", "\\d")
      .replaceAll("?", "[A-Z]")}$`,
  );

describe("pattern(…, { unique: true })", () => {
  it("is a bijection of a small key space: every value once", () => {
    for (const template of ["?#", "#", "?", "##-??", "A?B#C"]) {
      const parts = partsOf(template);
      const space = keySpace(parts);
      const spell = keyPattern(parts, 42);
      const seen = new Set<string>();
      for (let k = 0; k < space; k++) seen.add(spell(k));
      expect(seen.size, template).toBe(space);
      const re = shape(template);
      expect([...seen].filter((t) => !re.test(t))).toEqual([]);
    }
  });

  it("key space is the slots' capacity, capped at 2^48", () => {
    expect(keySpace(partsOf("POS-####-??"))).toBe(10 ** 4 * 26 ** 2);
    expect(keySpace(partsOf("################"))).toBeLessThanOrEqual(2 ** 48);
    expect(keySpace(partsOf("################"))).toBeGreaterThan(2 ** 45);
  });

  it("neighbouring keys do not give neighbouring texts", () => {
    const spell = keyPattern(partsOf("ORD-####-####"), 7);
    const texts = Array.from({ length: 100 }, (_, k) => spell(k));
    const sameHead = texts.filter((t) => t.slice(0, 8) === texts[0]!.slice(0, 8)).length;
    expect(sameHead).toBeLessThan(5);
  });

  it("distinct keys give distinct texts of the template's shape (property)", () => {
    fc.assert(
      fc.property(
        fc
          .array(fc.constantFrom("#", "?", "-", "X"), { minLength: 1, maxLength: 18 })
          .filter((a) => a.some((c) => c === "#" || c === "?")),
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 2, maxLength: 200 }),
        (chars, salt, fractions) => {
          const template = chars.join("");
          const parts = partsOf(template);
          const space = keySpace(parts);
          const spell = keyPattern(parts, salt);
          const keys = [...new Set(fractions.map((f) => Math.min(space - 1, Math.floor(f * space))))];
          const texts = keys.map(spell);
          expect(new Set(texts).size).toBe(keys.length);
          for (const t of texts) expect(t).toMatch(shape(template));
        },
      ),
      { numRuns: 300 },
    );
  });
});
