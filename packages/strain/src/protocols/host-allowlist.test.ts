import { describe, expect, it } from "vitest";
import { createHostAllowlist, parseHostEntry } from "./host-allowlist.js";

describe("host allowlist", () => {
  it("allows a bare name on any port and name:port on that port only", () => {
    const a = createHostAllowlist(["api.example.com", "127.0.0.1:8080"]);
    expect(a.allows("api.example.com", 443)).toBe(true);
    expect(a.allows("api.example.com", 8443)).toBe(true);
    expect(a.allows("127.0.0.1", 8080)).toBe(true);
    expect(a.allows("127.0.0.1", 8081)).toBe(false);
    expect(a.allows("other.example.com", 443)).toBe(false);
    // No suffix or prefix matching: a subdomain is another host.
    expect(a.allows("evil.api.example.com", 443)).toBe(false);
  });

  it("compares case-insensitively and ignores a trailing dot", () => {
    const a = createHostAllowlist(["API.Example.com."]);
    expect(a.allows("api.example.com", 80)).toBe(true);
    expect(a.allows("api.example.com.", 80)).toBe(true);
  });

  it("handles IPv6 in brackets, with or without port, and bare", () => {
    const a = createHostAllowlist(["[::1]:8080", "::2", "[::3]"]);
    expect(a.allows("[::1]", 8080)).toBe(true);
    expect(a.allows("[::1]", 80)).toBe(false);
    expect(a.allows("[::2]", 1)).toBe(true);
    expect(a.allows("[::3]", 1)).toBe(true);
  });

  it("skips empty and malformed entries instead of allowing everything", () => {
    expect(parseHostEntry("")).toBeNull();
    expect(parseHostEntry("host:notaport")).toBeNull();
    expect(parseHostEntry("host:70000")).toBeNull();
    expect(parseHostEntry("[::1")).toBeNull();
    const a = createHostAllowlist(["", "host:x"]);
    expect(a.entries).toEqual([]);
    expect(a.allows("host", 80)).toBe(false);
  });
});
