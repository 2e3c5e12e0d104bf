import { describe, expect, it } from "vitest";
import { describePgError, isConnectionLost } from "./pg-errors.js";

const pgError = (code: string, message: string) => Object.assign(new Error(message), { code });

describe("isConnectionLost and describePgError agree", () => {
  // node-postgres's own messages (lib/client.js, lib/connection.js) and socket codes.
  const lost = [
    new Error("Connection terminated unexpectedly"),
    new Error("Client has encountered a connection error and is not queryable"),
    pgError("ECONNRESET", "read ECONNRESET"),
    pgError("EPIPE", "write EPIPE"),
    pgError("57P02", "terminating connection because of crash of another server process"),
  ];
  for (const err of lost)
    it(`lost: ${err.message}`, () => {
      expect(isConnectionLost(err)).toBe(true);
      expect(describePgError(err)).toMatch(
        /^the (connection to the database was lost|database server crashed)/,
      );
    });

  const kept = [
    pgError("53100", "could not extend file: No space left on device"),
    pgError("23505", "duplicate key value violates unique constraint"),
    new Error("syntax error at or near"),
  ];
  for (const err of kept)
    it(`not lost: ${err.message}`, () => {
      expect(isConnectionLost(err)).toBe(false);
      expect(describePgError(err)).not.toMatch(/was lost/);
    });
});
