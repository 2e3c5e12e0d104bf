import { describe, expect, it } from "vitest";
import { DEFAULT_ID_FILTER_RULES, idFilterViolation } from "./id-filters.js";
import { generateIds } from "./id-generator.js";
import { verhoeffValid } from "./verhoeff.js";

describe("MOSIP id filters", () => {
  it("rejects MOSIP's documented examples", () => {
    expect(idFilterViolation("4345643456")).toBeDefined(); // first 5 = last 5
    expect(idFilterViolation("4345665434")).toBeDefined(); // first 5 = last 5 reversed
    expect(idFilterViolation("4567890123")).toBeDefined(); // cyclic
    expect(idFilterViolation("6543210987")).toBeDefined(); // cyclic, descending
    expect(idFilterViolation("3434343434")).toBeDefined(); // first two digits five times
    expect(idFilterViolation("3948613752")).toBe("even digits in a row"); // 486
  });

  it("applies each rule", () => {
    expect(idFilterViolation("0538274916")).toBe("first digit 0 or 1");
    expect(idFilterViolation("1538274916")).toBe("first digit 0 or 1");
    expect(idFilterViolation("2538123916")).toBe("sequence");
    expect(idFilterViolation("2598321746")).toBe("sequence");
    expect(idFilterViolation("2553827491")).toBe("repeating digit"); // 55
    expect(idFilterViolation("2535827491")).toBe("repeating digit"); // 5x5
    expect(idFilterViolation("2538472538")).toBe("repeated block");
    expect(idFilterViolation("2539472916", { ...DEFAULT_ID_FILTER_RULES, restricted: ["9472"] })).toBe(
      "restricted number",
    );
    // "12" is allowed (sequence limit 3), and so is 4…4 (a repeated single digit far apart).
    expect(idFilterViolation("2541273649")).toBeUndefined();
  });

  it("generates ids that pass every rule and the check digit", () => {
    const ids = generateIds(2000, { length: 12 });
    expect(new Set(ids).size).toBe(2000);
    for (const id of ids) {
      expect(id).toMatch(/^[2-9]\d{11}$/);
      expect(verhoeffValid(id)).toBe(true);
      expect(idFilterViolation(id)).toBeUndefined();
    }
  });
});
