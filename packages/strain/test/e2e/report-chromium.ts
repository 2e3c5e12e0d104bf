import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { type BrowserContext, chromium, type Page } from "playwright-core";

/** Browser helpers of the report tests: Debian's Chromium, offline, on a fresh profile. */
const CHROMIUM = "/usr/bin/chromium";
/** The flags that work offline, as root, without a display. */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Chromium on a fresh profile (Playwright passes it as --user-data-dir). */
export async function launchChromium(): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  if (!existsSync(CHROMIUM)) throw new Error("Chromium is missing: apt-get install -y chromium");
  const profile = mkdtempSync(join(tmpdir(), "strain-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1400, height: 1000 },
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Open a page and collect everything that would mean a broken offline report. */
export async function openOffline(
  context: BrowserContext,
  file: string,
): Promise<{ page: Page; problems: string[] }> {
  const page = await context.newPage();
  const problems: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("request", (r) => {
    if (!r.url().startsWith("file:") && !r.url().startsWith("data:"))
      problems.push(`network request: ${r.url()}`);
  });
  await page.goto(pathToFileURL(file).href);
  await page.waitForFunction("globalThis.strainReport !== undefined");
  return { page, problems };
}

/** Per chart: how many clearly coloured pixels its canvas holds (axes and grid are grey). */
export function colouredPixels(page: Page): Promise<[string, number][]> {
  // A string: evaluated in the page, where the DOM exists (this package compiles without lib.dom).
  return page.evaluate(`Array.from(document.querySelectorAll("[data-chart]")).map((el) => {
    const canvas = el.querySelector("canvas");
    const id = el.getAttribute("data-chart") ?? "?";
    if (canvas === null) return [id, -1];
    const d = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) {
      const max = Math.max(d[i], d[i + 1], d[i + 2]);
      const min = Math.min(d[i], d[i + 1], d[i + 2]);
      if (d[i + 3] > 128 && max - min > 60) n++;
    }
    return [id, n];
  })`);
}
