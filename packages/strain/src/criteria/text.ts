import type { CriterionDefinition, WindowSpec } from "./definition.js";
import { parseStat } from "./stats.js";
import {
  closingQuote,
  formatWhere,
  parseJsonString,
  parseWhereAt,
  TextError,
  toTagMatches,
} from "./where.js";
import { parseWindow, windowSpecText } from "./window-spec.js";

/**
 * A criteria row as one line of text, the form rows take in YAML lists, the terminal and JUnit:
 *
 *   http_req_duration{transaction:login} p(95) target 2s threshold 5s
 *   http_req_failed rate target <0.5% threshold <=1% window every 1m abortOnFail delayAbortEval 30s
 *   of login-failures target 2x threshold 4x window peak label "Peak-load errors (login)"
 *
 * The head (`metric{filter} stat`) is left out only by rows that take it from their `of` row
 * (so a metric cannot be named like a clause keyword in text).
 * Clauses may come in any order, each once. Labels, and names with spaces or symbols, are JSON strings.
 */

const KEYWORDS = [
  "target",
  "threshold",
  "window",
  "of",
  "label",
  "id",
  "abortOnFail",
  "delayAbortEval",
] as const;
type Keyword = (typeof KEYWORDS)[number];

const METRIC = /^[A-Za-z_][A-Za-z0-9_]*/;
const OP_ONLY = /^(===|==|=|!=|<=|>=|<|>)$/;
const PLAIN = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i;
const BARE = /^[A-Za-z0-9_.\-/*@+]+$/;

function atom(s: string): string {
  return BARE.test(s) && !(KEYWORDS as readonly string[]).includes(s) ? s : JSON.stringify(s);
}

/** A row as text (canonical: head, target, threshold, window, of, flags, id, label). */
export function formatCriterionText(row: CriterionDefinition): string {
  const parts: string[] = [];
  if (row.metric !== undefined) {
    parts.push(`${row.metric}${formatWhere(toTagMatches(row.where))} ${row.stat ?? ""}`.trimEnd());
  }
  if (row.target !== undefined) parts.push(`target ${row.target}`);
  if (row.threshold !== undefined) parts.push(`threshold ${row.threshold}`);
  if (row.window !== undefined) parts.push(`window ${windowSpecText(row.window)}`);
  if (row.of !== undefined) parts.push(`of ${atom(row.of)}`);
  if (row.abortOnFail === true) parts.push("abortOnFail");
  if (row.delayAbortEval !== undefined) parts.push(`delayAbortEval ${row.delayAbortEval}`);
  if (row.id !== undefined) parts.push(`id ${atom(row.id)}`);
  if (row.label !== undefined) parts.push(`label ${JSON.stringify(row.label)}`);
  return parts.join(" ");
}

/** Parse a text row. Errors name the column (1-based) where reading stopped. */
export function parseCriterionText(
  text: string,
): { ok: true; row: CriterionDefinition } | { ok: false; error: string } {
  try {
    return { ok: true, row: new RowReader(text).read() };
  } catch (err) {
    if (err instanceof TextError) return { ok: false, error: `at column ${err.at + 1}: ${err.message}` };
    throw err;
  }
}

class RowReader {
  private i = 0;
  constructor(private readonly text: string) {}

  read(): CriterionDefinition {
    const row: CriterionDefinition = {};
    this.ws();
    if (this.i >= this.text.length) throw new TextError("the row is empty", 0);
    // A row that takes its head from its `of` row starts with a clause.
    if (!(KEYWORDS as readonly string[]).includes(this.peekWord())) this.head(row);
    const seen = new Set<Keyword>();
    for (;;) {
      this.ws();
      if (this.i >= this.text.length) return row;
      const at = this.i;
      const word = this.token();
      if (!(KEYWORDS as readonly string[]).includes(word)) {
        throw new TextError(`expected one of ${KEYWORDS.join(", ")} (got "${word}")`, at);
      }
      const kw = word as Keyword;
      if (seen.has(kw)) throw new TextError(`${kw} is given twice`, at);
      seen.add(kw);
      this.clause(kw, row);
    }
  }

  private head(row: CriterionDefinition): void {
    const m = METRIC.exec(this.text.slice(this.i));
    if (m === null) throw new TextError("expected a metric name", this.i);
    row.metric = m[0];
    this.i += m[0].length;
    if (this.text[this.i] === "{") {
      const { where, end } = parseWhereAt(this.text, this.i);
      if (Object.keys(where).length > 0) row.where = where;
      this.i = end;
    }
    this.ws();
    const at = this.i;
    const stat = this.token();
    if (stat === "") throw new TextError("expected a statistic after the metric", at);
    const parsed = parseStat(stat);
    if (!parsed.ok) throw new TextError(`${parsed.error} — ${parsed.hint}`, at);
    row.stat = stat;
  }

  private clause(kw: Keyword, row: CriterionDefinition): void {
    switch (kw) {
      case "target":
      case "threshold":
        row[kw] = this.value(kw);
        return;
      case "window": {
        this.ws();
        const at = this.i;
        let spec = this.token();
        if (spec === "every") {
          this.ws();
          const length = this.token();
          if (length === "") throw new TextError("window every needs a duration (every 10s)", this.i);
          spec = `every ${length}`;
        }
        const w = parseWindow(spec);
        if (!w.ok) throw new TextError(`window: ${w.error}`, at);
        row.window = spec as WindowSpec;
        return;
      }
      case "of":
      case "id":
      case "label":
        row[kw] = this.atomValue(kw);
        return;
      case "abortOnFail":
        row.abortOnFail = true;
        return;
      case "delayAbortEval": {
        this.ws();
        const at = this.i;
        const d = this.token();
        if (d === "") throw new TextError("delayAbortEval needs a duration", at);
        row.delayAbortEval = PLAIN.test(d) ? Number(d) : d;
        return;
      }
    }
  }

  private value(kw: string): string | number {
    this.ws();
    const at = this.i;
    let v = this.token();
    if (OP_ONLY.test(v)) {
      this.ws();
      v += this.token();
    }
    if (v === "" || OP_ONLY.test(v)) throw new TextError(`${kw} needs a value`, at);
    return PLAIN.test(v) ? Number(v) : v;
  }

  private atomValue(kw: string): string {
    this.ws();
    const at = this.i;
    if (this.text[this.i] === '"') {
      const end = closingQuote(this.text, this.i);
      if (end < 0) throw new TextError("unterminated string", at);
      const s = parseJsonString(this.text.slice(this.i, end + 1), at);
      this.i = end + 1;
      return s;
    }
    const t = this.token();
    if (t === "") throw new TextError(`${kw} needs a value`, at);
    return t;
  }

  private ws(): void {
    while (this.i < this.text.length && /\s/.test(this.text[this.i]!)) this.i++;
  }

  private peekWord(): string {
    return /^\S*/.exec(this.text.slice(this.i))![0];
  }

  /** Up to the next whitespace; JSON strings inside the token are kept whole. */
  private token(): string {
    const start = this.i;
    while (this.i < this.text.length && !/\s/.test(this.text[this.i]!)) {
      if (this.text[this.i] === '"') {
        const end = closingQuote(this.text, this.i);
        if (end < 0) throw new TextError("unterminated string", this.i);
        this.i = end + 1;
      } else this.i++;
    }
    return this.text.slice(start, this.i);
  }
}
