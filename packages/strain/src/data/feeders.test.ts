import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ErrorCodes, hasCode } from "../errors.js";
import { createFeeder, readFeederRows, UniqueRowCursor } from "./feeders.js";

const dir = mkdtempSync(join(tmpdir(), "strain-feeders-"));
const rows = Array.from({ length: 10 }, (_, i) => ({ id: String(i) }));
const noLease = () => Promise.resolve(null);

describe("readFeederRows", () => {
  it("reads CSV with a header (quoted fields too) and JSONL", () => {
    writeFileSync(join(dir, "a.csv"), 'id,name\n1,"Njoroge, Amina"\n2,Bo\n');
    expect(readFeederRows(join(dir, "a.csv"))).toEqual([
      { id: "1", name: "Njoroge, Amina" },
      { id: "2", name: "Bo" },
    ]);
    writeFileSync(join(dir, "b.jsonl"), '{"id":1}\n\n{"id":2}\n');
    expect(readFeederRows(join(dir, "b.jsonl"))).toEqual([{ id: 1 }, { id: 2 }]);
  });

  it("names the line of a bad JSONL row", () => {
    writeFileSync(join(dir, "c.jsonl"), '{"id":1}\nnot json\n');
    expect(() => readFeederRows(join(dir, "c.jsonl"))).toThrow(/c\.jsonl:2/);
  });
});

describe("createFeeder", () => {
  it("sequential: N segments together walk the file in order, each row once per lap", async () => {
    const got: string[] = [];
    const feeders = [0, 1, 2].map((index) =>
      createFeeder("f", rows, "sequential", { index, count: 3 }, noLease),
    );
    for (let k = 0; k < 4; k++) for (const f of feeders) got.push(String((await f.next()).id));
    expect(got.slice(0, 10).sort()).toEqual(rows.map((r) => r.id).sort());
  });

  it("random: reproducible per segment", async () => {
    const a = createFeeder("f", rows, "random", { index: 1, count: 2 }, noLease);
    const b = createFeeder("f", rows, "random", { index: 1, count: 2 }, noLease);
    for (let i = 0; i < 20; i++) expect(await a.next()).toEqual(await b.next());
  });

  it("unique: leases indexes and fails clearly when none is left", async () => {
    const cursor = new UniqueRowCursor(2);
    const f = createFeeder("f", rows.slice(0, 2), "unique", { index: 0, count: 1 }, () =>
      Promise.resolve(cursor.lease()),
    );
    expect([(await f.next()).id, (await f.next()).id]).toEqual(["0", "1"]);
    await expect(f.next()).rejects.toSatisfy((e: unknown) => hasCode(e, ErrorCodes.FEEDER_EXHAUSTED));
  });
});
