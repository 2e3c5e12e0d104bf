import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { copyEscape, copyTextArray, copyValue, dayNumber, fixed, isoDay, NULL } from "./copy-text.js";

/** What PostgreSQL's COPY text format reads back from one field (the subset of escapes we write). */
function copyUnescape(field: string): string | null {
  if (field === "\\N") return null;
  let out = "";
  for (let i = 0; i < field.length; i++) {
    const c = field[i]!;
    if (c !== "\\") {
      out += c;
      continue;
    }
    const next = field[++i];
    if (next === "t") out += "\t";
    else if (next === "n") out += "\n";
    else if (next === "r") out += "\r";
    else if (next === "\\") out += "\\";
    else throw new Error(`unexpected escape \\${String(next)} in ${field}`);
  }
  return out;
}

/** PostgreSQL's array-literal reading of a text[] whose elements are all double-quoted. */
function parseQuotedArray(literal: string): string[] {
  expect(literal.startsWith("{") && literal.endsWith("}")).toBe(true);
  const items: string[] = [];
  let i = 1;
  while (i < literal.length - 1) {
    expect(literal[i]).toBe('"');
    let item = "";
    i++;
    while (literal[i] !== '"') {
      if (literal[i] === "\\") i++;
      item += literal[i];
      i++;
    }
    items.push(item);
    i++; // closing quote
    if (literal[i] === ",") i++;
  }
  return items;
}

describe("copyEscape", () => {
  it("returns plain strings as they are", () => {
    for (const s of ["", "Wanjiku", "José Dela Cruz", "Ng'ang'a", '{"a":1}']) expect(copyEscape(s)).toBe(s);
  });

  it("escapes backslash, tab, newline and carriage return", () => {
    expect(copyEscape("a\tb\nc\rd\\e")).toBe("a\\tb\\nc\\rd\\\\e");
    expect(copyEscape("\\N")).toBe("\\\\N"); // the text "\N" is not NULL
  });

  it("round-trips any string through COPY's reading, and never leaves a raw separator", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: "grapheme" }),
        fc.string({ unit: fc.constantFrom("\\", "\t", "\n", "\r", "N", "a", "é") }),
        (a, b) => {
          for (const s of [a, b, a + b]) {
            const escaped = copyEscape(s);
            expect(escaped).not.toMatch(/[\t\n\r]/);
            expect(copyUnescape(escaped)).toBe(s);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe("copyTextArray", () => {
  it("writes {} for no items and quotes every item", () => {
    expect(copyTextArray([])).toBe("{}");
    expect(copyTextArray(["+254712345678"])).toBe('{"+254712345678"}');
    expect(copyTextArray(["a,b", "NULL", "{x}"])).toBe('{"a,b","NULL","{x}"}');
  });

  it("round-trips any items through COPY and the array parser", () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: fc.constantFrom('"', "\\", ",", "{", "}", "\t", "\n", " ", "a", "ñ") }), {
          maxLength: 5,
        }),
        (items) => {
          const field = copyTextArray(items);
          expect(field).not.toMatch(/[\t\n\r]/);
          expect(parseQuotedArray(copyUnescape(field)!)).toEqual(items);
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe("copyValue", () => {
  it("writes each JavaScript type as COPY text", () => {
    expect(copyValue(null)).toBe(NULL);
    expect(copyValue(undefined)).toBe("\\N");
    expect(copyValue("x\ty")).toBe("x\\ty");
    expect(copyValue(42)).toBe("42");
    expect(copyValue(-1.5)).toBe("-1.5");
    expect(copyValue(12n)).toBe("12");
    expect(copyValue(true)).toBe("t");
    expect(copyValue(false)).toBe("f");
    expect(copyValue(new Date("2025-06-30T12:00:00Z"))).toBe("2025-06-30T12:00:00.000Z");
    expect(copyValue(["a", 1])).toBe('{"a","1"}');
    expect(copyValue({ region: "Central", note: "a\\b" })).toBe('{"region":"Central","note":"a\\\\\\\\b"}');
    expect(JSON.parse(copyUnescape(copyValue({ s: "tab\there" }))!)).toEqual({ s: "tab\there" });
  });
});

describe("days", () => {
  it("numbers days from 1970-01-01 and writes them back", () => {
    expect(dayNumber("1970-01-01")).toBe(0);
    expect(isoDay(0)).toBe("1970-01-01");
    expect(isoDay(-1)).toBe("1969-12-31");
    expect(dayNumber("2000-03-01") - dayNumber("2000-02-28")).toBe(2); // leap year
    expect(dayNumber("1900-03-01") - dayNumber("1900-02-28")).toBe(1); // not a leap year
    expect(dayNumber(new Date("2025-06-30T23:59:59Z"))).toBe(dayNumber("2025-06-30"));
    expect(dayNumber("2025-06-30T08:00:00Z")).toBe(dayNumber("2025-06-30"));
  });

  it("round-trips every day of ±270 years", () => {
    fc.assert(
      fc.property(fc.integer({ min: -100_000, max: 100_000 }), (day) => {
        const s = isoDay(day);
        expect(s).toMatch(/^\d{4}-\d{2}-\d{2}$/);
        expect(dayNumber(s)).toBe(day);
        expect(isoDay(day)).toBe(s); // memoised value is the same
      }),
      { numRuns: 3000 },
    );
  });

  it("refuses what is not a date", () => {
    expect(() => dayNumber("not a date")).toThrow(RangeError);
    expect(() => dayNumber(new Date(Number.NaN))).toThrow(RangeError);
  });
});

describe("fixed", () => {
  it("writes exactly the asked decimals", () => {
    expect(fixed(1, 3)).toBe("1.000");
    expect(fixed(0.15, 2)).toBe("0.15");
    expect(fixed(-3.621935, 5)).toBe("-3.62194");
  });
});
