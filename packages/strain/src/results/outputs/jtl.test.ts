import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { afterAll, describe, expect, it } from "vitest";
import type { HttpResult } from "../../protocols/http.js";
import {
  formatJtlRow,
  JTL_COLUMNS,
  JTL_HEADER,
  type JtlSample,
  JtlWriter,
  jtlPartPath,
  jtlSampleOf,
  mergeJtlFiles,
} from "./jtl.js";

const root = mkdtempSync(join(tmpdir(), "strain-jtl-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function sample(o: Partial<JtlSample> = {}): JtlSample {
  return {
    timeStamp: 1_700_000_000_000,
    elapsed: 12,
    label: "/users",
    responseCode: "200",
    responseMessage: "OK",
    threadName: "s 1-3",
    success: true,
    failureMessage: "",
    bytes: 120,
    sentBytes: 80,
    grpThreads: 4,
    allThreads: 8,
    url: "http://127.0.0.1:8080/users",
    latency: 10,
    connect: 0,
    ...o,
  };
}

/** What JMeter's CSV reader sees: RFC 4180 fields, header row, booleans as text. */
function readJtl(text: string): Record<string, string>[] {
  return parse(text, { columns: true, relax_quotes: false }) as Record<string, string>[];
}

describe("JTL rows", () => {
  it("have JMeter's default columns, in order, and parse back field for field", () => {
    expect(JTL_HEADER).toBe(
      "timeStamp,elapsed,label,responseCode,responseMessage,threadName,dataType,success,failureMessage,bytes,sentBytes,grpThreads,allThreads,URL,Latency,IdleTime,Connect\n",
    );
    const tricky = sample({
      label: 'search, "quoted"',
      success: false,
      responseCode: "Non HTTP response code: timeout",
      failureMessage: "line one\nline two, with comma\r",
    });
    const rows = readJtl(JTL_HEADER + formatJtlRow(sample()) + formatJtlRow(tricky));
    expect(Object.keys(rows[0]!)).toEqual([...JTL_COLUMNS]);
    expect(rows[0]).toEqual({
      timeStamp: "1700000000000",
      elapsed: "12",
      label: "/users",
      responseCode: "200",
      responseMessage: "OK",
      threadName: "s 1-3",
      dataType: "text",
      success: "true",
      failureMessage: "",
      bytes: "120",
      sentBytes: "80",
      grpThreads: "4",
      allThreads: "8",
      URL: "http://127.0.0.1:8080/users",
      Latency: "10",
      IdleTime: "0",
      Connect: "0",
    });
    expect(rows[1]!.label).toBe('search, "quoted"');
    expect(rows[1]!.success).toBe("false");
    expect(rows[1]!.failureMessage).toBe("line one\nline two, with comma\r");
  });

  it("come from an HttpResult the way JMeter words them", () => {
    const base = {
      method: "GET",
      name: "/orders",
      bytesSent: 90,
      bytesReceived: 300,
      headers: {},
      text: () => "",
      json: () => null,
      bytes: () => new Uint8Array(),
    } as unknown as HttpResult;
    const ctx = { endEpochMs: 1_000_100, threadName: "peak 1-7", grpThreads: 3, allThreads: 5 };
    const ok = jtlSampleOf(
      {
        ...base,
        status: 201,
        url: "http://h/orders?token=secret",
        errorClass: "ok",
        duration: 99.6,
        waiting: 80.2,
      },
      ctx,
    );
    expect(ok).toMatchObject({
      timeStamp: 1_000_000,
      elapsed: 100,
      label: "/orders",
      responseCode: "201",
      responseMessage: "Created",
      success: true,
      failureMessage: "",
      url: "http://h/orders",
      latency: 80,
      bytes: 300,
      sentBytes: 90,
    });
    const net = jtlSampleOf(
      {
        ...base,
        status: 0,
        url: "http://h/orders",
        errorClass: "net_error",
        netError: "refused",
        error: "connection refused by 127.0.0.1:1",
        duration: 2,
        waiting: 0,
      },
      ctx,
    );
    expect(net).toMatchObject({
      responseCode: "Non HTTP response code: refused",
      responseMessage: "Non HTTP response message: connection refused by 127.0.0.1:1",
      success: false,
      failureMessage: "connection refused by 127.0.0.1:1",
      latency: 0,
    });
  });
});

describe("JtlWriter and mergeJtlFiles", () => {
  it("merges part files by timeStamp into one file with one header, and removes the parts", async () => {
    const target = join(root, "all.jtl");
    const w0 = new JtlWriter(jtlPartPath(target, 0), 256);
    const w1 = new JtlWriter(jtlPartPath(target, 1), 256);
    for (let i = 0; i < 500; i++) {
      (i % 3 === 0 ? w1 : w0).write(
        sample({ timeStamp: 1000 + i, label: `r${i}`, failureMessage: i % 50 === 0 ? "a\nb" : "" }),
      );
    }
    w0.close();
    w1.close();
    expect(w0.rows + w1.rows).toBe(500);
    const rows = await mergeJtlFiles(
      [jtlPartPath(target, 0), jtlPartPath(target, 1), jtlPartPath(target, 7)],
      target,
    );
    expect(rows).toBe(500);
    const parsed = readJtl(readFileSync(target, "utf8"));
    expect(parsed.length).toBe(500);
    expect(parsed.map((r) => Number(r.timeStamp))).toEqual(Array.from({ length: 500 }, (_, i) => 1000 + i));
    expect(parsed[50]!.failureMessage).toBe("a\nb");
    expect(existsSync(jtlPartPath(target, 0))).toBe(false);
  });
});
