import { statSync } from "node:fs";
import { extname, resolve } from "node:path";
import { analyzeCriteria, criteriaContextOf } from "../criteria/analyze.js";
import { BUILTIN_METRICS } from "../metrics/builtin-metrics.js";
import { MONITOR_PREFIXES } from "../monitors/monitor-metrics.js";
import { createHostMatcher, hostEntryOf, parseHostEntry } from "./hosts.js";
import type { PlanProblem } from "./problem.js";
import { hasPlaceholder } from "./template.js";

/**
 * Checks that relate plan fields to each other or to files: exactly one of flow / mix, maxVUs vs
 * preAllocatedVUs, names, feeder files, and the hosts rule. They run on the raw input even when
 * the schema found problems (so every problem is reported at once), hence every read is guarded:
 * a field of the wrong type is the schema's to report and is skipped here.
 */

export const SCENARIO_NAME = /^[A-Za-z0-9_-]+$/;
export const METRIC_NAME = /^[a-z_][a-z0-9_]*$/;

/** Name prefixes reserved for metrics Strain records itself (HTTP timings, WebSocket metrics, monitors). */
export const BUILTIN_METRIC_PREFIXES: readonly string[] = ["http_req_", "ws_", ...MONITOR_PREFIXES];

const FEEDER_EXTENSIONS = [".csv", ".jsonl"];

type Add = (path: readonly PropertyKey[], message: string, hint: string) => void;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Every cross-field and file problem in `input`; `planDir` is the plan file's folder. */
export function checkSemantics(input: unknown, planDir: string): PlanProblem[] {
  if (!isRecord(input)) return [];
  const problems: PlanProblem[] = [];
  const add: Add = (path, message, hint) => problems.push({ path, message, hint });

  const hosts = checkHosts(input, add);
  checkScenarios(input, hosts, add);
  checkMetrics(input, add);
  checkFeeders(input, planDir, add);
  checkCriteria(input, add);
  return problems;
}

/** Criteria across rows and against scenarios and metrics (each entry's shape is the schema's). */
function checkCriteria(input: Record<string, unknown>, add: Add): void {
  if (input.criteria === undefined && input.thresholds === undefined) return;
  const { problems } = analyzeCriteria(input, criteriaContextOf(input));
  for (const p of problems) add(p.path, p.message, p.hint);
}

interface HostContext {
  /** Allowed hosts (declared, else the baseUrl's); empty when neither is usable. */
  hosts: readonly string[];
  declared: boolean;
  hasBaseUrl: boolean;
  allowed: (url: URL) => boolean;
}

function httpUrl(s: unknown): URL | undefined {
  if (typeof s !== "string" || !URL.canParse(s)) return undefined;
  const url = new URL(s);
  return url.protocol === "http:" || url.protocol === "https:" ? url : undefined;
}

function checkHosts(input: Record<string, unknown>, add: Add): HostContext {
  const base = httpUrl(input.baseUrl);
  const declared = Array.isArray(input.hosts)
    ? input.hosts.flatMap((h) => {
        const r = typeof h === "string" ? parseHostEntry(h) : undefined;
        return r?.ok ? [r.host] : [];
      })
    : undefined;
  if (input.hosts === undefined && input.baseUrl === undefined) {
    add(
      ["hosts"],
      "declare the hosts this plan may send traffic to",
      'add hosts: ["api.example.com"], or a baseUrl (its host is then the only one allowed)',
    );
  }
  const hosts = declared ?? (base !== undefined ? [hostEntryOf(base)] : []);
  const allowed = createHostMatcher(hosts);
  if (declared !== undefined && base !== undefined && !allowed(base)) {
    add(["baseUrl"], `host "${base.host}" is not in hosts`, `add "${hostEntryOf(base)}" to hosts`);
  }
  return { hosts, declared: declared !== undefined, hasBaseUrl: input.baseUrl !== undefined, allowed };
}

function checkScenarios(input: Record<string, unknown>, hosts: HostContext, add: Add): void {
  const scenarios = input.scenarios;
  if (!isRecord(scenarios)) return;
  const names = Object.keys(scenarios);
  if (names.length === 0) {
    add(
      ["scenarios"],
      "must declare at least one scenario",
      'e.g. scenarios: { browse: { executor: "constant-vus", ... } }',
    );
  }
  for (const name of names) {
    const path = ["scenarios", name];
    if (!SCENARIO_NAME.test(name)) {
      add(path, `"${name}" is not a valid scenario name`, "use only letters, digits, _ and -");
    }
    const sc = scenarios[name];
    if (!isRecord(sc)) continue;
    const hasFlow = sc.flow !== undefined;
    const hasMix = sc.mix !== undefined;
    if (hasFlow && hasMix) {
      add(path, "has both flow and mix", "keep one: flow for a single flow, mix for weighted flows");
    } else if (!hasFlow && !hasMix) {
      add(
        path,
        "needs a flow or a mix",
        "flow: a function (TS) or a list of steps; mix: a list of { name, weight, flow }",
      );
    }
    const pre = sc.preAllocatedVUs;
    const max = sc.maxVUs;
    if (typeof pre === "number" && typeof max === "number" && max < pre) {
      add(
        [...path, "maxVUs"],
        `must be ≥ preAllocatedVUs (got ${max} < ${pre})`,
        "raise maxVUs or lower preAllocatedVUs (maxVUs defaults to preAllocatedVUs)",
      );
    }
    if (Array.isArray(sc.flow)) checkSteps(sc.flow, [...path, "flow"], hosts, add);
    if (Array.isArray(sc.mix)) checkMix(sc.mix, [...path, "mix"], hosts, add);
  }
}

