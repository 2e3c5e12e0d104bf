import { describe, expect, it } from "vitest";
import { farmerSearchText, foldForSearch, maskNationalId } from "./search-text.js";

describe("search text", () => {
  it("folds accents, case and punctuation the same way for data and queries", () => {
    expect(foldForSearch("José O'Brien-Wanjala")).toBe("jose o brien wanjala");
    expect(foldForSearch("  ÉLODIE\tñúñez ")).toBe("elodie nunez");
    expect(foldForSearch("'; DROP TABLE farmers; --")).toBe("drop table farmers");
    expect(foldForSearch("%_\\")).toBe("");
  });

  it("builds a farmer's search text from names and national id", () => {
    expect(
      farmerSearchText({
        first_name: "Amina",
        middle_name: null,
        last_name: "Otieno",
        national_id: "12345678",
      }),
    ).toBe("amina otieno 12345678");
  });

  it("masks all but the last four characters", () => {
    expect(maskNationalId("1234567890")).toBe("******7890");
    expect(maskNationalId("123")).toBe("***");
  });
});
