import { describe, expect, it } from "vitest";
import { definePlan } from "./index.js";

describe("definePlan", () => {
  it("returns the plan it is given, unchanged", () => {
    const plan = { name: "p", hosts: ["localhost"], scenarios: {} };
    expect(definePlan(plan)).toBe(plan);
  });
});
