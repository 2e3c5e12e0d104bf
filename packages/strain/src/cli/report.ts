import { ExitCodes } from "../errors.js";
import { rebuildSummary } from "../results/summary.js";
import { renderSummary } from "../results/text-summary.js";
import { type CliIO, formatError } from "./io.js";

/** `strain report <dir>`: rebuild summary.json from series.ndjson alone and print it. */
export async function reportCommand(dir: string, io: CliIO): Promise<number> {
  try {
    const { summary, truncated } = rebuildSummary(dir);
    if (truncated)
      io.stderr.write(
        "strain: the last line of series.ndjson was cut short (the run was killed); it was skipped\n",
      );
    io.stdout.write(renderSummary(summary, { color: io.isTTY }));
    io.stdout.write(`\nsummary written: ${dir}/summary.json\n`);
    return ExitCodes.OK;
  } catch (err) {
    io.stderr.write(formatError(err));
    return ExitCodes.USAGE;
  }
}
