import { copyValue } from "../copy-text.js";
import { getLocale } from "../locales/index.js";
import type { Locale } from "../locales/locale.js";
import type { GenSpec } from "./generators.js";
import { type DatasetModel, resolveColumn, type TableModel } from "./model.js";

/**
 * Rough stored size of a row, for the loader's disk check: PostgreSQL's tuple header (23 bytes,
 * aligned to 24) and line pointer (4), each column's usual on-disk width, and one b-tree entry
 * (value + 16 bytes) per unique column. Within ±30% is all the disk check needs.
 */
export function bytesPerRow(model: DatasetModel, t: TableModel): number {
  const widths = t.columns.map((c, i) => widthOf(c.spec, model, t, i));
  const heap = 28 + widths.reduce((a, w) => a + w, 0);
  let index = 0;
  for (const u of new Set(t.unique)) {
    const i = t.columns.findIndex((c) => c.name === u);
    if (i >= 0) index += widths[i]! + 16;
  }
  return Math.ceil((Math.ceil(heap / 8) * 8 + index) * 1.1);
}

const average = (words: readonly string[]): number =>
  words.length === 0 ? 0 : words.reduce((a, w) => a + Buffer.byteLength(w), 0) / words.length;

function localeOf(model: DatasetModel, code: string | undefined): Locale {
  return code === undefined ? model.locale : getLocale(code);
}

/** Usual stored width in bytes of one value (text: its length + a 1-byte header). */
function widthOf(g: GenSpec, model: DatasetModel, t: TableModel, at: number): number {
  switch (g.kind) {
    case "choice": {
      const total = g.weights.reduce((a, w) => a + w, 0) || 1;
      return g.values.reduce<number>((a, v, i) => a + ((g.weights[i] ?? 0) / total) * scalarWidth(v), 0);
    }
    case "int":
      return Math.max(Math.abs(g.min), Math.abs(g.max)) < 2 ** 31 ? 4 : 8;
    case "real":
      return 8;
    case "date":
      return 4;
    case "timestamp":
      return 8;
    case "bool":
      return 1;
    case "uuid":
      return 16;
    case "sequence":
      return g.prefix === "" && g.width === 0 ? 8 : g.prefix.length + Math.max(g.width, 7) + 1;
    case "pattern":
      return g.parts.reduce((a, p) => a + ("lit" in p ? p.lit.length : 1), 0) + 1;
    case "firstName":
    case "lastName":
    case "fullName": {
      const loc = localeOf(model, g.options.locale);
      const first = (average(loc.maleFirstNames) + average(loc.femaleFirstNames)) / 2;
      const last = average(loc.surnames);
      return 1 + (g.kind === "firstName" ? first : g.kind === "lastName" ? last : first + last + 1);
    }
    case "phone": {
      const loc = localeOf(model, g.locale);
      return 1 + loc.phone.prefix.length + loc.phone.digits;
    }
    case "email": {
      const loc = localeOf(model, g.locale);
      return 1 + average(loc.maleFirstNames) + average(loc.surnames) + g.domain.length + 6;
    }
    case "ref": {
      const r = resolveColumn(model, t, at, g.path, "parent");
      return Array.isArray(r) ? 16 : widthOf(r.table.columns[r.column]!.spec, model, r.table, r.column);
    }
    case "derive":
      return g.width;
    case "constant":
      return scalarWidth(g.value);
    case "nullable":
      return (typeof g.p === "number" ? 1 - g.p : 0.5) * widthOf(g.inner, model, t, at);
    case "json":
      return (
        4 +
        Buffer.byteLength(
          JSON.stringify(g.shape, (_k, v) =>
            v !== null && typeof v === "object" && "~strain.generator" in v ? "x".repeat(8) : v,
          ) ?? "",
        )
      );
    case "array":
      return 24 + ((g.min + g.max) / 2) * widthOf(g.inner, model, t, at);
    case "childCount":
      return 4;
    case "sum":
      return 8;
  }
}

function scalarWidth(v: unknown): number {
  if (v === null || v === undefined) return 0;
  if (typeof v === "number") return 8;
  if (typeof v === "boolean") return 1;
  return 1 + Buffer.byteLength(copyValue(v));
}
