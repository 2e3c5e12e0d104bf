import { writeFileSync } from "node:fs";
import { renderJUnit } from "../../criteria/junit.js";
import type { RunResult } from "../../engine/coordinator.js";
import type { RunOutput } from "./output.js";

/** `--out junit=<file>`: the criteria verdicts as JUnit XML (one test case per row), written at the end. */
export class JUnitOutput implements RunOutput {
  readonly name: string;

  constructor(
    readonly path: string,
    private readonly warn: (message: string) => void = () => {},
  ) {
    this.name = `junit=${path}`;
  }

  onEnd(result: RunResult): void {
    try {
      writeFileSync(this.path, renderJUnit(result.summary.criteria, result.summary.plan));
    } catch (err) {
      this.warn(`--out ${this.name}: cannot write (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
    }
  }

  async close(): Promise<void> {}
}
