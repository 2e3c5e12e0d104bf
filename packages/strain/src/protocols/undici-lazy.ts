import { createRequire } from "node:module";
import type * as Undici from "undici";

const require = createRequire(import.meta.url);

/**
 * undici, loaded on first use. Importing it costs ~80 ms of CPU per process (measured: `node -e
 * "import('undici')"` 0.14 s vs 0.04 s for bare node), which a plain-HTTP run on the fast driver
 * without Prometheus never needs, in the coordinator and in every worker.
 */
let loaded: typeof Undici | null = null;

export function undici(): typeof Undici {
  loaded ??= require("undici") as typeof Undici;
  return loaded;
}

/**
 * undici's error classes alone (~10 ms), for the fast driver, whose errors must be undici's own
 * classes so `classifyNetError` and users see one shape whichever driver ran. The package has no
 * `exports` map, so the path is public; the driver tests fail if it moves.
 */
export const undiciErrors = require("undici/lib/core/errors.js") as typeof Undici.errors;
