import { describe, expect, it } from "vitest";
import { LineBuffer } from "./line-buffer.js";

describe("LineBuffer", () => {
  it("holds the UTF-8 of every line with a newline after each, growing as needed", () => {
    const b = new LineBuffer(8);
    const lines = ["a\tb", "José\tNiño", "", "x".repeat(1000), "日本\t語"];
    for (const l of lines) b.push(l);
    expect(b.lines).toBe(5);
    expect(b.take().toString("utf8")).toBe(`${lines.join("\n")}\n`);
  });

  it("starts over after take(), leaving the taken bytes untouched", () => {
    const b = new LineBuffer(4);
    b.push("first");
    const first = b.take();
    b.push("second line");
    expect(first.toString()).toBe("first\n");
    expect(b.lines).toBe(1);
    expect(b.take().toString()).toBe("second line\n");
    expect(b.take().length).toBe(0);
  });
});
