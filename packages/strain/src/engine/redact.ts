/**
 * Secret values seen during a run (env values named in `options.secrets`, and the values of
 * Authorization, Cookie and secret-named headers as flows send them), removed from every message
 * Strain writes: error samples, warnings, the summary.
 */
export class SecretRedactor {
  private readonly secretHeaders: Set<string>;
  private readonly values = new Set<string>();

  constructor(secretNames: readonly string[], env: Readonly<Record<string, string>>) {
    this.secretHeaders = new Set([
      "authorization",
      "cookie",
      "proxy-authorization",
      ...secretNames.map((s) => s.toLowerCase()),
    ]);
    for (const name of secretNames) {
      const v = env[name];
      if (v !== undefined) this.add(v);
    }
  }

  /** Remember secret header values of a request (cheap: only names are compared for most headers). */
  noteHeaders(headers: Readonly<Record<string, string>> | undefined): void {
    if (headers === undefined) return;
    for (const name in headers) {
      if (this.secretHeaders.has(name.toLowerCase())) this.add(headers[name]!);
    }
  }

  add(value: string): void {
    // Very short values would blank out ordinary words; a bearer scheme prefix is not itself secret.
    const v = value.replace(/^(bearer|basic|token)\s+/i, "");
    // Bound memory when every VU logs in with its own token.
    if (v.length >= 6 && this.values.size < 10_000) this.values.add(v);
  }

  redact(text: string): string {
    if (this.values.size === 0) return text;
    let out = text;
    for (const v of this.values) if (out.includes(v)) out = out.split(v).join("[secret]");
    return out;
  }
}
