import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MetricsRegistry } from "./registry.js";
import { OTHER_NAME, parseTagSetKey, tagSetKey } from "./tag-set.js";
import type { CounterEntry, TrendEntry } from "./types.js";

describe("tag-set properties", () => {
  it("keys parse back to the tags, and equal keys mean equal tags", () => {
    const tags = fc.dictionary(fc.string({ maxLength: 6 }), fc.string({ maxLength: 6 }), { maxKeys: 5 });
    fc.assert(
      fc.property(tags, tags, (a, b) => {
        expect(parseTagSetKey(tagSetKey(a))).toEqual(a);
        const same = JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());
        expect(tagSetKey(a) === tagSetKey(b)).toBe(same);
      }),
    );
  });

  it("the cap never yields more than cap distinct non-__other__ sets and never loses a sample", () => {
    const sample = fc.record({
      name: fc.integer({ min: 0, max: 40 }).map((i) => `/item/${i}`),
      method: fc.constantFrom("GET", "POST"),
      status: fc.constantFrom("200", "500"),
      v: fc.double({ min: 0, max: 5000, noNaN: true }),
    });
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.array(sample, { maxLength: 300, size: "large" }),
        (cap, samples) => {
          const warnings: string[] = [];
          const reg = new MetricsRegistry({ maxTagSets: cap, onWarning: (m) => warnings.push(m) });
          const expected = new Map<string, number>();
          for (const s of samples) {
            const tags = { name: s.name, method: s.method, status: s.status };
            reg.addCounter("http_reqs", tags, 1, `http://h.test${s.name}`);
            reg.addTrend("http_req_duration", tags, s.v);
            const k = `${s.method} ${s.status}`;
            expected.set(k, (expected.get(k) ?? 0) + 1);
          }
          const entries = reg.snapshot(0, 0, 1).entries;
          const counters = entries.filter((e): e is CounterEntry => e.type === "counter");
          const trends = entries.filter((e): e is TrendEntry => e.type === "trend");
          const named = new Set(
            counters.filter((e) => e.tags.name !== OTHER_NAME).map((e) => tagSetKey(e.tags)),
          );
          expect(named.size).toBeLessThanOrEqual(cap);
          expect(reg.tagSets.distinct).toBeLessThanOrEqual(cap);
          // Nothing lost, and the other tags still say where each sample belongs.
          const got = new Map<string, number>();
          for (const e of counters) {
            const k = `${e.tags.method} ${e.tags.status}`;
            got.set(k, (got.get(k) ?? 0) + e.value);
          }
          expect(got).toEqual(expected);
          expect(trends.reduce((n, e) => n + e.count, 0)).toBe(samples.length);
          expect(warnings.length).toBe(reg.tagSets.folded > 0 ? 1 : 0);
        },
      ),
    );
  });
});
