/**
 * Where a child process's entry module is: next to the caller, with the caller's extension — `.js`
 * from dist, or `.ts` from sources (tests), which then needs the tsx loader.
 */
import { dirname, extname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export function childEntry(
  fromUrl: string,
  relativeWithoutExt: string,
): { path: string; execArgv: string[] } {
  const here = fileURLToPath(fromUrl);
  const ext = extname(here);
  return {
    path: resolve(dirname(here), `${relativeWithoutExt}${ext}`),
    execArgv: ext === ".ts" ? ["--import", "tsx"] : [],
  };
}
