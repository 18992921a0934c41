#!/usr/bin/env node
// Entry point of the `comptoir` command. Runs the compiled bundle (dist/cli, built by `npm start`, at
// install by `prepare`, or `node scripts/build-cli.mjs`) when it is there and no source is newer;
// otherwise the TypeScript sources through tsx (a development clone being edited), which starts
// several times slower.
import { BUNDLE_MAIN, bundleIsStale } from '../scripts/cli-bundle.mjs';

if (process.env.COMPTOIR_FROM_SOURCES !== '1' && !bundleIsStale()) {
  await import(BUNDLE_MAIN);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
