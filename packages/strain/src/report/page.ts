import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { esc } from "./report-sections.js";

/**
 * The HTML shell shared by report.html and compare.html: one self-contained file, no network
 * access (uPlot's script and stylesheet inlined, the data embedded as JSON), opens from disk.
 */

let assets: { js: string; css: string } | undefined;

/** uPlot's minified browser build and stylesheet, from the installed package. */
function uplotAssets(): { js: string; css: string } {
  if (assets === undefined) {
    const require = createRequire(import.meta.url);
    const dir = require.resolve("uplot/dist/uPlot.iife.min.js");
    assets = {
      js: readFileSync(dir, "utf8"),
      css: readFileSync(require.resolve("uplot/dist/uPlot.min.css"), "utf8"),
    };
  }
  return assets;
}

export interface PageInput {
  title: string;
  /** Server-rendered sections. */
  body: string;
  /** Embedded as JSON and handed to `app`. */
  data: unknown;
  /** The page's script: called as app(data, uPlot, document, window); embedded as source. */
  app: (data: never, uPlot: unknown, doc: unknown, win: unknown) => void;
}

export function renderPage(p: PageInput): string {
  const { js, css } = uplotAssets();
  // "<" escaped so no string in the data can close the script element.
  const json = JSON.stringify(p.data).replace(/</g, "\\u003c");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="strain">
<link rel="icon" href="data:,">
<title>${esc(p.title)}</title>
<style>${css}</style>
<style>${PAGE_CSS}</style>
</head>
<body>
${p.body}
<script type="application/json" id="strain-data">${json}</script>
<script>${scriptSafe(js)}</script>
<script>
"use strict";
// Some compilers wrap named functions in __name(); the embedded source may call it.
var __name = function (f) { return f; };
(${scriptSafe(String(p.app))})(JSON.parse(document.getElementById("strain-data").textContent), uPlot, document, window);
</script>
</body>
</html>
`;
}

function scriptSafe(js: string): string {
  return js.replace(/<\/(script)/gi, "<\\/$1");
}

const PAGE_CSS = `
:root { --pass: #1e7b34; --warn: #a86a00; --fail: #b3261e; --muted: #666; --line: #ddd; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0 auto; padding: 16px 24px 48px; max-width: 1400px; color: #1d1d1f; }
header h1 { font-size: 22px; margin: 0 0 2px; }
header p { margin: 0 0 12px; color: var(--muted); }
h2 { font-size: 18px; margin: 28px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 15px; margin: 18px 0 6px; }
.banner { display: flex; gap: 16px; align-items: flex-start; border-radius: 6px; padding: 12px 16px; border: 2px solid; }
.banner.pass { border-color: var(--pass); background: #eef8f0; }
.banner.warn { border-color: var(--warn); background: #fff7e6; }
.banner.fail { border-color: var(--fail); background: #fdeeee; }
.banner-word { font-size: 26px; font-weight: 700; min-width: 90px; }
.banner.pass .banner-word { color: var(--pass); } .banner.warn .banner-word { color: var(--warn); } .banner.fail .banner-word { color: var(--fail); }
.banner ul { margin: 0; padding-left: 18px; }
.banner li.fail { color: var(--fail); font-weight: 600; } .banner li.warn { color: var(--warn); }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { border-bottom: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
thead th { background: #f5f5f7; position: sticky; top: 0; }
table.sortable thead th { cursor: pointer; user-select: none; white-space: nowrap; }
table.sortable thead th[aria-sort="ascending"]::after { content: " ▲"; }
table.sortable thead th[aria-sort="descending"]::after { content: " ▼"; }
td.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.bad { color: var(--fail); }
table.kv th { width: 220px; background: none; position: static; }
.pill { display: inline-block; border-radius: 10px; padding: 0 8px; color: #fff; font-weight: 600; font-size: 12px; }
.pill.pass { background: var(--pass); } .pill.warn { background: var(--warn); } .pill.fail { background: var(--fail); }
.reason { color: var(--muted); }
tr.fail td:first-child { border-left: 3px solid var(--fail); } tr.warn td:first-child { border-left: 3px solid var(--warn); }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(560px, 1fr)); gap: 18px; }
figure { margin: 0; min-width: 0; }
figcaption, .hint { color: var(--muted); font-size: 12px; }
.empty { color: var(--muted); font-style: italic; }
.chart { min-height: 40px; }
code { font-size: 12px; white-space: pre-wrap; word-break: break-word; }
label.select { display: block; margin: 4px 0; }
.delta-bad { color: var(--fail); font-weight: 600; } .delta-good { color: var(--pass); }
@media print { .charts { grid-template-columns: 1fr; } thead th { position: static; } }
`;
