import { ErrorCodes, StrainError } from "../errors.js";

/**
 * `${env.NAME}` substitution in declarative steps (url, header and query values, body, string
 * values inside `json`). Nothing else is substituted: data from feeders or setup needs a TS flow.
 * Templates are split once at plan load; each request only joins the parts.
 */

const PLACEHOLDER = /\$\{([^}]*)\}/g;
const ENV_REF = /^env\.([A-Za-z_][A-Za-z0-9_]*)$/;

/** Render a template with the VU's environment. */
export type Template = (env: Readonly<Record<string, string>>) => string;

/** Placeholders in `text` that are not `${env.NAME}` (e.g. `${row.id}`), as written. */
export function unsupportedPlaceholders(text: string): string[] {
  const bad: string[] = [];
  for (const m of text.matchAll(PLACEHOLDER)) {
    if (!ENV_REF.test(m[1]!)) bad.push(m[0]);
  }
  return bad;
}

/** True when `text` holds at least one placeholder. */
export function hasPlaceholder(text: string): boolean {
  return text.includes(`\${`);
}

/**
 * Compile `text` into a template, or return it unchanged when it has no placeholder. An unset
 * variable throws when rendered: sending the literal text would test the wrong thing quietly.
 */
export function compileTemplate(text: string): string | Template {
  if (!hasPlaceholder(text)) return text;
  // parts alternate: literal, env name, literal, env name, ..., literal
  const parts: string[] = [];
  let last = 0;
  for (const m of text.matchAll(PLACEHOLDER)) {
    const name = ENV_REF.exec(m[1]!)?.[1];
    if (name === undefined) {
      throw new StrainError(ErrorCodes.PLAN_INVALID, `unsupported placeholder ${m[0]} in "${text}"`, {
        hint: `only \${env.NAME} is substituted`,
      });
    }
    parts.push(text.slice(last, m.index), name);
    last = m.index + m[0].length;
  }
  parts.push(text.slice(last));
  return (env) => {
    let out = parts[0]!;
    for (let i = 1; i < parts.length; i += 2) {
      const name = parts[i]!;
      const value = env[name];
      if (value === undefined) {
        throw new StrainError(
          ErrorCodes.PLAN_INVALID,
          `\${env.${name}} is used by the plan but ${name} is not set`,
          {
            hint: `pass it with --env ${name}=value`,
          },
        );
      }
      out += value + parts[i + 1]!;
    }
    return out;
  };
}
