#!/usr/bin/env node
// Runs every *.test.ts file with node's own test runner (through tsx).
// Node 20 given no file list finds no .ts test and exits 0: we pass the files explicitly,
// and a run that executed zero tests is a failure.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const skip = new Set(['node_modules', '.git', 'data', 'dist']);

function findTests(dir) {
  const found = [];
  if (!existsSync(dir)) return found;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (skip.has(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...findTests(path));
    else if (entry.name.endsWith('.test.ts')) found.push(relative(root, path));
  }
  return found;
}

const filter = process.argv.slice(2);
const files = findTests(join(root, 'src'))
  .concat(findTests(join(root, 'web')))
  .filter((f) => filter.length === 0 || filter.some((part) => f.includes(part)))
  .sort();
if (files.length === 0) {
  console.error('Aucun fichier de test trouvé (*.test.ts).');
  process.exit(1);
}

// The CLI's tests run the real `comptoir` command: its compiled bundle is rebuilt first when a source
// changed (bin/comptoir.js would otherwise fall back to the sources, several times slower per run).
if (files.some((f) => f.startsWith('src/cli/') || f.includes('serve'))) {
  const build = spawnSync(process.execPath, [join(root, 'scripts', 'build-cli.mjs'), '--if-stale'], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

// The end-to-end files serve web/dist: it is built once here, before they run side by side (each
// rebuilding it would empty the folder under the other's server).
const env = { ...process.env };
if (files.some((f) => f.startsWith('web/e2e/'))) {
  const build = spawnSync(process.execPath, [join(root, 'scripts', 'build-web.mjs')], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (build.status !== 0) process.exit(build.status ?? 1);
  env.COMPTOIR_WEB_BUILT = '1';
}

const child = spawn(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-reporter=tap', '--test-concurrency=2', ...files],
  { cwd: root, env, stdio: ['ignore', 'pipe', 'inherit'] },
);
let tail = '';
child.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  tail = (tail + chunk.toString()).slice(-4096);
});
child.on('close', (code) => {
  const match = /^# tests (\d+)$/m.exec(tail);
  const count = match ? Number(match[1]) : 0;
  if (count === 0) {
    console.error('Échec : aucun test exécuté.');
    process.exit(1);
  }
  process.exit(code ?? 1);
});
