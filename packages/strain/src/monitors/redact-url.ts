/**
 * A URL as monitors print it: the password (and a token in the query string) replaced by `***`, so
 * connection strings can appear in warnings without leaking secrets. Unparseable input is shown
 * as `<url>` rather than echoed.
 */
export function redactUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return "<url>";
  }
  if (u.password !== "") u.password = "***";
  for (const key of [...u.searchParams.keys()]) {
    if (/pass|token|secret|key/i.test(key)) u.searchParams.set(key, "***");
  }
  return u.toString();
}
