import { describe, expect, it } from "vitest";
import { closestMatch, suggest } from "./did-you-mean.js";

describe("closestMatch", () => {
  const keys = ["name", "duration", "rate", "preAllocatedVUs", "maxVUs", "executor"];
  it.each([
    ["nmae", "name"],
    ["durration", "duration"],
    ["rat", "rate"],
    ["preallocatedvus", "preAllocatedVUs"],
    ["maxVU", "maxVUs"],
    ["exector", "executor"],
  ])("%s → %s", (typo, key) => {
    expect(closestMatch(typo, keys)).toBe(key);
  });

  it("offers nothing for a word that is not a typo of any candidate", () => {
    expect(closestMatch("colour", keys)).toBeUndefined();
    expect(suggest("colour", ["a", "b"])).toBe("allowed: a, b");
  });
});
