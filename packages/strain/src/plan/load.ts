import { mkdir, readFile, stat } from "node:fs/promises";
import { extname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build, type Message, type Plugin } from "esbuild";
import { parseDocument } from "yaml";
import { ErrorCodes, StrainError } from "../errors.js";
import type { ResolvedPlan } from "./resolved.js";
import { validatePlan } from "./validate.js";

/**
 * Loading plans. YAML is parsed and validated. TS/JS is bundled once by the coordinator into
 * `<outDir>/plan.bundle.mjs` (everything but Node built-ins inlined, so the bundle loads from any
 * folder, and from a ConfigMap on Kubernetes), then imported and validated; workers import the
 * same bundle with `importPlanBundle` instead of bundling again.
 */

/** The bundle's file name inside `outDir`. */
export const BUNDLE_FILE = "plan.bundle.mjs";

const SCRIPT_EXTENSIONS = new Set([".ts", ".mts", ".js", ".mjs"]);
const YAML_EXTENSIONS = new Set([".yaml", ".yml"]);
const EXPORT_HINT =
  'end the plan with: export default definePlan({ ... })  (import { definePlan } from "strain")';

export interface LoadedPlan {
  plan: ResolvedPlan;
  /** The bundled TS/JS plan for workers; null for YAML plans. */
  bundlePath: string | null;
}

/**
 * Load, validate and resolve the plan in `file`. A TS/JS plan is bundled into `outDir` first.
 * Throws `STRAIN_ERR_PLAN_LOAD` when the file is missing, does not compile or throws at import,
 * and `STRAIN_ERR_PLAN_INVALID` when its content is not a valid plan (YAML syntax included).
 */
export async function loadPlan(file: string, outDir: string): Promise<LoadedPlan> {
  const path = resolve(file);
  const ext = extname(path).toLowerCase();
  if (!SCRIPT_EXTENSIONS.has(ext) && !YAML_EXTENSIONS.has(ext)) {
    throw new StrainError(ErrorCodes.PLAN_LOAD, `cannot load plan ${file}: unknown file type "${ext}"`, {
      hint: "a plan is a .ts, .mts, .js, .mjs, .yaml or .yml file",
    });
  }
  const info = await stat(path).catch(() => undefined);
  if (info === undefined || !info.isFile()) {
    throw new StrainError(ErrorCodes.PLAN_LOAD, `plan file not found: ${file}`, {
      hint: `check the path (looked for ${path})`,
    });
  }
  if (YAML_EXTENSIONS.has(ext)) {
    const input = parseYamlPlan(await readFile(path, "utf8"), file);
    return { plan: validatePlan(input, { planPath: file }), bundlePath: null };
  }
  await mkdir(outDir, { recursive: true });
  const bundlePath = await bundleScript(path, file, join(resolve(outDir), BUNDLE_FILE), "plan");
  return { plan: await importPlanBundle(bundlePath, file), bundlePath };
}

/**
 * Import an already-built plan bundle and validate it again (cheap; feeder paths are resolved
 * against `planPath`, the original plan file). Used by workers.
 */
export async function importPlanBundle(bundlePath: string, planPath: string): Promise<ResolvedPlan> {
  // A fresh URL per import: the same bundle path may hold a newer plan (tests, `strain run` twice in one process).
  const url = `${pathToFileURL(resolve(bundlePath)).href}?v=${++importCount}`;
  let mod: Record<string, unknown>;
  try {
    mod = (await import(/* @vite-ignore */ url)) as Record<string, unknown>;
  } catch (err) {
    throw new StrainError(ErrorCodes.PLAN_LOAD, `plan ${planPath} threw while loading: ${messageOf(err)}`, {
      cause: err,
      hint: "the plan's top-level code failed; its stack trace points into the plan (source maps are inline)",
    });
  }
  const definition = mod.default ?? mod.plan;
  if (definition === undefined) {
    throw new StrainError(ErrorCodes.PLAN_LOAD, `plan ${planPath} exports no plan`, { hint: EXPORT_HINT });
  }
  return validatePlan(definition, { planPath });
}

let importCount = 0;

/**
 * Bundle the TS/JS module at `path` (a plan, or a dataset for `strain data`) into `outfile`; returns
 * `outfile`. Compile errors are `STRAIN_ERR_PLAN_LOAD` naming the file, line and column.
 */
