// Where the compiled `comptoir` command lives and whether it is up to date with its sources: shared by
// bin/comptoir.js (run the bundle or fall back), scripts/build-cli.mjs and scripts/run-tests.mjs.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = new URL('..', import.meta.url).pathname;
export const BUNDLE_DIR = join(ROOT, 'dist', 'cli');
export const BUNDLE_MAIN = join(BUNDLE_DIR, 'main.js');
export const BUNDLE_INFO = join(BUNDLE_DIR, 'build.json');

/**
 * Whether the bundle is missing or older than one of the sources it was built from (about 150
 * `stat` calls: a millisecond or two).
 */
export function bundleIsStale() {
  try {
    const info = JSON.parse(readFileSync(BUNDLE_INFO, 'utf8'));
    if (!existsSync(BUNDLE_MAIN)) return true;
    return info.inputs.some(
      (input) =>
        statSync(join(ROOT, input), { throwIfNoEntry: false })?.mtimeMs > info.builtAt ||
        !existsSync(join(ROOT, input)),
    );
  } catch {
    return true;
  }
}
