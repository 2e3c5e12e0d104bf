import { describe, expect, it } from "vitest";
import { parseThresholdExpression, parseThresholdKey, thresholdsToRows } from "./k6-thresholds.js";

describe("k6 threshold syntax", () => {
  it.each([
    ["p(95)<2000", "p(95)", "<2000"],
    ["p(99.9) <= 1500", "p(99.9)", "<=1500"],
    ["rate<0.01", "rate", "<0.01"],
    ["count>=100", "count", ">=100"],
    ["avg===5", "avg", "==5"],
    ["med != 3", "med", "!=3"],
    ["p(95)<2s", "p(95)", "<2s"],
  ])("%s", (expr, stat, threshold) => {
    expect(parseThresholdExpression(expr)).toEqual({ ok: true, stat, threshold });
  });

  it.each(["p95<2000", "p(95)", "rate<", "p(101)<3", "rate<2x", "lol"])("rejects %s with a hint", (expr) => {
    const r = parseThresholdExpression(expr);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.hint).not.toBe("");
  });

  it("reads keys with filters, k6's unquoted values included", () => {
    expect(parseThresholdKey("http_req_duration")).toEqual({ ok: true, metric: "http_req_duration" });
    expect(parseThresholdKey("http_req_duration{category:login,url:http://x/y}")).toEqual({
      ok: true,
      metric: "http_req_duration",
      where: { category: "login", url: "http://x/y" },
    });
    expect(parseThresholdKey("http_req_duration{category}").ok).toBe(false);
    expect(parseThresholdKey("{a:b}").ok).toBe(false);
  });

  it("maps each expression to a row with a threshold only, labelled with key and expression", () => {
    const { rows, problems } = thresholdsToRows({
      "http_req_duration{category:login}": [
        "p(95)<2000",
        { threshold: "p(99)<3000", abortOnFail: true, delayAbortEval: "10s" },
      ],
      http_req_failed: ["rate<0.01"],
    });
    expect(problems).toEqual([]);
    expect(rows).toEqual([
      {
        path: ["thresholds", "http_req_duration{category:login}", 0],
        row: {
          label: "http_req_duration{category:login} p(95)<2000",
          metric: "http_req_duration",
          stat: "p(95)",
          threshold: "<2000",
          where: { category: "login" },
        },
      },
      {
        path: ["thresholds", "http_req_duration{category:login}", 1],
        row: {
          label: "http_req_duration{category:login} p(99)<3000",
          metric: "http_req_duration",
          stat: "p(99)",
          threshold: "<3000",
          where: { category: "login" },
          abortOnFail: true,
          delayAbortEval: "10s",
        },
      },
      {
        path: ["thresholds", "http_req_failed", 0],
        row: {
          label: "http_req_failed rate<0.01",
          metric: "http_req_failed",
          stat: "rate",
          threshold: "<0.01",
        },
      },
    ]);
  });
});
