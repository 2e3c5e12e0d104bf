import { describe, expect, it } from "vitest";
import { recordingVU } from "../../test/fixtures/plans/recording-vu.js";
import { ErrorCodes } from "../errors.js";
import { compileSteps } from "./steps.js";
import type { FlowStep } from "./types.js";

describe("compileSteps", () => {
  it("runs requests, checks, sleeps and transactions in order", async () => {
    const flow = compileSteps([
      {
        transaction: "login",
        steps: [
          { request: { method: "POST", url: "/login", json: { user: "u" }, check: { status: 200 } } },
          { sleep: "250ms" },
        ],
      },
      { request: { url: "/items", name: "items", tags: { page: "1" }, timeout: "2s", query: { limit: 5 } } },
      { sleep: { gaussian: { mean: "1s", stddev: "100ms" } } },
    ]);
    const { vu, calls } = recordingVU();
    await flow(vu);
    expect(calls).toEqual([
      { kind: "transaction", name: "login", phase: "start" },
      {
        kind: "request",
        method: "POST",
        url: "/login",
        opts: { json: { user: "u" }, expectedStatuses: [200] },
      },
      { kind: "check", results: { "status is 200": true }, tags: undefined },
      { kind: "sleep", t: 250 },
      { kind: "transaction", name: "login", phase: "end" },
      {
        kind: "request",
        method: "GET",
        url: "/items",
        opts: { name: "items", tags: { page: "1" }, timeout: 2000, query: { limit: 5 } },
      },
      { kind: "sleep", t: { gaussian: { mean: 1000, stddev: 100 } } },
    ]);
  });

  it("names checks as a person reads them and asks for the body only when a check needs it", async () => {
    const flow = compileSteps([
      { request: { url: "/a", check: { status: [200, 201], bodyIncludes: "welcome" } } },
      { request: { url: "/b", check: { status: 404 } } },
    ]);
    const { vu, calls } = recordingVU({}, (_m, url) =>
      url === "/a" ? { status: 201, body: "hello" } : { status: 404, body: "" },
    );
    await flow(vu);
    expect(calls[0]).toMatchObject({ opts: { responseType: "text", expectedStatuses: [200, 201] } });
    expect(calls[1]).toEqual({
      kind: "check",
      results: { "status is 200 or 201": true, 'body includes "welcome"': false },
      tags: undefined,
    });
    expect(calls[2]).toMatchObject({ opts: { expectedStatuses: [404] } });
    expect((calls[2] as { opts: object }).opts).not.toHaveProperty("responseType");
    expect(calls[3]).toMatchObject({ results: { "status is 404": true } });
  });

  it("a network error fails a body check instead of ending the iteration", async () => {
    const flow = compileSteps([{ request: { url: "/a", check: { bodyIncludes: "ok" } } }, { sleep: 1 }]);
    const { vu, calls } = recordingVU({}, () => ({ netError: true }));
    await flow(vu);
    expect(calls.map((c) => c.kind)).toEqual(["request", "check", "sleep"]);
    expect(calls[1]).toMatchObject({ results: { 'body includes "ok"': false } });
  });

  it(`substitutes \${env.NAME} in url, headers, query, body and json strings`, async () => {
    const flow = compileSteps([
      {
        request: {
          method: "PUT",
          url: `\${env.BASE}/users/\${env.ID}`,
          headers: { authorization: `Bearer \${env.TOKEN}`, accept: "text/plain" },
          query: { q: `\${env.ID}`, n: 1 },
          json: { id: `\${env.ID}`, nested: [{ t: `\${env.TOKEN}` }, 3], keep: "plain" },
        },
      },
      { request: { method: "POST", url: "/echo", body: `token=\${env.TOKEN}&x=1` } },
    ]);
    const { vu, calls } = recordingVU({ BASE: "http://h", ID: "42", TOKEN: "s3cr3t" });
    await flow(vu);
    expect(calls).toEqual([
      {
        kind: "request",
        method: "PUT",
        url: "http://h/users/42",
        opts: {
          headers: { authorization: "Bearer s3cr3t", accept: "text/plain" },
          query: { q: "42", n: 1 },
          json: { id: "42", nested: [{ t: "s3cr3t" }, 3], keep: "plain" },
        },
      },
      { kind: "request", method: "POST", url: "/echo", opts: { body: "token=s3cr3t&x=1" } },
    ]);
  });

  it("an unset env variable fails the iteration with a message naming it", async () => {
    const flow = compileSteps([{ request: { url: "/x", headers: { "x-key": `\${env.API_KEY}` } } }]);
    const { vu } = recordingVU({});
    await expect(flow(vu)).rejects.toMatchObject({
      code: ErrorCodes.PLAN_INVALID,
      message: `\${env.API_KEY} is used by the plan but API_KEY is not set`,
      hint: "pass it with --env API_KEY=value",
    });
  });

  it("builds request options once when nothing is substituted", async () => {
    const flow = compileSteps([{ request: { url: "/x", headers: { a: "b" }, json: { k: [1] } } }]);
    const { vu, calls } = recordingVU();
    await flow(vu);
    await flow(vu);
    const [first, second] = calls as Array<{ opts: unknown }>;
    expect(first!.opts).toBe(second!.opts);
  });

  it("refuses a step of no known kind", () => {
    expect(() => compileSteps([{} as FlowStep])).toThrow(
      expect.objectContaining({ code: ErrorCodes.PLAN_INVALID }),
    );
  });
});
