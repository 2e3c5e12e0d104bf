import { z } from "zod";
import { suggest } from "./did-you-mean.js";

/** True for plain objects (not arrays, not null). */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * An object schema that reports each unknown key as its own issue, with a did-you-mean hint.
 * Shared by the plan, criteria and monitors schemas so every section of a plan reports alike.
 */
export function strictObject<S extends z.core.$ZodLooseShape>(
  shape: S,
  unknownKeyHint: (key: string, known: readonly string[]) => string = suggest,
) {
  const known = Object.keys(shape);
  return z.looseObject(shape).superRefine(
    (value, ctx) => {
      for (const key of Object.keys(value)) {
        if (Object.hasOwn(shape, key)) continue;
        ctx.addIssue({
          code: "custom",
          path: [key],
          message: `unknown key "${key}"`,
          params: { hint: unknownKeyHint(key, known) },
        });
      }
    },
    // Run even when a field has issues: all problems are reported at once.
    { when: (payload) => isRecord(payload.value) },
  );
}
