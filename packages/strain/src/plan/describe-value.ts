/** A short, human description of a value for error messages: `"ten"`, `0`, `a list`, `an object`. */
export function describeValue(v: unknown): string {
  if (v === null) return "null";
  if (v === undefined) return "nothing";
  if (Array.isArray(v)) return "a list";
  switch (typeof v) {
    case "string":
      return JSON.stringify(v.length > 60 ? `${v.slice(0, 57)}...` : v);
    case "function":
      return "a function";
    case "object":
      return "an object";
    default:
      return String(v);
  }
}
