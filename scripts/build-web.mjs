#!/usr/bin/env node
// Builds the front end (web/ → web/dist) with Vite, then prints the register's JavaScript size
// gzipped: what the browser loads for the register screen (the entry and what it imports statically,
// not the back office loaded on demand). Fails above the 200 kB budget of issue 8.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';

const root = new URL('../web', import.meta.url).pathname;
const BUDGET = 200 * 1024;

await build({ root, configFile: join(root, 'vite.config.ts'), logLevel: 'warn' });

const manifestHtml = readFileSync(join(root, 'dist', 'index.html'), 'utf8');
const entries = [...manifestHtml.matchAll(/(?:src|href)="(\/assets\/[^"]+\.js)"/g)].map((m) => m[1]);
let total = 0;
for (const entry of entries) {
  const body = readFileSync(join(root, 'dist', entry));
  total += gzipSync(body, { level: 9 }).length;
}
const kb = (total / 1024).toFixed(1);
console.log(`Front end construit dans web/dist — JavaScript de la caisse : ${kb} kB gzip (budget 200 kB)`);
if (total > BUDGET) {
  console.error('Échec : le JavaScript de la caisse dépasse 200 kB gzip.');
  process.exit(1);
}
