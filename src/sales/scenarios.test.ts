import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { quote } from './quote.ts';

/**
 * Every scenario of spec/ticket-scenario.md must give its expected output on the fields the spec fixes.
 * The copies in src/sales/scenarios keep the suite standing alone; the shared folder, when it is beside
 * the repository, brings the newest ones.
 */
const root = fileURLToPath(new URL('../..', import.meta.url));
const folders = [join(root, 'src/sales/scenarios'), join(root, '../shared/spec/scenarios')].filter((dir) =>
  existsSync(dir),
);
const bin = join(root, 'bin/comptoir.js');
const run = promisify(execFile);

/** Asserts that every field of `expected` is in `actual` with the same value (extra fields allowed). */
function assertSubset(actual: unknown, expected: unknown, path = ''): void {
  if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual), `${path}: liste attendue`);
    assert.equal(actual.length, expected.length, `${path}: longueur`);
    expected.forEach((item, i) => {
      assertSubset(actual[i], item, `${path}[${i}]`);
    });
  } else if (typeof expected === 'object' && expected !== null) {
    assert.ok(typeof actual === 'object' && actual !== null, `${path}: objet attendu`);
    for (const [key, value] of Object.entries(expected)) {
      assert.ok(key in actual, `${path}.${key}: champ manquant`);
      assertSubset((actual as Record<string, unknown>)[key], value, `${path}.${key}`);
    }
  } else {
    assert.equal(actual, expected, path);
  }
}

for (const folder of folders) {
  const names = readdirSync(folder)
    .filter((name) => name.endsWith('.in.json'))
    .sort();
  describe(`scenarios of ${folder.includes('shared') ? 'shared/spec' : 'the repository'}`, () => {
    test('the folder has scenarios', () => {
      assert.ok(names.length >= 15);
    });
    for (const name of names) {
      const input: unknown = JSON.parse(readFileSync(join(folder, name), 'utf8'));
      const expected = JSON.parse(
        readFileSync(join(folder, name.replace('.in.json', '.out.json')), 'utf8'),
      ) as {
        valid: boolean;
      };
      test(name, () => {
        const { exitCode, output } = quote(input);
        assertSubset(output, expected);
        assert.equal(exitCode, expected.valid ? 0 : 1);
      });
    }
  });
}

test('the comptoir command prints the same results and exit statuses as the engine', async () => {
  const folder = folders[0] ?? '';
  // The command is a thin shell over quote(): a valid, a rounded, and two refused tickets prove the wiring.
  const names = [
    '01-single-line-cash',
    '03-cash-rounding-up',
    '11-negative-total-refused',
    '12-overpay-card-refused',
  ];
  for (const base of names) {
    const name = `${base}.in.json`;
    const expected = JSON.parse(
      readFileSync(join(folder, name.replace('.in.json', '.out.json')), 'utf8'),
    ) as {
      valid: boolean;
    };
    const outcome = await run(process.execPath, [bin, 'quote', join(folder, name)]).then(
      (r) => ({ code: 0, stdout: r.stdout }),
      (e: { code: number; stdout: string }) => ({ code: e.code, stdout: e.stdout }),
    );
    assert.equal(outcome.code, expected.valid ? 0 : 1, name);
    assertSubset(JSON.parse(outcome.stdout), expected, name);
  }
});
