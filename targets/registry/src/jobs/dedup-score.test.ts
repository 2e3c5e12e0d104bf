import { describe, expect, it } from "vitest";
import { scoreFarmerPair, scoreHouseholdPair } from "./dedup.js";
import { jaroWinkler } from "./jaro-winkler.js";
import { DEFAULT_JOB_SETTINGS } from "./settings.js";

const dedup = DEFAULT_JOB_SETTINGS.dedup;
const farmer = (first_name: string, last_name: string, birth_date: string | null = "1980-01-01") => ({
  first_name,
  last_name,
  birth_date,
});

describe("Jaro-Winkler", () => {
  it("matches the textbook values", () => {
    expect(jaroWinkler("MARTHA", "MARHTA")).toBeCloseTo(0.961, 3);
    expect(jaroWinkler("DWAYNE", "DUANE")).toBeCloseTo(0.84, 2);
    expect(jaroWinkler("DIXON", "DICKSONX")).toBeCloseTo(0.813, 3);
    expect(jaroWinkler("abc", "abc")).toBe(1);
    expect(jaroWinkler("abc", "xyz")).toBe(0);
    expect(jaroWinkler("", "")).toBe(0);
  });
});

describe("dedup scores", () => {
  it("weights first name 0.35, last name 0.35, birth date 0.30", () => {
    expect(scoreFarmerPair(farmer("Amina", "Otieno"), farmer("Amina", "Otieno"), dedup).score).toBe(100);
    expect(
      scoreFarmerPair(farmer("Amina", "Otieno"), farmer("Amina", "Otieno", "1990-01-01"), dedup).score,
    ).toBe(70);
    expect(scoreFarmerPair(farmer("Amina", "Otieno"), farmer("Amina", "Kamau"), dedup).score).toBe(65);
    expect(
      scoreFarmerPair(farmer("Amina", "Otieno", null), farmer("Amina", "Otieno", null), dedup).score,
    ).toBe(70);
  });

  it("scores typos and swapped names as duplicates", () => {
    const typo = scoreFarmerPair(farmer("Amina", "Otieno"), farmer("Amnia", "Otieno"), dedup);
    expect(typo.score).toBeGreaterThanOrEqual(90);
    const swapped = scoreFarmerPair(farmer("Amina", "Otieno"), farmer("Otieno", "Amina"), dedup);
    expect(swapped).toMatchObject({ score: 100, fields: { names_swapped: true } });
  });

  it("gives nothing for a field below the floor", () => {
    // JW("Amina", "Grace") is far below 0.8: only the birth date counts.
    expect(scoreFarmerPair(farmer("Amina", "Wanjiru"), farmer("Grace", "Kiprono"), dedup).score).toBe(30);
  });

  it("weights a household's head 0.7 and address 0.3", () => {
    const a = { head_name: "Amina Otieno", address: "Plot 4, Kisumu village 3" };
    expect(scoreHouseholdPair(a, a, dedup).score).toBe(100);
    expect(scoreHouseholdPair(a, { ...a, address: null }, dedup).score).toBe(70);
  });
});
