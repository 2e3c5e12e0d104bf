import { describe, expect, it } from "vitest";
import { createHostMatcher, hostEntryOf, parseHostEntry } from "./hosts.js";

describe("parseHostEntry", () => {
  it.each([
    ["API.Example.com", "api.example.com"],
    ["127.0.0.1:8080", "127.0.0.1:8080"],
    ["[::1]:3000", "[::1]:3000"],
    ["registry_api", "registry_api"],
  ])("accepts %s as %s", (entry, host) => {
    expect(parseHostEntry(entry)).toEqual({ ok: true, host });
  });

  it.each([
    [
      "https://api.example.com/v1",
      '"https://api.example.com/v1" is a URL, not a host',
      'write only the host: "api.example.com"',
    ],
    ["*.example.com", '"*.example.com" has a wildcard', "wildcards are not supported: list each host"],
    [
      "api.example.com/v1",
      '"api.example.com/v1" is not a host',
      expect.stringContaining("optionally with a port"),
    ],
    ["localhost:99999", '"localhost:99999" is not a host', expect.stringContaining("optionally with a port")],
  ])("rejects %s", (entry, error, hint) => {
    expect(parseHostEntry(entry)).toEqual({ ok: false, error, hint });
  });
});

describe("createHostMatcher", () => {
  const allowed = createHostMatcher(["api.example.com", "127.0.0.1:8080", "secure.example.com:443"]);
  it.each([
    ["https://api.example.com/x", true],
    ["http://API.example.com:9999/x", true],
    ["http://127.0.0.1:8080/", true],
    ["http://127.0.0.1:8081/", false],
    ["http://127.0.0.1/", false],
    ["https://secure.example.com/", true],
    ["http://secure.example.com/", false],
    ["https://evil.example.com/", false],
  ])("%s → %s", (url, ok) => {
    expect(allowed(new URL(url))).toBe(ok);
  });

  it("names a URL's host with its port only when the URL has one", () => {
    expect(hostEntryOf(new URL("https://API.example.com/v1"))).toBe("api.example.com");
    expect(hostEntryOf(new URL("http://127.0.0.1:8080/"))).toBe("127.0.0.1:8080");
  });
});
