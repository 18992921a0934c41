/**
 * What the software identity covers: the code that runs, the compiled command included (a changed
 * bundle in dist/cli is a changed installation), not the tests nor the bundle's build notes.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { hashSoftwareFiles, listSoftwareFiles } from './software-files.ts';

const root = mkdtempSync(join(tmpdir(), 'comptoir-software-files-'));
after(() => rmSync(root, { recursive: true, force: true }));

function put(path: string, text: string): void {
  mkdirSync(join(root, path, '..'), { recursive: true });
  writeFileSync(join(root, path), text);
}

test('the compiled command is covered, its build notes and the tests are not; a changed bundle changes its hash', () => {
  put('package.json', '{}');
  put('bin/comptoir.js', 'run()');
  put('src/sales/money.ts', 'export {}');
  put('src/sales/money.test.ts', 'test()');
  put('dist/cli/main.js', 'console.log(1)');
  put('dist/cli/build.json', '{"builtAt": 1}');
  put('node_modules/x/index.js', 'x');
  assert.deepEqual(listSoftwareFiles(root), [
    'bin/comptoir.js',
    'dist/cli/main.js',
    'package.json',
    'src/sales/money.ts',
  ]);
  const before = hashSoftwareFiles(root).find((f) => f.path === 'dist/cli/main.js')?.sha256;
  put('dist/cli/main.js', 'console.log(2)');
  const after = hashSoftwareFiles(root).find((f) => f.path === 'dist/cli/main.js')?.sha256;
  assert.notEqual(after, before);
});
