import { formatDuration, tryParseDuration } from "../plan/duration.js";
import type { WindowSpec } from "./definition.js";
import type { ResolvedWindow } from "./resolved.js";
import { closingQuote } from "./where.js";

/**
 * Window specs as written (strings or objects) ↔ resolved windows. String forms:
 *
 *   run | steady | peak | every 10s | stage:ramp | stage:ramp@checkout | scenario:checkout
 *
 * A stage or scenario name with other characters than letters, digits and `_ . - / * +` is
 * written as a JSON string: `stage:"peak hour"`.
 */

export const WINDOW_HINT =
  'one of "run", "steady", "peak", "every 10s", "stage:NAME", "scenario:NAME", or { every }, { stage, scenario? }, { scenario }';

type Parsed = { ok: true; window: ResolvedWindow } | { ok: false; error: string };

const NAME_BARE = /^[A-Za-z0-9_.\-/*+]+$/;

/** A stage or scenario name as written in a window string. */
export function windowName(name: string): string {
  return NAME_BARE.test(name) ? name : JSON.stringify(name);
}

/** Parse a window spec. Never throws. */
export function parseWindow(spec: unknown): Parsed {
  if (typeof spec === "string") return parseWindowString(spec);
  if (typeof spec !== "object" || spec === null || Array.isArray(spec)) {
    return { ok: false, error: "must be a string or an object" };
  }
  const o = spec as Record<string, unknown>;
  const keys = Object.keys(o).sort().join(",");
  if (keys === "every") return everyWindow(o.every);
  if (keys === "stage" || keys === "scenario,stage") {
    if (typeof o.stage !== "string" || o.stage === "") return { ok: false, error: "stage must be a name" };
    if (o.scenario !== undefined && (typeof o.scenario !== "string" || o.scenario === "")) {
      return { ok: false, error: "scenario must be a name" };
    }
    return {
      ok: true,
      window: {
        kind: "stage",
        stage: o.stage,
        ...(typeof o.scenario === "string" ? { scenario: o.scenario } : {}),
      },
    };
  }
  if (keys === "scenario") {
    if (typeof o.scenario !== "string" || o.scenario === "")
      return { ok: false, error: "scenario must be a name" };
    return { ok: true, window: { kind: "scenario", scenario: o.scenario } };
  }
  return {
    ok: false,
    error: `has keys ${keys || "(none)"}; expected every, stage (+ scenario), or scenario`,
  };
}

function everyWindow(d: unknown): Parsed {
  const r = tryParseDuration(d);
  if (!r.ok) return { ok: false, error: `every: ${r.error}` };
  if (r.value <= 0) return { ok: false, error: "every: the window length must be > 0" };
  return { ok: true, window: { kind: "every", ms: r.value } };
}

function parseWindowString(s: string): Parsed {
  const t = s.trim();
  if (t === "run" || t === "steady" || t === "peak") return { ok: true, window: { kind: t } };
  const every = /^every\s+(\S+)$/.exec(t);
  if (every !== null) return everyWindow(every[1]);
  for (const kind of ["stage", "scenario"] as const) {
    if (!t.startsWith(`${kind}:`)) continue;
    const names = splitNames(t.slice(kind.length + 1));
    if (names === undefined) return { ok: false, error: `"${s}" has a badly quoted name` };
    const [name, scenario] = names;
    if (name === "") return { ok: false, error: `"${s}" names no ${kind}` };
    if (kind === "scenario") {
      if (scenario !== undefined) return { ok: false, error: `"${s}": write scenario:NAME` };
      return { ok: true, window: { kind: "scenario", scenario: name } };
    }
    if (scenario === "") return { ok: false, error: `"${s}" names no scenario after @` };
    return {
      ok: true,
      window: { kind: "stage", stage: name, ...(scenario !== undefined ? { scenario } : {}) },
    };
  }
  return { ok: false, error: `unknown window "${s}"` };
}

/** `name` or `name@scenario`, each bare or a JSON string. Undefined when the quoting is bad. */
function splitNames(rest: string): [string, string | undefined] | undefined {
  const one = (text: string): [string, string] | undefined => {
    if (text.startsWith('"')) {
      const end = closingQuote(text, 0);
      if (end < 0) return undefined;
      try {
        return [JSON.parse(text.slice(0, end + 1)) as string, text.slice(end + 1)];
      } catch {
        return undefined;
      }
    }
    const at = text.indexOf("@");
    return at < 0 ? [text, ""] : [text.slice(0, at), text.slice(at)];
  };
  const first = one(rest);
  if (first === undefined) return undefined;
  const [name, after] = first;
  if (after === "") return [name, undefined];
  if (!after.startsWith("@")) return undefined;
  const second = one(after.slice(1));
  if (second === undefined || second[1] !== "") return undefined;
  return [name, second[0]];
}

/** The canonical string form of a resolved window. */
export function formatWindow(w: ResolvedWindow): string {
  switch (w.kind) {
    case "run":
    case "steady":
    case "peak":
      return w.kind;
    case "every":
      return `every ${formatDuration(w.ms)}`;
    case "stage":
      return `stage:${windowName(w.stage)}${w.scenario !== undefined ? `@${windowName(w.scenario)}` : ""}`;
    case "scenario":
      return `scenario:${windowName(w.scenario)}`;
  }
}

/** A window spec as a string, for text rows: strings as written, objects in canonical form. */
export function windowSpecText(spec: WindowSpec): string {
  if (typeof spec === "string") return spec.trim();
  const parsed = parseWindow(spec);
  if (!parsed.ok) return JSON.stringify(spec);
  if ("every" in spec) return `every ${typeof spec.every === "number" ? `${spec.every}ms` : spec.every}`;
  return formatWindow(parsed.window);
}
