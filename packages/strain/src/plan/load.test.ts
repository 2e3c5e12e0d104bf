import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordingVU } from "../../test/fixtures/plans/recording-vu.js";
import { ErrorCodes, type StrainError } from "../errors.js";
import { BUNDLE_FILE, importPlanBundle, loadPlan } from "./load.js";

const fixtures = fileURLToPath(new URL("../../test/fixtures/plans/", import.meta.url));
let tmp: string;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), "strain-plan-"));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** Write a plan file into a fresh folder of the temp dir; returns its path. */
async function planFile(name: string, text: string): Promise<string> {
  const dir = await mkdtemp(join(tmp, "src-"));
  const file = join(dir, name);
  await writeFile(file, text);
  return file;
}

async function loadError(file: string): Promise<StrainError> {
  const out = await mkdtemp(join(tmp, "out-"));
  const err = await loadPlan(file, out).then(
    () => undefined,
    (e: unknown) => e as StrainError,
  );
  if (err === undefined) throw new Error(`expected ${file} to fail to load`);
  return err;
}

describe("loadPlan: TS plans", () => {
  it("bundles once into outDir with every dependency inlined, then imports and validates", async () => {
    const out = join(tmp, "ts-out");
    const planPath = join(fixtures, "valid-plan.ts");
    const { plan, bundlePath } = await loadPlan(planPath, out);

    expect(bundlePath).toBe(join(out, BUNDLE_FILE));
    const bundle = await readFile(bundlePath!, "utf8");
    // Only Node built-ins stay imports: the bundle must load from a folder without node_modules.
    const imports = [...bundle.matchAll(/^import .* from "([^"]+)"/gm)].map((m) => m[1]);
    expect(imports.length).toBeGreaterThan(0);
    expect(imports.every((s) => s!.startsWith("node:") || ["fs", "path", "url", "module"].includes(s!))).toBe(
      true,
    );
    // `import { definePlan } from "strain"` resolved to this package's entry.
    expect(bundle).toContain("function definePlan(");
    expect(bundle).toContain("sourceMappingURL=data:application/json");

    expect(plan.name).toBe("shop");
    // import.meta.url in the helper module still points next to it.
    expect(plan.description).toBe("hello from the fixture");
    expect(plan.scenarios[0]!.tags).toEqual({ greeting: "HELLO FROM THE FIXTURE" });
    expect(plan.hosts).toEqual(["127.0.0.1:8080", "auth.example.test"]);
    expect(plan.http.maxBodySize).toBe(1_048_576);
    expect(plan.feeders.users!.path).toBe(join(fixtures, "data/users.csv"));
    expect(plan.scenarios.map((s) => [s.name, s.executor, s.flows.map((f) => f.name)])).toEqual([
      ["browse", "constant-arrival-rate", ["browse"]],
      ["buy", "ramping-vus", ["quick", "login"]],
    ]);
    expect(await plan.setup?.({ http: recordingVU().vu.http, env: {} })).toEqual({ token: "t" });

    // The flows are the plan's own code, runnable against any VU.
    const { vu, calls } = recordingVU();
    await plan.scenarios[0]!.flows[0]!.fn(vu);
    expect(calls).toEqual([
      { kind: "request", method: "GET", url: "/items", opts: { name: "list items" } },
      { kind: "check", results: { "status is 200": true }, tags: undefined },
      { kind: "sleep", t: { uniform: ["100ms", "300ms"] } },
    ]);
  });

  it("inlines npm dependencies (CommonJS ones too), so the bundle loads from a folder without node_modules", async () => {
    const project = await mkdtemp(join(tmp, "project-"));
    const pkg = join(project, "node_modules", "tiny-cjs");
    await mkdir(pkg, { recursive: true });
    await writeFile(
      join(pkg, "package.json"),
      JSON.stringify({ name: "tiny-cjs", version: "1.0.0", main: "index.js" }),
    );
    // CommonJS requiring a built-in: needs the bundle's require() shim.
    await writeFile(
      join(pkg, "index.js"),
      'const { basename } = require("node:path");\nexports.label = (p) => "tiny:" + basename(p);\n',
    );
    const file = join(project, "plan.ts");
    await writeFile(
      file,
      'import { definePlan } from "strain";\nimport { label } from "tiny-cjs";\nexport default definePlan({ name: label("/a/b/dep-plan"), hosts: ["localhost"], scenarios: { s: { executor: "constant-vus", vus: 1, duration: "1s", flow: () => {} } } });\n',
    );
    const out = await mkdtemp(join(tmp, "elsewhere-"));
    const { plan, bundlePath } = await loadPlan(file, out);
    expect(plan.name).toBe("tiny:dep-plan");
    expect(await readFile(bundlePath!, "utf8")).not.toMatch(/from "tiny-cjs"|require\("tiny-cjs"\)/);
  });

  it("workers import the built bundle again without bundling", async () => {
    const out = join(tmp, "ts-worker");
    const planPath = join(fixtures, "valid-plan.ts");
    const { bundlePath } = await loadPlan(planPath, out);
    const before = await readFile(bundlePath!, "utf8");
    const plan = await importPlanBundle(bundlePath!, planPath);
    expect(plan.name).toBe("shop");
    expect(plan.feeders.users!.path).toBe(join(fixtures, "data/users.csv"));
    expect(await readFile(bundlePath!, "utf8")).toBe(before);
  });

  it("takes a named `plan` export from a JS plan", async () => {
    const { plan, bundlePath } = await loadPlan(join(fixtures, "named-export.mjs"), join(tmp, "mjs-out"));
    expect(bundlePath).not.toBeNull();
    expect(plan.name).toBe("named");
    expect(plan.scenarios[0]).toMatchObject({
      executor: "per-vu-iterations",
      iterations: 1,
      maxDurationMs: 600_000,
    });
  });

  it("a compile error is PLAN_LOAD with esbuild's first error at file:line:col", async () => {
    const file = await planFile(
      "broken.ts",
      'export default {\n  name: "x",\n  scenarios: { a: { vus: 1 +* } },\n};\n',
    );
    const err = await loadError(file);
    expect(err.code).toBe(ErrorCodes.PLAN_LOAD);
    expect(err.message).toBe(`plan ${file} does not compile: ${file}:3:29: Unexpected "*"`);
    expect(err.hint).toBe("fix the error at the position shown");
  });

  it("an unresolvable import is PLAN_LOAD with an install hint", async () => {
    const file = await planFile(
      "needs-pkg.ts",
      'import x from "no-such-package-strain-test";\nexport default x;\n',
    );
    const err = await loadError(file);
    expect(err.code).toBe(ErrorCodes.PLAN_LOAD);
    expect(err.message).toContain(`${file}:1:15: Could not resolve "no-such-package-strain-test"`);
    expect(err.hint).toContain("npm install");
  });

  it("a plan that throws at import is PLAN_LOAD with the thrown message", async () => {
    const file = await planFile("throws.ts", 'throw new Error("no DATABASE_URL");\nexport default {};\n');
    const err = await loadError(file);
    expect(err.code).toBe(ErrorCodes.PLAN_LOAD);
    expect(err.message).toBe(`plan ${file} threw while loading: no DATABASE_URL`);
    expect((err.cause as Error).message).toBe("no DATABASE_URL");
  });

  it("a module without a plan export is PLAN_LOAD with a hint", async () => {
    const file = await planFile("empty.ts", "export const x = 1;\n");
    const err = await loadError(file);
    expect(err.code).toBe(ErrorCodes.PLAN_LOAD);
    expect(err.message).toBe(`plan ${file} exports no plan`);
    expect(err.hint).toContain("export default definePlan(");
  });

  it("a TS plan with invalid content is PLAN_INVALID with every problem", async () => {
    const file = await planFile(
      "invalid.ts",
      'import { definePlan } from "strain";\nexport default definePlan({ name: "x", hosts: ["a"], scenarios: { s: { executor: "constant-vus", vus: 0, duration: "1m", flow: () => {} } } });\n',
    );
    const err = await loadError(file);
    expect(err.code).toBe(ErrorCodes.PLAN_INVALID);
    expect(err.details).toEqual([
      "scenarios.s.vus: must be ≥ 1 (got 0) — hint: the number of virtual users running the flow concurrently",
    ]);
  });
});