export async function bundleScript(
  path: string,
  shownName: string,
  outfile: string,
  what: "plan" | "dataset",
): Promise<string> {
  try {
    await build({
      entryPoints: [path],
      outfile,
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node20",
      sourcemap: "inline",
      logLevel: "silent",
      write: true,
      // CommonJS dependencies call require() for built-ins; an ESM bundle has no require of its own.
      banner: {
        js: 'import { createRequire as __strainCreateRequire } from "node:module"; const require = __strainCreateRequire(import.meta.url);',
      },
      plugins: [strainSelfPlugin(), planImportMetaPlugin()],
    });
  } catch (err) {
    const errors = (err as { errors?: Message[] }).errors ?? [];
    const first = errors[0];
    if (first === undefined) {
      throw new StrainError(ErrorCodes.PLAN_LOAD, `cannot bundle ${what} ${shownName}: ${messageOf(err)}`, {
        cause: err,
      });
    }
    throw new StrainError(
      ErrorCodes.PLAN_LOAD,
      `${what} ${shownName} does not compile: ${formatMessage(first)}`,
      {
        cause: err,
        details: errors.map(formatMessage),
        hint: first.text.startsWith("Could not resolve")
          ? "install the package next to the plan (npm install), or fix the import path"
          : "fix the error at the position shown",
      },
    );
  }
  return outfile;
}

/** `file:line:col: text` with a 1-based column, as editors count. */
function formatMessage(m: Message): string {
  const loc = m.location;
  if (loc === null) return m.text;
  return `${resolve(loc.file)}:${loc.line}:${loc.column + 1}: ${m.text}`;
}

/**
 * `import ... from "strain"` resolves to this package's own entry, so a plan always runs against
 * the Strain that loads it, whether from src (tsx, vitest) or from dist.
 */
function strainSelfPlugin(): Plugin {
  const selfExt = import.meta.url.endsWith(".ts") ? ".ts" : ".js";
  const entry = fileURLToPath(new URL(`../index${selfExt}`, import.meta.url));
  return {
    name: "strain-self",
    setup(b) {
      b.onResolve({ filter: /^strain$/ }, () => ({ path: entry }));
    },
  };
}

const LOADERS = { ".ts": "ts", ".mts": "ts", ".cts": "ts", ".tsx": "tsx", ".jsx": "jsx" } as const;

/**
 * The bundle lives in `outDir`, so `import.meta.url` in the plan's own modules would point there.
 * Replace it (and `.dirname`, `.filename`) with the module's original location so plans can read
 * files next to them. Dependencies in node_modules are left alone.
 */
function planImportMetaPlugin(): Plugin {
  return {
    name: "strain-import-meta",
    setup(b) {
      b.onLoad({ filter: /\.[cm]?[jt]sx?$/ }, async (args) => {
        if (/[\\/]node_modules[\\/]/.test(args.path)) return undefined;
        const source = await readFile(args.path, "utf8");
        if (!source.includes("import.meta")) return undefined;
        const contents = source
          .replaceAll("import.meta.url", JSON.stringify(pathToFileURL(args.path).href))
          .replaceAll("import.meta.dirname", JSON.stringify(resolve(args.path, "..")))
          .replaceAll("import.meta.filename", JSON.stringify(args.path));
        const loader = LOADERS[extname(args.path) as keyof typeof LOADERS] ?? "js";
        return { contents, loader };
      });
    },
  };
}

/** Parse YAML text; syntax errors are plan problems with their line:column. */
export function parseYamlPlan(text: string, planPath: string): unknown {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const details = doc.errors.map((e) => {
      const pos = e.linePos?.[0];
      const where = pos === undefined ? planPath : `${planPath}:${pos.line}:${pos.col}`;
      // prettyErrors appends " at line L, column C:" and a code excerpt; the position leads our line instead.
      const message = e.message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "");
      return `${where}: ${message}`;
    });
    throw new StrainError(ErrorCodes.PLAN_INVALID, `plan ${planPath} is not valid YAML: ${details[0]}`, {
      details,
      hint: "fix the YAML syntax at the position shown",
    });
  }
  return doc.toJS({ maxAliasCount: 100 });
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
