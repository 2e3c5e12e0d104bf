import fc from "fast-check";
import { describe, it } from "vitest";
import { verhoeffDigit, verhoeffValid } from "./verhoeff.js";

const digits = fc
  .array(fc.integer({ min: 0, max: 9 }), { minLength: 2, maxLength: 20 })
  .map((a) => a.join(""));

describe("Verhoeff (properties)", () => {
  it("appending the check digit always gives a valid id", () => {
    fc.assert(fc.property(digits, (d) => verhoeffValid(d + verhoeffDigit(d))));
  });

  it("detects every single-digit error", () => {
    fc.assert(
      fc.property(digits, fc.nat(), fc.integer({ min: 1, max: 9 }), (d, at, delta) => {
        const id = d + verhoeffDigit(d);
        const i = at % id.length;
        const wrong = id.slice(0, i) + ((Number(id[i]) + delta) % 10) + id.slice(i + 1);
        return !verhoeffValid(wrong);
      }),
    );
  });

  it("detects every transposition of two different adjacent digits", () => {
    fc.assert(
      fc.property(digits, fc.nat(), (d, at) => {
        const id = d + verhoeffDigit(d);
        const i = at % (id.length - 1);
        fc.pre(id[i] !== id[i + 1]);
        const swapped = id.slice(0, i) + id[i + 1] + id[i] + id.slice(i + 2);
        return !verhoeffValid(swapped);
      }),
    );
  });
});
