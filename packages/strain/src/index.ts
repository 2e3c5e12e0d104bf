/**
 * Strain's public entry for plans: `definePlan`, criteria presets, and the plan/VU/criteria types.
 * User plans are bundled together with this file, so it imports nothing heavy at run time (the
 * presets are plain data).
 */
import type { PlanDefinition } from "./plan/types.js";

export type {
  CriteriaEntry,
  CriterionDefinition,
  CriterionDuration,
  CriterionValue,
  K6ThresholdObject,
  K6Thresholds,
  PresetName,
  PresetOverrides,
  PresetReference,
  TagCondition,
  WhereFilter,
  WindowSpec,
} from "./criteria/definition.js";
export { type PresetRowId, preset, presets, type TypedPresetOverrides } from "./criteria/presets.js";
// Test data for `strain data <file.ts>`: defineDataset and its column generators (docs/data.md).
export type { ChunkOutput, DatasetDefinition, TableDefinition } from "./data/dataset.js";
export {
  type CountSpec,
  type DatasetSpec,
  type DateLike,
  defineDataset,
  type Generator,
  gen,
  type NameOptions,
  type RowContext,
  type RowValues,
  type Scalar,
  type TableSpec,
  type TimestampRange,
} from "./data/define-dataset.js";
export type { Rng } from "./data/rng.js";
export type {
  ConstantArrivalRateConfig,
  ConstantVUsConfig,
  Duration,
  ErrorClass,
  ExecutorName,
  Feeder,
  FeederConfig,
  Flow,
  FlowFunction,
  FlowStep,
  HttpApi,
  HttpDriver,
  HttpMethod,
  HttpOptions,
  MixEntry,
  NetErrorKind,
  PerVUIterationsConfig,
  PlanDefinition,
  PlanOptions,
  RampingArrivalRateConfig,
  RampingVUsConfig,
  RequestOptions,
  Response,
  ResponseType,
  ScenarioConfig,
  SetupContext,
  SharedIterationsConfig,
  Stage,
  StepRequest,
  Tags,
  ThinkTime,
  VU,
} from "./plan/types.js";

/**
 * Declare a plan. Returns its argument unchanged; it exists for types and editor completion
 * (like vitest's `defineConfig`). `SetupData` is what `setup()` returns.
 *
 * @example
 * export default definePlan({
 *   name: "browse",
 *   baseUrl: "https://staging.example.com",
 *   scenarios: {
 *     browse: { executor: "constant-vus", vus: 10, duration: "1m", flow: async (vu) => { await vu.http.get("/") } },
 *   },
 * });
 */
export function definePlan<SetupData = unknown>(plan: PlanDefinition<SetupData>): PlanDefinition<SetupData> {
  return plan;
}
