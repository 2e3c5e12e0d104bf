/**
 * Where a dataset comes from: built in (by name, with options), or a user's TypeScript/JavaScript
 * file whose default export is a `defineDataset(...)`. The coordinator bundles a file once; worker
 * processes import the same bundle, as they do for plans.
 */
import { mkdir } from "node:fs/promises";
import { extname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { ErrorCodes, StrainError } from "../errors.js";
import { bundleScript } from "../plan/load.js";
import type { DatasetDefinition } from "./dataset.js";

export type DatasetSource =
  | { kind: "builtin"; name: string; options: Readonly<Record<string, string>> }
  | { kind: "file"; path: string; bundlePath: string };

interface Builtin {
  description: string;
  /** Options it takes (`--locale` and the like), for usage messages. */
  options: readonly string[];
  /** Imported on demand: a user's dataset never loads the built-in generators. */
  create(options: Readonly<Record<string, string>>): Promise<DatasetDefinition>;
}

/** The datasets `strain data` knows by name. */
export const BUILTIN_DATASETS: Readonly<Record<string, Builtin>> = {
  "farmer-registry": {
    description:
      "the reference Farmer Registry (targets/registry): households, farmers, members, lands, crops, livestock, inputs, memberships, scores",
    options: ["locale"],
    create: async (o) =>
      (await import("./datasets/farmer-registry.js")).farmerRegistry(
        o.locale === undefined ? {} : { locale: o.locale },
      ),
  },
};

const SCRIPT = new Set([".ts", ".mts", ".js", ".mjs"]);

/** Turn the command's `<dataset>` argument into a source (bundling a file into `workDir`). */
export async function prepareDatasetSource(
  nameOrFile: string,
  options: Readonly<Record<string, string>>,
  workDir: string,
): Promise<DatasetSource> {
  if (BUILTIN_DATASETS[nameOrFile] !== undefined) return { kind: "builtin", name: nameOrFile, options };
  if (!SCRIPT.has(extname(nameOrFile).toLowerCase())) {
    throw new StrainError(ErrorCodes.USAGE, `unknown dataset "${nameOrFile}"`, {
      hint: `built-in datasets: ${Object.keys(BUILTIN_DATASETS).join(", ")}; or give a .ts/.js file whose default export is defineDataset({...})`,
    });
  }
  await mkdir(workDir, { recursive: true });
  const path = resolve(nameOrFile);
  const bundlePath = await bundleScript(path, nameOrFile, join(workDir, "dataset.bundle.mjs"), "dataset");
  return { kind: "file", path, bundlePath };
}

let importCount = 0;

/** The definition a source names (imported fresh from a bundle). */
export async function resolveDataset(source: DatasetSource): Promise<DatasetDefinition> {
  if (source.kind === "builtin") {
    const b = BUILTIN_DATASETS[source.name];
    if (b === undefined) throw new StrainError(ErrorCodes.USAGE, `unknown dataset "${source.name}"`);
    try {
      return await b.create(source.options);
    } catch (err) {
      throw new StrainError(ErrorCodes.USAGE, `dataset ${source.name}: ${(err as Error).message}`, {
        cause: err,
      });
    }
  }
  let mod: Record<string, unknown>;
  try {
    mod = (await import(
      /* @vite-ignore */ `${pathToFileURL(resolve(source.bundlePath)).href}?v=${++importCount}`
    )) as Record<string, unknown>;
  } catch (err) {
    if (
      typeof (err as { code?: unknown }).code === "string" &&
      String((err as { code: string }).code).startsWith("STRAIN_ERR")
    )
      throw err;
    throw new StrainError(
      ErrorCodes.DATASET_INVALID,
      `dataset ${source.path} threw while loading: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
  return checkDefinition(mod.default ?? mod.dataset, source.path);
}

/** The shape checks a loaded module's export must pass before the loader trusts it. */
function checkDefinition(def: unknown, where: string): DatasetDefinition {
  const d = def as Partial<DatasetDefinition> | undefined;
  const problems: string[] = [];
  if (d === undefined || d === null || typeof d !== "object")
    problems.push("the module has no default export");
  else {
    if (typeof d.name !== "string" || d.name === "") problems.push("name: missing");
    if (typeof d.generate !== "function") problems.push("generate: not a function (use defineDataset)");
    if (!Array.isArray(d.tables) || d.tables.length === 0) problems.push("tables: none");
    if (typeof d.root !== "string") problems.push("root: missing");
    if (typeof d.version !== "number") problems.push("version: missing");
  }
  if (problems.length > 0)
    throw new StrainError(ErrorCodes.DATASET_INVALID, `${where} is not a dataset`, {
      details: problems,
      hint: 'end the file with: export default defineDataset({ ... })  (import { defineDataset } from "strain")',
    });
  return d as DatasetDefinition;
}
