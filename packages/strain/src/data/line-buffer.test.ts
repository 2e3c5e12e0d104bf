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

  it("writes the next chunk into a buffer handed back, and leaves one still in use alone", () => {
    const b = new LineBuffer(16);
    b.reuse(Buffer.from("not ours")); // ignored: not memory this buffer allocated
    for (let i = 0; i < 10; i++) b.push(`line ${i}`);
    const first = b.take();
    b.reuse(first);
    b.push("next chunk");
    const second = b.take();
    expect(second.buffer).toBe(first.buffer); // no new allocation
    expect(second.toString()).toBe("next chunk\n");
    // Not handed back: the next chunk gets a buffer of its own.
    b.push("third");
    expect(b.take().buffer).not.toBe(second.buffer);
    expect(second.toString()).toBe("next chunk\n");
    // Handed back mid-chunk: kept for later, the chunk being written is untouched.
    b.push("fourth");
    const fourth = b.take();
    b.push("fifth, growing past its first allocation".repeat(20));
    b.reuse(fourth);
    expect(b.take().toString()).toBe(`${"fifth, growing past its first allocation".repeat(20)}\n`);
  });
});
