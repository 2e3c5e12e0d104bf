import { availableParallelism } from "node:os";
import { describe, expect, it } from "vitest";
import { defaultGenerateAhead } from "./load.js";

describe("defaultGenerateAhead", () => {
  it("generates ahead for a database on another host, whatever the cores", () => {
    expect(defaultGenerateAhead("postgres://db.example.org:5432/registry", 64)).toBe(true);
    expect(defaultGenerateAhead("postgres://10.0.0.7/registry", 64)).toBe(true);
  });

  it("on this host, only with two cores per loader", () => {
    const cores = availableParallelism();
    for (const url of [
      "postgres://127.0.0.1:5432/x",
      "postgres://localhost/x",
      "postgres://[::1]/x",
      "postgres://%2Fvar%2Frun%2Fpostgresql/x",
      "postgres:///x?host=/tmp",
    ]) {
      expect(defaultGenerateAhead(url, cores)).toBe(false);
      expect(defaultGenerateAhead(url, 1)).toBe(cores >= 2);
    }
  });

  it("is off for a URL it cannot read (the connection then fails with its own message)", () => {
    expect(defaultGenerateAhead("not a url", 1)).toBe(false);
  });
});