describe("loadPlan: YAML plans", () => {
  it("loads, validates and compiles steps into a flow", async () => {
    const { plan, bundlePath } = await loadPlan(join(fixtures, "valid-plan.yaml"), join(tmp, "yaml-out"));
    expect(bundlePath).toBeNull();
    expect(plan).toMatchObject({
      name: "registry-smoke",
      hosts: ["127.0.0.1:8080"],
      feeders: { users: { mode: "unique", path: join(fixtures, "data/users.csv") } },
    });
    const scenario = plan.scenarios[0]!;
    expect(scenario).toMatchObject({ name: "search", executor: "constant-vus", vus: 2, durationMs: 30_000 });

    const env = { USER: "alice", PASSWORD: "pw", NAME_QUERY: "bob", API_KEY: "k1" };
    const { vu, calls } = recordingVU(env, (_m, url) =>
      url === "/individuals" ? { status: 206, body: '{"results":[]}' } : { status: 200 },
    );
    await scenario.flows[0]!.fn(vu);
    expect(calls).toEqual([
      { kind: "transaction", name: "login", phase: "start" },
      {
        kind: "request",
        method: "POST",
        url: "/auth/login",
        opts: { expectedStatuses: [200], json: { user: "alice", password: "pw", remember: true } },
      },
      { kind: "check", results: { "status is 200": true }, tags: undefined },
      { kind: "transaction", name: "login", phase: "end" },
      { kind: "sleep", t: { uniform: [500, 1000] } },
      {
        kind: "request",
        method: "GET",
        url: "/individuals",
        opts: {
          name: "search individuals",
          timeout: 2000,
          responseType: "text",
          expectedStatuses: [200, 206],
          headers: { "x-api-key": "k1", accept: "application/json" },
          query: { name: "bob", limit: 20 },
        },
      },
      {
        kind: "check",
        results: { "status is 200 or 206": true, 'body includes "results"': true },
        tags: undefined,
      },
      { kind: "sleep", t: 1000 },
    ]);
  });

  it("a YAML syntax error is PLAN_INVALID with line:column", async () => {
    const file = await planFile("bad.yaml", "name: x\nscenarios:\n  a: { executor: constant-vus\n  b: 1\n");
    const err = await loadError(file);
    expect(err.code).toBe(ErrorCodes.PLAN_INVALID);
    expect(err.message).toMatch(new RegExp(`^plan ${file} is not valid YAML: ${file}:\\d+:\\d+: `));
    expect(err.details[0]).toMatch(/:4:\d+: /);
    expect(err.hint).toBe("fix the YAML syntax at the position shown");
  });

  it("a duplicate YAML key is an error, not a silent override", async () => {
    const file = await planFile("dup.yml", "name: x\nname: y\nhosts: [a]\nscenarios: {}\n");
    const err = await loadError(file);
    expect(err.code).toBe(ErrorCodes.PLAN_INVALID);
    expect(err.details).toEqual([`${file}:2:1: Map keys must be unique`]);
  });

  it("YAML content problems are reported like TS ones", async () => {
    const file = await planFile(
      "invalid.yaml",
      "name: x\nhosts: [api.test]\nscenarios:\n  s:\n    executor: constant-vus\n    vus: 1\n    duration: 1m\n",
    );
    const err = await loadError(file);
    expect(err.code).toBe(ErrorCodes.PLAN_INVALID);
    expect(err.details).toEqual([
      "scenarios.s: needs a flow or a mix — hint: flow: a function (TS) or a list of steps; mix: a list of { name, weight, flow }",
    ]);
  });
});

describe("loadPlan: files", () => {
  it("a missing plan file is PLAN_LOAD", async () => {
    const err = await loadError(join(tmp, "nope.ts"));
    expect(err.code).toBe(ErrorCodes.PLAN_LOAD);
    expect(err.message).toBe(`plan file not found: ${join(tmp, "nope.ts")}`);
  });

  it("an unknown extension is PLAN_LOAD listing the accepted ones", async () => {
    const file = await planFile("plan.json", "{}");
    const err = await loadError(file);
    expect(err.code).toBe(ErrorCodes.PLAN_LOAD);
    expect(err.hint).toBe("a plan is a .ts, .mts, .js, .mjs, .yaml or .yml file");
  });
});
