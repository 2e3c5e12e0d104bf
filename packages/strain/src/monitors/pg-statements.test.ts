import { describe, expect, it } from "vitest";
import { MONITOR_QUERY_TAG, type StatementRow, topStatements, toStatementRow } from "./pg-statements.js";

const row = (key: string, calls: number, totalMs: number, query = `SELECT ${key}`): StatementRow => ({
  key,
  query,
  database: "app",
  calls,
  totalMs,
  rows: calls,
});

describe("top statements during the run", () => {
  it("ranks by execution time between the two snapshots, not since the server started", () => {
    const before = new Map([
      ["a", row("a", 1000, 90_000)], // busy before the run, idle during it
      ["b", row("b", 10, 100)],
    ]);
    const after = [row("a", 1000, 90_000), row("b", 110, 1100), row("c", 5, 3000)];
    const top = topStatements(before, after, 10);
    expect(top).toEqual([
      { query: "SELECT c", database: "app", calls: 5, totalMs: 3000, meanMs: 600, rows: 5, percent: 75 },
      { query: "SELECT b", database: "app", calls: 100, totalMs: 1000, meanMs: 10, rows: 100, percent: 25 },
    ]);
    expect(topStatements(before, after, 1)).toHaveLength(1);
  });

  it("counts a statement reset during the run from zero, and leaves out the monitor's own", () => {
    const before = new Map([["a", row("a", 500, 5000)]]);
    const after = [row("a", 20, 200), row("m", 50, 10, `${MONITOR_QUERY_TAG}\nSELECT 1`)];
    expect(topStatements(before, after, 10)).toMatchObject([{ query: "SELECT a", calls: 20, totalMs: 200 }]);
  });

  it("reads rows of any pg_stat_statements version", () => {
    expect(
      toStatementRow({
        userid: 10,
        dbid: 5,
        queryid: "-77",
        toplevel: true,
        query: "q",
        calls: "3",
        total_exec_time: 1.5,
        rows: "3",
        datname: "app",
      }),
    ).toEqual({ key: "10:5:-77:true", query: "q", database: "app", calls: 3, totalMs: 1.5, rows: 3 });
    // PostgreSQL 12 and older: total_time, no toplevel.
    expect(
      toStatementRow({ userid: 1, dbid: 2, queryid: "9", query: "q", calls: "1", total_time: 4, rows: "0" }),
    ).toMatchObject({
      key: "1:2:9:t",
      totalMs: 4,
    });
  });
});
