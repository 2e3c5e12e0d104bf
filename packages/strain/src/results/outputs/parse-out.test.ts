import { describe, expect, it } from "vitest";
import { parseOutFlags } from "./parse-out.js";

describe("parseOutFlags", () => {
  it("parses each kind; relative files from cwd; a bare Prometheus URL gets /api/v1/write", () => {
    expect(
      parseOutFlags(
        [
          "json=out/results.ndjson",
          "csv=/tmp/requests.jtl",
          "junit=criteria.xml",
          "prometheus=http://127.0.0.1:9090",
          "prometheus=https://mimir.example/api/v1/push",
        ],
        "/srv/load",
      ),
    ).toEqual([
      { kind: "json", path: "/srv/load/out/results.ndjson", text: "json=out/results.ndjson" },
      { kind: "csv", path: "/tmp/requests.jtl", text: "csv=/tmp/requests.jtl" },
      { kind: "junit", path: "/srv/load/criteria.xml", text: "junit=criteria.xml" },
      {
        kind: "prometheus",
        url: "http://127.0.0.1:9090/api/v1/write",
        text: "prometheus=http://127.0.0.1:9090",
      },
      {
        kind: "prometheus",
        url: "https://mimir.example/api/v1/push",
        text: "prometheus=https://mimir.example/api/v1/push",
      },
    ]);
  });

  it("reports every problem at once, with a suggestion for a typo", () => {
    let err: { code?: string; message?: string; details?: string[] } = {};
    try {
      parseOutFlags(
        ["jsno=a.ndjson", "csv=", "prometheus=ftp://x", "json", "junit=a.xml", "json=./a.xml"],
        "/w",
      );
    } catch (e) {
      err = e as typeof err;
    }
    expect(err.code).toBe("STRAIN_ERR_USAGE");
    expect(err.message).toBe("5 problems with --out");
    expect(err.details).toEqual([
      "--out jsno=a.ndjson: unknown output 'jsno' (did you mean 'json'?); expected one of json, csv, prometheus, junit",
      "--out csv=: missing the target after 'csv=' (a file)",
      "--out prometheus=ftp://x: 'ftp://x' is not an http:// or https:// URL",
      "--out json: missing the target after 'json=' (a file)",
      "--out json=./a.xml: /w/a.xml is already written by --out junit=a.xml",
    ]);
  });

  it("a single problem is the message itself", () => {
    expect(() => parseOutFlags(["influx=http://x"], "/")).toThrow(
      "--out influx=http://x: unknown output 'influx'; expected one of json, csv, prometheus, junit",
    );
  });
});
