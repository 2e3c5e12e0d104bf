import { describe, expect, it } from "vitest";
import { SecretRedactor } from "./redact.js";

describe("SecretRedactor", () => {
  it("removes env secrets and secret header values, keeping the rest of the message", () => {
    const r = new SecretRedactor(["API_TOKEN", "X-Api-Key"], { API_TOKEN: "abcdef123", OTHER: "visible" });
    r.noteHeaders({
      Authorization: "Bearer jwt.payload.sig",
      "x-api-key": "key-42424242",
      accept: "text/plain",
    });
    const msg = "sent abcdef123 with jwt.payload.sig and key-42424242, accept text/plain, visible";
    expect(r.redact(msg)).toBe("sent [secret] with [secret] and [secret], accept text/plain, visible");
  });

  it("ignores values too short to be secrets", () => {
    const r = new SecretRedactor([], {});
    r.noteHeaders({ cookie: "a=1" });
    expect(r.redact("a=1 stays")).toBe("a=1 stays");
  });
});
