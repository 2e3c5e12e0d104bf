import { isAbsolute, resolve } from "node:path";
import { ErrorCodes, StrainError } from "../../errors.js";
import { closestMatch } from "../../plan/did-you-mean.js";

/** The kinds `--out kind=target` accepts. */
export const OUTPUT_KINDS = {
  json: "one NDJSON line per interval with the merged snapshot",
  csv: "every request as a JMeter JTL CSV row (heavy: one row per request)",
  prometheus: "Prometheus remote write (protobuf + snappy) every interval",
  junit: "the criteria verdicts as JUnit XML at the end",
} as const;

export type OutputKind = keyof typeof OUTPUT_KINDS;

/** One parsed `--out` value. File targets are absolute; a Prometheus target is a URL. */
export type OutputSpec =
  | { kind: "json" | "csv" | "junit"; path: string; text: string }
  | { kind: "prometheus"; url: string; text: string };

/**
 * Parse `--out kind=target` values (repeatable). Every problem is collected and reported in one
 * STRAIN_ERR_USAGE (exit 2), before anything runs:
 *
 *   json=results.ndjson   csv=requests.jtl   junit=criteria.xml   prometheus=http://127.0.0.1:9090/api/v1/write
 *
 * Relative paths are resolved against `cwd`. A Prometheus URL without a path gets the standard
 * `/api/v1/write`. Two outputs may not write the same file.
 */
export function parseOutFlags(values: readonly string[], cwd: string): OutputSpec[] {
  const problems: string[] = [];
  const out: OutputSpec[] = [];
  const files = new Map<string, string>();
  for (const raw of values) {
    const eq = raw.indexOf("=");
    const kind = (eq < 0 ? raw : raw.slice(0, eq)).trim().toLowerCase();
    const target = eq < 0 ? "" : raw.slice(eq + 1).trim();
    if (!Object.hasOwn(OUTPUT_KINDS, kind)) {
      const hint = kind === "" ? undefined : closestMatch(kind, Object.keys(OUTPUT_KINDS));
      problems.push(
        `--out ${raw}: unknown output '${kind}'${hint !== undefined ? ` (did you mean '${hint}'?)` : ""}; expected one of ${Object.keys(OUTPUT_KINDS).join(", ")}`,
      );
      continue;
    }
    if (target === "") {
      problems.push(
        `--out ${raw}: missing the target after '${kind}=' (${kind === "prometheus" ? "a remote-write URL" : "a file"})`,
      );
      continue;
    }
    if (kind === "prometheus") {
      const url = remoteWriteUrl(target);
      if (url === null) {
        problems.push(`--out ${raw}: '${target}' is not an http:// or https:// URL`);
        continue;
      }
      out.push({ kind, url, text: raw });
      continue;
    }
    const path = isAbsolute(target) ? target : resolve(cwd, target);
    const other = files.get(path);
    if (other !== undefined) {
      problems.push(`--out ${raw}: ${path} is already written by --out ${other}`);
      continue;
    }
    files.set(path, raw);
    out.push({ kind: kind as "json" | "csv" | "junit", path, text: raw });
  }
  if (problems.length > 0) {
    throw new StrainError(
      ErrorCodes.USAGE,
      problems.length === 1 ? problems[0]! : `${problems.length} problems with --out`,
      {
        ...(problems.length > 1 ? { details: problems } : {}),
        hint: "write --out kind=target, e.g. --out json=results.ndjson --out prometheus=http://127.0.0.1:9090/api/v1/write",
      },
    );
  }
  return out;
}

function remoteWriteUrl(target: string): string | null {
  let u: URL;
  try {
    u = new URL(target);
  } catch {
    return null;
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") return null;
  if (u.pathname === "/" || u.pathname === "") u.pathname = "/api/v1/write";
  return u.toString();
}
