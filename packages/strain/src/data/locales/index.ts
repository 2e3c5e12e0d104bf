/** The bundled locales, by the code used on the command line (`--locale ke`). */
import { KE } from "./ke.js";
import type { Locale } from "./locale.js";
import { PH } from "./ph.js";

export type { Locale } from "./locale.js";

/** Every bundled locale by code. */
export const LOCALES: Readonly<Record<string, Locale>> = { ke: KE, ph: PH };

/** The locale for `code`; a RangeError naming the known codes when there is none. */
export function getLocale(code: string): Locale {
  const locale = Object.hasOwn(LOCALES, code) ? LOCALES[code] : undefined;
  if (locale === undefined)
    throw new RangeError(`unknown locale "${code}": known locales are ${Object.keys(LOCALES).join(", ")}`);
  return locale;
}
