import type { z } from "zod";
import { describeValue } from "./describe-value.js";
import { suggest } from "./did-you-mean.js";
import { fieldHint } from "./field-hints.js";
import type { PlanProblem } from "./problem.js";
import { TYPE_MISMATCH } from "./schema.js";

type Issue = z.core.$ZodIssue;

const FALLBACK_HINT = "docs/plans.md describes every plan field";
const ZOD_DEFAULT_UNION_MESSAGE = "Invalid input";

/**
 * Turn zod issues into plan problems a person can act on: one per issue, with the full path, a
 * sentence in our words, and a hint (the issue's own, else the field's, see field-hints.ts).
 * `root` is the validated input, used to show values zod does not carry.
 */
export function problemsFromZod(
  issues: readonly Issue[],
  root: unknown,
  base: readonly PropertyKey[] = [],
): PlanProblem[] {
  const out: PlanProblem[] = [];
  for (const issue of issues) collect(issue, root, base, out);
  return out;
}

/** What to say about an issue: a sentence and maybe a hint (else the field's hint is used). */
type Said = { message: string; hint?: string | undefined };

function collect(issue: Issue, root: unknown, base: readonly PropertyKey[], out: PlanProblem[]): void {
  const path = [...base, ...issue.path];
  if (issue.code === "invalid_element" || issue.code === "invalid_key") {
    for (const inner of issue.issues) collect(inner, root, path, out);
    return;
  }
  if (issue.code === "invalid_union" && !isDiscriminatorIssue(issue)) {
    const branch = likeliestBranch(issue);
    if (branch !== undefined) {
      for (const inner of branch) collect(inner, root, path, out);
      return;
    }
  }
  const said = describeIssue(issue, root, path);
  out.push({ path, message: said.message, hint: said.hint ?? fieldHint(path) ?? FALLBACK_HINT });
}

function describeIssue(issue: Issue, root: unknown, path: readonly PropertyKey[]): Said {
  switch (issue.code) {
    case "invalid_type": {
      if (issue.input === undefined) return { message: "is required" };
      if (issue.expected === "int")
        return { message: `must be a whole number (got ${describeValue(issue.input)})` };
      return { message: `must be ${kindName(issue.expected)} (got ${describeValue(issue.input)})` };
    }
    case "too_small": {
      if (issue.origin === "array" || issue.origin === "set" || issue.origin === "string") {
        const unit = issue.origin === "string" ? "characters" : "entries";
        return {
          message: issue.minimum === 1 ? "must not be empty" : `must have at least ${issue.minimum} ${unit}`,
        };
      }
      return {
        message: `must be ${issue.inclusive ? "≥" : ">"} ${issue.minimum} (got ${describeValue(issue.input)})`,
      };
    }
    case "too_big": {
      if (issue.origin === "array" || issue.origin === "set" || issue.origin === "string") {
        const unit = issue.origin === "string" ? "characters" : "entries";
        return { message: `must have at most ${issue.maximum} ${unit}` };
      }
      return {
        message: `must be ${issue.inclusive ? "≤" : "<"} ${issue.maximum} (got ${describeValue(issue.input)})`,
      };
    }
    case "invalid_value": {
      const allowed = issue.values.map((v) => String(v));
      const got = issue.input;
      return {
        message: `must be one of ${allowed.map((v) => JSON.stringify(v)).join(", ")} (got ${describeValue(got)})`,
        hint: typeof got === "string" ? suggest(got, allowed) : undefined,
      };
    }
    case "invalid_union":
      return isDiscriminatorIssue(issue)
        ? describeDiscriminator(issue, root, path)
        : describeUnion(issue, root, path);
    case "custom": {
      const hint = (issue.params as { hint?: unknown } | undefined)?.hint;
      return { message: issue.message, hint: typeof hint === "string" ? hint : undefined };
    }
    default:
      return { message: issue.message };
  }
}

type UnionIssue = Issue & { code: "invalid_union" };

function isDiscriminatorIssue(issue: UnionIssue): boolean {
  return "discriminator" in issue && issue.discriminator !== undefined;
}

/** An unknown or missing discriminator ("executor"): name the allowed values and the nearest one. */
function describeDiscriminator(issue: UnionIssue, root: unknown, path: readonly PropertyKey[]): Said {
  const key = String(path[path.length - 1]);
  const options = ((issue as { options?: unknown[] }).options ?? []).map(String);
  const value = valueAt(root, path);
  const list = options.join(", ");
  if (value === undefined) return { message: "is required", hint: `one of: ${list}` };
  if (typeof value !== "string") {
    return { message: `must be a string (got ${describeValue(value)})`, hint: `one of: ${list}` };
  }
  const hint = suggest(value, options);
  return {
    message: `unknown ${key} "${value}"`,
    hint: hint.startsWith("did you mean") ? `${hint} (${key}s: ${list})` : `one of: ${list}`,
  };
}

/**
 * A value matched no branch of a union, and zod reports every branch's issues. The branch the
 * value was most likely meant for is the one with the fewest issues at the union's own level,
 * where "wrong kind of value" counts far more than "right kind, bad content". Undefined on a tie.
 */
function likeliestBranch(issue: UnionIssue): readonly Issue[] | undefined {
  const branches = issue.errors;
  const scores = branches.map((b) =>
    b.reduce((sum, i) => (i.path.length === 0 ? sum + (isTypeMismatch(i) ? 100 : 1) : sum), 0),
  );
  const best = Math.min(...scores);
  const winners = branches.filter((_, i) => scores[i] === best);
  return winners.length === 1 ? winners[0] : undefined;
}

/** No single likeliest branch: say what kinds of value are accepted. */
function describeUnion(issue: UnionIssue, root: unknown, path: readonly PropertyKey[]): Said {
  const input = (issue as { input?: unknown }).input ?? valueAt(root, path);
  if (input === undefined) return { message: "is required" };
  if (issue.message !== ZOD_DEFAULT_UNION_MESSAGE) return { message: issue.message };
  const branches = issue.errors;
  const expected = branches.flatMap((b) => b.flatMap((i) => (i.path.length === 0 ? expectedKind(i) : [])));
  if (expected.length === branches.length) {
    return { message: `must be ${orList([...new Set(expected)])} (got ${describeValue(input)})` };
  }
  return { message: `is not valid (got ${describeValue(input)})` };
}

function orList(items: readonly string[]): string {
  return items.length <= 1
    ? (items[0] ?? "")
    : `${items.slice(0, -1).join(", ")} or ${items[items.length - 1]}`;
}

function isTypeMismatch(i: Issue): boolean {
  return expectedKind(i).length > 0;
}

/** The kind of value a type-mismatch issue expected (`["a list"]`), or `[]` for other issues. */
function expectedKind(i: Issue): string[] {
  if (i.code === "invalid_type") return [kindName(i.expected)];
  const expected =
    i.code === "custom" ? (i.params as Record<string, unknown> | undefined)?.[TYPE_MISMATCH] : undefined;
  return typeof expected === "string" ? [kindName(expected)] : [];
}

function kindName(expected: string): string {
  switch (expected) {
    case "array":
    case "tuple":
      return "a list";
    case "object":
    case "record":
      return "an object";
    case "boolean":
      return "a boolean";
    case "undefined":
      return "absent";
    default:
      return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
  }
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v = root;
  for (const key of path) {
    if (typeof v !== "object" || v === null) return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}
