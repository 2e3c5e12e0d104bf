import { describe, expect, it } from "vitest";
import { checkpointWarning } from "./checkpoints.js";

const SETTINGS = {
  hintsLoggedBy: "data checksums",
  maxWalSize: "1GB",
  checkpointTimeout: "5min",
} as const;
const mark = (checkpoints: number, walBytes: number) => ({ checkpoints, walBytes: BigInt(walBytes) });

describe("checkpointWarning", () => {
  it("says nothing when no checkpoint ran", () => {
    expect(checkpointWarning(mark(4, 1e9), mark(4, 9e9), SETTINGS)).toBeUndefined();
  });

  it("says nothing when hint bits are not WAL-logged", () => {
    expect(
      checkpointWarning(mark(4, 0), mark(9, 9e9), { ...SETTINGS, hintsLoggedBy: undefined }),
    ).toBeUndefined();
  });

  it("counts the checkpoints and the WAL between the marks, with the settings that caused them", () => {
    expect(checkpointWarning(mark(4, 1e9), mark(7, 23.4e9), SETTINGS)).toBe(
      "3 checkpoints ran during the load (22.4 GB of WAL; max_wal_size 1GB, checkpoint_timeout 5min), so the index " +
        "build writes the pages loaded before them to the WAL again (data checksums); for bulk loads raise " +
        "max_wal_size above the load's WAL and checkpoint_timeout above its duration",
    );
    expect(
      checkpointWarning(mark(0, 0), mark(1, 40e6), { ...SETTINGS, hintsLoggedBy: "wal_log_hints" }),
    ).toMatch(
      /^1 checkpoint ran during the load \(40 MB of WAL;.* loaded before it to the WAL again \(wal_log_hints\)/,
    );
  });
});
