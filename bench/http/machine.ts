/** The machine and tool versions a table was measured with, as one Markdown paragraph. */
import { cpus, release, totalmem } from "node:os";
import type { Tool } from "./tool.js";

export function describeMachine(tools: readonly Tool[], extra: readonly string[] = []): string {
  const cpu = cpus();
  const versions = tools
    .map((t) => {
      try {
        return t.version();
      } catch {
        return `${t.name} (version unknown)`;
      }
    })
    .filter((v, i, all) => all.indexOf(v) === i);
  return [
    `Measured ${new Date().toISOString().replace(/\.\d+Z$/, "Z")} on ${cpu[0]?.model ?? "unknown CPU"} × ${cpu.length} cores, ` +
      `${(totalmem() / 2 ** 30).toFixed(0)} GiB, Linux ${release()}, Node ${process.version}; ` +
      `${[...versions, ...extra].join(", ")}. The machine is shared with other work: compare tools within one table.`,
  ].join("\n");
}
