import { jtlPartPath, mergeJtlFiles } from "./jtl.js";
import type { RunOutput } from "./output.js";

/**
 * `--out csv=<file>`: the observer side of the JTL output. Workers write their own part files
 * (`JtlWriter` on `jtlPartPath(file, i)`, from the request path); at the end `close` merges the
 * parts into `<file>` and removes them.
 */
export class CsvOutput implements RunOutput {
  readonly name: string;
  private workers = 0;
  /** Rows in the merged file, once closed. */
  rows = 0;

  constructor(
    readonly path: string,
    private readonly warn: (message: string) => void = () => {},
  ) {
    this.name = `csv=${path}`;
  }

  onStart(info: { workers: number }): void {
    this.workers = info.workers;
  }

  /** The part file of worker `index`: what the lead hands each worker. */
  partPath(workerIndex: number): string {
    return jtlPartPath(this.path, workerIndex);
  }

  async close(): Promise<void> {
    if (this.workers === 0) return;
    const parts = Array.from({ length: this.workers }, (_, i) => this.partPath(i));
    this.workers = 0;
    try {
      this.rows = await mergeJtlFiles(parts, this.path);
    } catch (err) {
      this.warn(`--out ${this.name}: cannot merge the workers' rows (${(err as Error).message})`);
    }
  }
}
