import { describe, expect, it } from "vitest";
import { verhoeffDigit, verhoeffValid } from "./verhoeff.js";

describe("Verhoeff", () => {
  it("matches published check digits", () => {
    // Wikipedia's worked example (236 → 2363) and common test vectors.
    expect(verhoeffDigit("236")).toBe(3);
    expect(verhoeffDigit("12345")).toBe(1);
    expect(verhoeffDigit("142857")).toBe(0);
    expect(verhoeffDigit("123456789012")).toBe(0);
    expect(verhoeffDigit("8473643095483728456789")).toBe(2);
  });

  it("validates ids ending in their check digit only", () => {
    expect(verhoeffValid("2363")).toBe(true);
    expect(verhoeffValid("2364")).toBe(false);
    expect(verhoeffValid("1234567890120")).toBe(true);
    expect(verhoeffValid("")).toBe(false);
    expect(verhoeffValid("23a3")).toBe(false);
  });
});
