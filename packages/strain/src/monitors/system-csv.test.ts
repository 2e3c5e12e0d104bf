import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { afterEach, describe, expect, it } from "vitest";
import { SystemCsvAppender, type SystemCsvRow, writeSystemCsv } from "./system-csv.js";

const row = (time: number, usr: number): SystemCsvRow => ({
  time,
  cpu: { usr, sys: 3.14, idl: 100 - usr - 3.14, wai: 0, stl: Number.NaN },
  disk: { read: 0, writ: 40960 },
  net: { recv: 1834.4, send: 2210.6 },
  load: { load1: 0.52, load5: 0.31, load15: 0.2 },
  mem: { used: 1203453952, avai: 23062523904 },
  processes: [4, 55.55],
});

let dir = "";
afterEach(() => {
  if (dir !== "") rmSync(dir, { recursive: true, force: true });
  dir = "";
});

describe("system.csv", () => {
  it("has dstat's two header rows and one row per interval, readable by a CSV parser", () => {
    dir = mkdtempSync(join(tmpdir(), "strain-csv-"));
    const path = join(dir, "monitors", "system.csv");
    writeSystemCsv(path, ["postgres", "api"], [row(1748772001000, 12.5), row(1748772002000, 80)]);
    const records = parse(readFileSync(path, "utf8"), { relax_column_count: true }) as string[][];
    expect(records[0]).toEqual([
      "system",
      "",
      "total cpu usage",
      "",
      "",
      "",
      "",
      "dsk/total",
      "",
      "net/total",
      "",
      "load avg",
      "",
      "",
      "memory usage",
      "",
      "process cpu %",
      "",
    ]);
    expect(records[1]).toEqual([
      "time",
      "epoch",
      "usr",
      "sys",
      "idl",
      "wai",
      "stl",
      "read",
      "writ",
      "recv",
      "send",
      "1m",
      "5m",
      "15m",
      "used",
      "avai",
      "postgres",
      "api",
    ]);
    expect(records[2]).toEqual([
      "2025-06-01T10:00:01.000Z",
      "1748772001.000",
      "12.5",
      "3.1",
      "84.4",
      "0.0",
      "", // not measured: empty, as dstat leaves it
      "0",
      "40960",
      "1834",
      "2211",
      "0.52",
      "0.31",
      "0.20",
      "1203453952",
      "23062523904",
      "4.0",
      "55.5",
    ]);
    expect(records).toHaveLength(4);
  });

  it("appends as it goes, so a killed run keeps its rows", () => {
    dir = mkdtempSync(join(tmpdir(), "strain-csv-"));
    const path = join(dir, "system.csv");
    const out = new SystemCsvAppender(path, []);
    out.append(row(1000, 1));
    // Read before close: the row is on disk already.
    expect(readFileSync(path, "utf8").trim().split("\n")).toHaveLength(3);
    out.close();
    out.close();
  });
});
