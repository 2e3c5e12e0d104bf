import { Coordinator } from "../engine/coordinator.js";
import { ErrorCodes, ExitCodes, hasCode, StrainError } from "../errors.js";
import { writeReport } from "../report/render-report.js";
import { closeOutputs, createOutputs } from "../results/outputs/create-outputs.js";
import { CsvOutput } from "../results/outputs/csv-output.js";
import { combineObservers, type RunOutput } from "../results/outputs/output.js";
import { parseOutFlags } from "../results/outputs/parse-out.js";
import { renderSummary } from "../results/text-summary.js";
import { type CliIO, formatError } from "./io.js";
import type { RunFlags } from "./main.js";
import { createProgress } from "./progress.js";
import { writeJUnitFile } from "./report.js";

/** `strain run <plan>`: validate (nothing sent on error), run, print the summary, map the exit code. */
export async function runCommand(planPath: string, flags: RunFlags, io: CliIO): Promise<number> {
  let env: Record<string, string>;
  try {
    env = parseEnvFlags(flags.env ?? [], io.env);
  } catch (err) {
    io.stderr.write(formatError(err));
    return ExitCodes.USAGE;
  }
  const progress = createProgress(io, flags.quiet === true);
  let outputs: RunOutput[];
  try {
    outputs = createOutputs(parseOutFlags(flags.out ?? [], io.cwd), (m) => io.stderr.write(`strain: ${m}\n`));
  } catch (err) {
    io.stderr.write(formatError(err));
    return hasCode(err, ErrorCodes.USAGE) ? ExitCodes.USAGE : ExitCodes.OUTPUT_FAILED;
  }
  const coordinator = new Coordinator({
    planPath,
    ...(flags.workers !== undefined ? { workers: flags.workers } : {}),
    runsDir: flags.outDir,
    env,
    observer: combineObservers([progress, ...outputs], (e) => io.stderr.write(formatError(e))),
    ...jtlOf(outputs),
    strict: flags.strict === true,
  });
  try {
    await coordinator.prepare();
  } catch (err) {
    io.stderr.write(formatError(err));
    await closeOutputs(outputs);
    if (hasCode(err, ErrorCodes.PLAN_INVALID) || hasCode(err, ErrorCodes.PLAN_LOAD))
      return ExitCodes.INVALID_CONFIG;
    if (hasCode(err, ErrorCodes.RUN_DIR)) return ExitCodes.OUTPUT_FAILED;
    return ExitCodes.ENGINE_ERROR;
  }

  let signals = 0;
  const unsubscribe = io.onSignal((signal) => {
    signals++;
    if (signals === 1) {
      io.stderr.write(
        `\nstrain: ${signal} received: stopping new iterations, draining in-flight ones (press Ctrl-C again to stop now)\n`,
      );
      coordinator.abort(`${signal} received`);
    } else {
      io.stderr.write(`strain: second ${signal}: stopping now\n`);
      coordinator.kill(`${signal} received twice`);
    }
  });
  try {
    const result = await coordinator.run();
    progress.close();
    io.stdout.write(renderSummary(result.summary, { color: io.isTTY }));
    io.stdout.write(`\nrun directory: ${result.runDir}\n`);
    // The report is a view of the run directory: failing to draw it loses no data.
    try {
      io.stdout.write(`report: ${writeReport(result.runDir)}\n`);
    } catch (err) {
      io.stderr.write(`strain: the HTML report could not be written: ${(err as Error).message}\n`);
    }
    if (result.status !== "completed" && result.reason !== undefined) {
      io.stderr.write(`strain: run ${result.status}: ${result.reason}\n`);
    }
    if (flags.junit !== undefined && !writeJUnitFile(flags.junit, result.summary, io)) {
      return result.exitCode === ExitCodes.OK ? ExitCodes.OUTPUT_FAILED : result.exitCode;
    }
    return result.exitCode;
  } catch (err) {
    progress.close();
    io.stderr.write(formatError(err));
    io.stderr.write(`run directory (data written so far): ${coordinator.directory}\n`);
    return hasCode(err, ErrorCodes.RUN_DIR) ? ExitCodes.OUTPUT_FAILED : ExitCodes.ENGINE_ERROR;
  } finally {
    unsubscribe();
    await closeOutputs(outputs);
  }
}

/** `--out csv=<file>`: the workers write its rows themselves. */
function jtlOf(outputs: readonly RunOutput[]): { jtlPath?: string } {
  const csv = outputs.find((o): o is CsvOutput => o instanceof CsvOutput);
  return csv !== undefined ? { jtlPath: csv.path } : {};
}

/** `--env KEY=VALUE` (repeatable); `--env KEY` takes the value from the process environment. */
export function parseEnvFlags(
  flags: readonly string[],
  processEnv: Readonly<Record<string, string | undefined>> = {},
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const f of flags) {
    const eq = f.indexOf("=");
    if (eq === 0) throw new StrainError(ErrorCodes.USAGE, `--env '${f}': missing the variable name`);
    if (eq === -1) {
      const v = processEnv[f];
      if (v === undefined) {
        throw new StrainError(ErrorCodes.USAGE, `--env ${f}: not set in the environment`, {
          hint: `give a value with --env ${f}=VALUE`,
        });
      }
      env[f] = v;
    } else {
      env[f.slice(0, eq)] = f.slice(eq + 1);
    }
  }
  return env;
}
