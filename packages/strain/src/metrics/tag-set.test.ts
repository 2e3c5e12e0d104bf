import { describe, expect, it } from "vitest";
import { OTHER_NAME, parseTagSetKey, TagSetRegistry, tagSetKey } from "./tag-set.js";

describe("tagSetKey", () => {
  it("sorts k=v pairs by key", () => {
    expect(tagSetKey({ status: "200", method: "GET", name: "/login" })).toBe(
      "method=GET,name=/login,status=200",
    );
    expect(tagSetKey({})).toBe("");
  });

  it("does not depend on insertion order", () => {
    expect(tagSetKey({ b: "1", a: "2", c: "3" })).toBe(tagSetKey({ c: "3", a: "2", b: "1" }));
  });

  it("escapes separators so different tag sets never collide", () => {
    const a = tagSetKey({ a: "1,b=2" });
    const b = tagSetKey({ a: "1", b: "2" });
    expect(a).not.toBe(b);
    expect(a).toBe("a=1\\,b\\=2");
    expect(tagSetKey({ "k=": "\\" })).toBe("k\\==\\\\");
  });

  it("parses back", () => {
    for (const tags of [{}, { a: "" }, { a: "1,b=2", "c\\": "=,\\", d: "x" }, { name: "/users?id=1&x=2" }]) {
      expect(parseTagSetKey(tagSetKey(tags))).toEqual(tags);
    }
  });
});

describe("TagSetRegistry", () => {
  it("interns: the same tags give the same handle, with dense ids", () => {
    const reg = new TagSetRegistry();
    const a = reg.resolve({ method: "GET", name: "/a" });
    const b = reg.resolve({ name: "/a", method: "GET" });
    const c = reg.resolve({ name: "/c" });
    expect(b).toBe(a);
    expect([a.id, c.id]).toEqual([0, 1]);
    expect(a.key).toBe("method=GET,name=/a");
    expect(Object.isFrozen(a.tags)).toBe(true);
    expect(Object.keys(a.tags)).toEqual(["method", "name"]);
    expect(reg.all()).toEqual([a, c]);
  });

  it("folds new tag sets into name=__other__ past the cap, warning once with the URL", () => {
    const warnings: string[] = [];
    const reg = new TagSetRegistry({ maxTagSets: 2, onWarning: (m) => warnings.push(m) });
    reg.resolve({ method: "GET", name: "/a" });
    reg.resolve({ method: "GET", name: "/b" });
    const c = reg.resolve({ method: "GET", name: "/c" }, "http://user:secret@h.test/c?token=abc#x");
    const d = reg.resolve({ method: "GET", name: "/d" }, "http://h.test/d");
    const e = reg.resolve({ method: "POST", name: "/e" });
    expect(c.tags).toEqual({ method: "GET", name: OTHER_NAME });
    expect(c.folded).toBe(true);
    expect(d).toBe(c);
    expect(e.tags).toEqual({ method: "POST", name: OTHER_NAME });
    expect(reg.distinct).toBe(2);
    expect(reg.size).toBe(4);
    expect(reg.folded).toBe(3);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("http://h.test/c");
    expect(warnings[0]).not.toMatch(/secret|token=|user:/);
    expect(warnings[0]).toContain("2 distinct tag sets");
  });

  it("still returns known sets after the cap", () => {
    const reg = new TagSetRegistry({ maxTagSets: 1 });
    const a = reg.resolve({ name: "/a" });
    reg.resolve({ name: "/b" });
    expect(reg.resolve({ name: "/a" })).toBe(a);
  });

  it("names the tags when no URL is given", () => {
    const warnings: string[] = [];
    const reg = new TagSetRegistry({ maxTagSets: 1, onWarning: (m) => warnings.push(m) });
    reg.resolve({ check: "a" });
    reg.resolve({ check: "b" });
    expect(warnings[0]).toContain("check=b");
  });

  it("defaults the cap to 1000", () => {
    const reg = new TagSetRegistry();
    for (let i = 0; i < 1001; i++) reg.resolve({ name: String(i) });
    expect(reg.distinct).toBe(1000);
    expect(reg.resolve({ name: "1000" }).tags.name).toBe(OTHER_NAME);
  });
});
