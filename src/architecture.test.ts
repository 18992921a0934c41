import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';

/** The rules of docs/architecture.md: which layer may import which. */
const ALLOWED: Record<string, readonly string[]> = {
  sales: [],
  fiscal: ['sales'],
  store: ['sales', 'fiscal'],
  receipts: ['sales', 'fiscal', 'store'],
  mail: ['sales', 'fiscal', 'store', 'receipts'],
  server: ['sales', 'fiscal', 'store', 'receipts', 'mail', 'terminal', 'central'],
  cli: ['sales', 'fiscal', 'store', 'receipts', 'mail', 'server', 'terminal', 'central'],
  terminal: [],
  central: ['sales', 'fiscal', 'store'],
};
/** Layers that must stay pure: no node: module at all (fiscal may use node:crypto only). */
const NODE_MODULES_ALLOWED: Record<string, readonly string[]> = {
  sales: [],
  fiscal: ['node:crypto'],
};

const srcDir = resolve(import.meta.dirname);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

function layerOf(file: string): string | undefined {
  const first = relative(srcDir, file).split('/')[0];
  return first !== undefined && first in ALLOWED ? first : undefined;
}

const importPattern =
  /(?:^|\n)\s*(?:import|export)[^'"`;]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

test('every import across src/ follows docs/architecture.md', () => {
  const broken: string[] = [];
  for (const file of sourceFiles(srcDir)) {
    const layer = layerOf(file);
    if (layer === undefined || file.endsWith('.test.ts')) continue;
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(importPattern)) {
      const spec = match[1] ?? match[2];
      if (spec === undefined) continue;
      const where = relative(srcDir, file);
      if (spec.startsWith('.')) {
        const target = layerOf(resolve(dirname(file), spec));
        if (target !== undefined && target !== layer && !ALLOWED[layer]?.includes(target)) {
          broken.push(`${where} imports ${spec} (${layer} → ${target})`);
        }
      } else if (layer in NODE_MODULES_ALLOWED) {
        const builtin = spec.startsWith('node:');
        if (builtin && !NODE_MODULES_ALLOWED[layer]?.includes(spec)) {
          broken.push(`${where} imports ${spec}: the ${layer} layer is pure`);
        }
      }
    }
  }
  assert.deepEqual(broken, []);
});
