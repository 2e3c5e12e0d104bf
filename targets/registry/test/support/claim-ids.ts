/**
 * A separate process claiming functional ids, one per transaction, as idgen jobs do:
 * `node --import tsx claim-ids.ts <database url> <count>` prints the claimed ids as JSON.
 * Waits for "go" on stdin so that every process starts claiming at the same moment.
 */
import { randomUUID } from "node:crypto";
import { createPool } from "../../src/db/pool.js";
import { claimId } from "../../src/jobs/id-pool.js";

const [url, countArg] = process.argv.slice(2);
const count = Number(countArg);
const pool = createPool(url!, { max: 2, statementTimeoutMs: 30_000, applicationName: "claim-ids" });
await pool.query("SELECT 1");
process.stdout.write("ready\n");
await new Promise<void>((resolve) => process.stdin.once("data", () => resolve()));

const claimed: string[] = [];
for (let i = 0; i < count; i++) {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    const id = await claimId(client, randomUUID());
    await client.query("COMMIT");
    if (id === undefined) throw new Error("pool empty");
    claimed.push(id);
  } finally {
    client.release();
  }
}
await pool.end();
process.stdout.write(`${JSON.stringify(claimed)}\n`);
