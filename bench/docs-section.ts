/** Benchmarks write their tables into docs/benchmarks.md between `<!-- name:start -->` and `<!-- name:end -->`. */
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const FILE = join(dirname(fileURLToPath(import.meta.url)), "..", "docs", "benchmarks.md");

export function replaceSection(name: string, body: string): void {
  const text = readFileSync(FILE, "utf8");
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const a = text.indexOf(start);
  const b = text.indexOf(end);
  if (a < 0 || b < a) throw new Error(`docs/benchmarks.md has no ${start} … ${end} section`);
  writeFileSync(FILE, `${text.slice(0, a + start.length)}\n${body}${text.slice(b)}`);
}
