/**
 * The text behind the trigram index. Names are folded in JavaScript (accents removed, lower case,
 * punctuation to spaces) rather than in SQL, so the index, the search query and the dedup job see
 * the same form on every server, whatever its locale: "José O'Brien" → "jose o brien".
 */

/** Fold `s` for trigram matching. */
export function foldForSearch(s: string): string {
  return s
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

/** search_text of a farmer: names, then the national id (so either can be searched by text). */
export function farmerSearchText(f: {
  first_name: string;
  middle_name?: string | null | undefined;
  last_name: string;
  given_name?: string | null | undefined;
  national_id: string;
}): string {
  return foldForSearch(
    [f.first_name, f.middle_name, f.last_name, f.given_name, f.national_id].filter(Boolean).join(" "),
  );
}

/** search_text of a household: the head's name, then the address. */
export function householdSearchText(h: {
  head_name: string;
  address_line1?: string | null | undefined;
  village?: string | null | undefined;
}): string {
  return foldForSearch([h.head_name, h.address_line1, h.village].filter(Boolean).join(" "));
}

/** National id with all but its last four characters hidden. */
export function maskNationalId(id: string): string {
  return id.length <= 4 ? "*".repeat(id.length) : `${"*".repeat(id.length - 4)}${id.slice(-4)}`;
}
