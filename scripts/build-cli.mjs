#!/usr/bin/env node
// Builds the `comptoir` command (src/cli/main.ts → dist/cli/) with esbuild, so that no command pays a
// TypeScript transpiler at run time (issue 12: every command starts in under 0.3 s). One ES module per
// entry plus shared chunks, all in dist/cli/ (two levels under the root, like src/<layer>/, so paths
// made from import.meta.url — package.json, web/dist — stay right); npm packages stay external.
// dist/cli/build.json lists the sources the bundle was made from: bin/comptoir.js runs the bundle
// only while none of them is newer (else it falls back to the sources through tsx).
//   node scripts/build-cli.mjs            build
//   node scripts/build-cli.mjs --if-stale build only when a source changed since the last build
import { rmSync, writeFileSync } from 'node:fs';
import { build } from 'esbuild';
import { BUNDLE_DIR, BUNDLE_INFO, bundleIsStale, ROOT } from './cli-bundle.mjs';

const root = ROOT;
const out = BUNDLE_DIR;

if (process.argv.includes('--if-stale') && !bundleIsStale()) process.exit(0);

const started = Date.now();
rmSync(out, { recursive: true, force: true });
const result = await build({
  absWorkingDir: root,
  entryPoints: {
    main: 'src/cli/main.ts',
    'journal-verify-worker': 'src/store/journal-verify-worker.ts',
  },
  outdir: out,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  chunkNames: 'chunk-[hash]',
  sourcemap: 'linked',
  metafile: true,
  logLevel: 'warning',
});
const inputs = Object.keys(result.metafile.inputs).filter((p) => !p.startsWith('node_modules/'));
writeFileSync(
  BUNDLE_INFO,
  `${JSON.stringify({ builtAt: started, inputs: ['package.json', ...inputs] }, null, 1)}\n`,
);
console.log(
  `Commande comptoir construite dans dist/cli (${inputs.length} sources, ${Date.now() - started} ms)`,
);
