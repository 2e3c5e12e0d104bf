/**
 * `--export farmers.national_id,farmers.first_name --sample 1000`: CSV feeders drawn from the
 * loaded tables, so plans search for ids and names that exist. One file per table, named after
 * it, with a header row (the form `strain run` feeders read). The sample is TABLESAMPLE BERNOULLI
 * with a fixed REPEATABLE seed: spread over the whole table, and the same rows again for the same
 * data.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type pg from "pg";
import { ErrorCodes, StrainError } from "../errors.js";
import { quoteName } from "./schema-prep.js";

export interface ExportSpec {
  table: string;
  columns: string[];
}

/** Parse `table.column,table.column,…` into one spec per table, in first-mention order. */
export function parseExportList(list: string): ExportSpec[] {
  const specs: ExportSpec[] = [];
  for (const raw of list.split(",")) {
    const item = raw.trim();
    if (item === "") continue;
    const dot = item.lastIndexOf(".");
    if (dot <= 0 || dot === item.length - 1)
      throw new StrainError(ErrorCodes.USAGE, `--export: "${item}" is not table.column`, {
        hint: "e.g. --export farmers.national_id,farmers.first_name,households.functional_id",
      });
    const table = item.slice(0, dot);
    const column = item.slice(dot + 1);
    let spec = specs.find((s) => s.table === table);
    if (spec === undefined) {
      spec = { table, columns: [] };
      specs.push(spec);
    }
    if (!spec.columns.includes(column)) spec.columns.push(column);
  }
  if (specs.length === 0) throw new StrainError(ErrorCodes.USAGE, "--export names no columns");
  return specs;
}

function csvField(v: unknown): string {
  if (v === null || v === undefined) return "";
  const s = v instanceof Date ? v.toISOString() : Array.isArray(v) ? v.join(" ") : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Write `<dir>/<table>.csv` for each spec with up to `sample` rows; returns the files and row counts. */
export async function exportFeeders(
  client: pg.ClientBase,
  specs: readonly ExportSpec[],
  sample: number,
  dir: string,
  seed: number,
): Promise<{ file: string; rows: number }[]> {
  if (!Number.isSafeInteger(sample) || sample < 1)
    throw new StrainError(ErrorCodes.USAGE, `--sample must be a whole number ≥ 1 (got ${sample})`);
  await mkdir(dir, { recursive: true });
  const out: { file: string; rows: number }[] = [];
  for (const spec of specs) {
    const cols = spec.columns.map(quoteName).join(", ");
    const notNull = spec.columns.map((c) => `${quoteName(c)} IS NOT NULL`).join(" AND ");
    let rows: Record<string, unknown>[];
    try {
      const est = await client.query<{ n: string }>(
        "SELECT GREATEST(reltuples, 0)::bigint AS n FROM pg_class WHERE oid = to_regclass($1)",
        [quoteName(spec.table)],
      );
      const total = Number(est.rows[0]?.n ?? 0);
      // Twice the share needed, so NULLs and sampling noise still leave `sample` rows.
      const percent = total > 0 ? Math.min(100, (200 * sample) / total) : 100;
      const q = `SELECT ${cols} FROM ${quoteName(spec.table)} TABLESAMPLE BERNOULLI (${percent}) REPEATABLE (${seed})
                  WHERE ${notNull} LIMIT ${sample}`;
      rows = (await client.query<Record<string, unknown>>(q)).rows;
      if (rows.length < sample && percent < 100)
        rows = (
          await client.query<Record<string, unknown>>(
            `SELECT ${cols} FROM ${quoteName(spec.table)} WHERE ${notNull} LIMIT ${sample}`,
          )
        ).rows;
    } catch (err) {
      throw new StrainError(ErrorCodes.DATA_TARGET, `--export ${spec.table}: ${(err as Error).message}`, {
        cause: err,
      });
    }
    const file = join(dir, `${spec.table}.csv`);
    const lines = [spec.columns.join(",")];
    for (const r of rows) lines.push(spec.columns.map((c) => csvField(r[c])).join(","));
    try {
      await writeFile(file, `${lines.join("\n")}\n`);
    } catch (err) {
      throw new StrainError(ErrorCodes.DATA_TARGET, `cannot write ${file}: ${(err as Error).message}`, {
        cause: err,
      });
    }
    out.push({ file, rows: rows.length });
  }
  return out;
}
