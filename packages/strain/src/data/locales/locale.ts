/**
 * Bundled per-locale word lists for generated people and places. Lists are plain data; generators
 * escape and fold them once at start-up (see copy-text.ts), never per row.
 */
export interface Locale {
  /** Short code used on the command line (`--locale ke`). */
  readonly code: string;
  /** English name of the country the lists come from. */
  readonly country: string;
  /** ISO 3166-1 alpha-2 country code written into address rows. */
  readonly countryCode: string;
  readonly maleFirstNames: readonly string[];
  readonly femaleFirstNames: readonly string[];
  readonly surnames: readonly string[];
  /** Geo hierarchy: region → zones; districts and villages are derived from the zone name. */
  readonly regions: readonly { readonly name: string; readonly zones: readonly string[] }[];
  /** Languages spoken, most common first. */
  readonly languages: readonly string[];
  /** Mobile numbers: international prefix and how many digits follow it. */
  readonly phone: { readonly prefix: string; readonly digits: number };
  /** Bounding box for coordinates. */
  readonly bounds: {
    readonly latMin: number;
    readonly latMax: number;
    readonly lonMin: number;
    readonly lonMax: number;
  };
  /** Crops, livestock, farm inputs and cooperatives typical of the country. */
  readonly crops: readonly string[];
  readonly animals: readonly string[];
  readonly farmInputs: readonly string[];
  readonly cooperatives: readonly string[];
  readonly occupations: readonly string[];
}