function checkMix(mix: unknown[], path: readonly PropertyKey[], hosts: HostContext, add: Add): void {
  const seen = new Set<string>();
  mix.forEach((entry, i) => {
    if (!isRecord(entry)) return;
    if (typeof entry.name === "string") {
      if (!SCENARIO_NAME.test(entry.name)) {
        add(
          [...path, i, "name"],
          `"${entry.name}" is not a valid flow name`,
          "use only letters, digits, _ and -",
        );
      } else if (seen.has(entry.name)) {
        add(
          [...path, i, "name"],
          `"${entry.name}" is used twice in this mix`,
          "give each flow in a mix its own name",
        );
      }
      seen.add(entry.name);
    }
    if (Array.isArray(entry.flow)) checkSteps(entry.flow, [...path, i, "flow"], hosts, add);
  });
}

/** Step URLs: absolute ones must be on an allowed host; relative ones need a baseUrl. */
function checkSteps(steps: unknown[], path: readonly PropertyKey[], hosts: HostContext, add: Add): void {
  steps.forEach((step, i) => {
    if (!isRecord(step)) return;
    if (Array.isArray(step.steps)) checkSteps(step.steps, [...path, i, "steps"], hosts, add);
    const request = step.request;
    if (!isRecord(request) || typeof request.url !== "string") return;
    const url = request.url;
    const urlPath = [...path, i, "request", "url"];
    // A placeholder first (`${env.BASE}/x`): the host is known only at run time, where it is checked too.
    if (url.startsWith("${")) return;
    const absolute = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)/i.exec(url);
    if (absolute === null) {
      if (!/^[a-z][a-z0-9+.-]*:/i.test(url) && !hosts.hasBaseUrl) {
        add(
          urlPath,
          `"${url}" is relative but the plan has no baseUrl`,
          "set baseUrl, or write an absolute URL",
        );
      }
      return;
    }
    if (hasPlaceholder(absolute[2]!) || hosts.hosts.length === 0) return;
    const parsed = httpUrl(url.replace(/\$\{[^}]*\}/g, "x"));
    if (parsed === undefined || hosts.allowed(parsed)) return;
    const entry = hostEntryOf(parsed);
    add(
      urlPath,
      `host "${parsed.host}" is not declared in hosts`,
      hosts.declared
        ? `add "${entry}" to hosts (declared: ${hosts.hosts.join(", ")})`
        : `declare it: hosts: [${[...hosts.hosts, entry].map((h) => JSON.stringify(h)).join(", ")}]`,
    );
  });
}

function checkMetrics(input: Record<string, unknown>, add: Add): void {
  if (!isRecord(input.metrics)) return;
  for (const name of Object.keys(input.metrics)) {
    if (!METRIC_NAME.test(name)) {
      add(
        ["metrics", name],
        `"${name}" is not a valid metric name`,
        "use lower-case letters, digits and _, starting with a letter or _ (e.g. orders_created)",
      );
    } else if (
      Object.hasOwn(BUILTIN_METRICS, name) ||
      BUILTIN_METRIC_PREFIXES.some((p) => name.startsWith(p))
    ) {
      add(["metrics", name], `"${name}" is a built-in metric`, `choose another name, e.g. "app_${name}"`);
    }
  }
}

function checkFeeders(input: Record<string, unknown>, planDir: string, add: Add): void {
  if (!isRecord(input.feeders)) return;
  for (const [name, feeder] of Object.entries(input.feeders)) {
    if (!isRecord(feeder) || typeof feeder.file !== "string" || feeder.file === "") continue;
    const path = ["feeders", name, "file"];
    const file = feeder.file;
    if (!FEEDER_EXTENSIONS.includes(extname(file).toLowerCase())) {
      add(
        path,
        `"${file}" is not a .csv or .jsonl file`,
        "feeders read CSV (with a header row) or JSON Lines",
      );
      continue;
    }
    const abs = resolve(planDir, file);
    const stat = statSync(abs, { throwIfNoEntry: false });
    if (stat === undefined)
      add(path, `file not found: ${abs}`, `feeder paths are relative to the plan file's folder (${planDir})`);
    else if (!stat.isFile()) add(path, `not a file: ${abs}`, "point file at a .csv or .jsonl file");
  }
}
