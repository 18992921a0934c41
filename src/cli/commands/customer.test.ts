/**
 * `comptoir customer export|anonymise` as real processes: the operator must hold the right
 * `customer_data`; the export is written as JSON, the anonymisation says what it erased and kept.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createCustomer } from '../../store/customers.ts';
import { initStore } from '../../store/init.ts';
import { openDatabase } from '../../store/open-database.ts';
import { runComptoir } from '../testing.ts';

const work = mkdtempSync(join(tmpdir(), 'comptoir-cli-customer-'));
const data = join(work, 'data');
after(() => rmSync(work, { recursive: true, force: true }));

const comptoir = (...args: string[]) =>
  runComptoir([...args, '--data', data], {
    cwd: work,
    env: { COMPTOIR_DATA: undefined, COMPTOIR_USER: undefined },
  });

before(async () => {
  const db = await openDatabase({ engine: 'sqlite', file: join(data, 'comptoir.db') });
  const now = new Date();
  await initStore(db, { now, pins: { admin: '1111', cashier: '2222', seller: '3333' } });
  await createCustomer(db, { code: 'CLI01', name: 'Denise Petit', email: 'denise@example.fr' }, now);
  await db.destroy();
});

test('export and anonymise need an operator with the right; the results are what the store kept', async () => {
  const nobody = await comptoir('customer', 'export', 'CLI01');
  assert.equal(nobody.code, 2);
  assert.match(nobody.stderr, /Indiquez qui agit : --operator CODE/);
  const cashier = await comptoir('customer', 'anonymise', 'CLI01', '--operator', 'CAISSE1');
  assert.equal(cashier.code, 1);
  assert.match(cashier.stderr, /Erreur \(RIGHT_REQUIRED\) : CAISSE1 n’a pas le droit nécessaire/);

  const out = join(work, 'client.json');
  const exported = await comptoir('customer', 'export', 'cli01', '--operator', 'ADMIN', '--out', out);
  assert.equal(exported.code, 0, exported.stderr);
  assert.match(exported.stdout, /Données du client CLI01 écrites dans/);
  const file = JSON.parse(readFileSync(out, 'utf8')) as { customer: { email: string } };
  assert.equal(file.customer.email, 'denise@example.fr');
  assert.equal(statSync(out).mode & 0o077, 0, 'personal data written for its owner only');

  const done = await comptoir('customer', 'anonymise', 'CLI01', '--operator', 'ADMIN', '--json');
  assert.equal(done.code, 0, done.stderr);
  const result = JSON.parse(done.stdout) as { code: string; erased: string[]; kept: unknown[] };
  assert.equal(result.code, 'CLI01');
  assert.ok(result.erased.includes('email') && result.erased.includes('name'));
  assert.deepEqual(result.kept, []);
  const twice = await comptoir('customer', 'anonymise', 'CLI01', '--operator', 'ADMIN');
  assert.equal(twice.code, 1);
  assert.match(twice.stderr, /Erreur \(ALREADY_ANONYMISED\)/);
});
