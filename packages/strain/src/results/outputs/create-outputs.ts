import { CsvOutput } from "./csv-output.js";
import { JsonOutput } from "./json-output.js";
import { JUnitOutput } from "./junit-output.js";
import type { RunOutput } from "./output.js";
import type { OutputSpec } from "./parse-out.js";
import { PrometheusOutput } from "./prometheus-output.js";

/**
 * The outputs of parsed `--out` values, in order. Files are opened now (a bad path fails before
 * any traffic, with STRAIN_ERR_RUN_DIR); `warn` hears problems during the run (once each).
 */
export function createOutputs(specs: readonly OutputSpec[], warn: (message: string) => void): RunOutput[] {
  const out: RunOutput[] = [];
  try {
    for (const s of specs) {
      switch (s.kind) {
        case "json":
          out.push(new JsonOutput(s.path, warn));
          break;
        case "csv":
          out.push(new CsvOutput(s.path, warn));
          break;
        case "junit":
          out.push(new JUnitOutput(s.path, warn));
          break;
        case "prometheus":
          out.push(new PrometheusOutput(s.url, warn));
          break;
      }
    }
  } catch (err) {
    for (const o of out) void o.close();
    throw err;
  }
  return out;
}

/** Close every output (flush files, send what is queued); never rejects. */
export async function closeOutputs(outputs: readonly RunOutput[]): Promise<void> {
  await Promise.all(outputs.map((o) => o.close().catch(() => undefined)));
}
