/**
 * `comptoir stock …` as real processes: a sale by `comptoir sell` moves the stock `stock show` prints
 * (quantity per store as a decimal string, the last movements); an ME- written, validated and
 * received; bad lines refused with a French message and nothing written; writes need `manage_stock`.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createArticle, setStock } from '../../store/catalogue.ts';
import { DEPOT_CODE, initStore, STORE_CODE } from '../../store/init.ts';
import { ensureRegisterKeys } from '../../store/journal/keys.ts';
import { openTestDays } from '../../store/journal/testing.ts';
import { openDatabase } from '../../store/open-database.ts';
import { createDepot, createStore } from '../../store/setup.ts';
import { runComptoir } from '../testing.ts';
import { VERSION } from '../version.ts';

const work = mkdtempSync(join(tmpdir(), 'comptoir-cli-stock-'));
const data = join(work, 'data');
after(() => rmSync(work, { recursive: true, force: true }));

const comptoir = (...args: string[]) =>
  runComptoir([...args, '--data', data], {
    cwd: work,
    env: { COMPTOIR_DATA: undefined, COMPTOIR_USER: undefined },
  });

interface Shown {
  depots: { store: string; depot: string; quantity: string }[];
  movements: { kind: string; quantity: string; document: string }[];
}

async function show(ref: string): Promise<Shown> {
  const run = await comptoir('stock', 'show', ref, '--json');
  assert.equal(run.code, 0, run.stderr);
  return JSON.parse(run.stdout) as Shown;
}

before(async () => {
  const db = await openDatabase({ engine: 'sqlite', file: join(data, 'comptoir.db') });
  const now = new Date();
  await initStore(db, { now, pins: { admin: '1111', cashier: '2222', seller: '3333' } });
  await createStore(db, { code: 'MAG2', name: 'Magasin 2' }, now);
  await createDepot(db, 'MAG2', 'DEP2', 'Dépôt 2');
  await createArticle(db, { ref: 'VIS', designation: 'Vis inox', vatRate: 2000, price: 250 }, now);
  await setStock(db, 'VIS', DEPOT_CODE, 10_000);
  ensureRegisterKeys(data, 1);
  await openTestDays(db, { dataDir: data, now: () => new Date(), softwareVersion: VERSION });
  await db.destroy();
});

test('a sale by comptoir sell moves the stock that stock show prints', async () => {
  const file = join(work, 'sale.json');
  writeFileSync(
    file,
    JSON.stringify({
      register: 1,
      lines: [{ ref: 'VIS', qty: '3', unitPrice: '2.50', vatRate: '20' }],
      payments: [{ mode: 'CASH' }],
    }),
  );
  const sold = await runComptoir(['sell', file, '--data', data], {
    cwd: work,
    env: { COMPTOIR_DATA: undefined, COMPTOIR_USER: 'CAISSE1', COMPTOIR_PIN: '2222' },
  });
  assert.equal(sold.code, 0, sold.stderr);
  const view = await show('vis');
  assert.deepEqual(view.depots, [
    { store: STORE_CODE, depot: DEPOT_CODE, quantity: '7' },
    { store: 'MAG2', depot: 'DEP2', quantity: '0' },
  ]);
  assert.deepEqual(
    view.movements.map((m) => [m.kind, m.quantity]),
    [
      ['sale', '-3'],
      ['opening', '10'],
    ],
  );
  const text = await comptoir('stock', 'show', 'VIS');
  assert.match(text.stdout, /MAG1 \/ DEP1 : 7/);
  assert.match(text.stdout, /Vente {2}TICKET 1\/1/);
  const unknown = await comptoir('stock', 'show', 'NOPE');
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /Erreur \(UNKNOWN_ARTICLE\) : Article inconnu : NOPE/);
});

test('an ME- written, validated and received once from the shell; bad input refused, nothing written', async () => {
  const cashier = await comptoir(
    'stock',
    'transfer',
    'VIS=2',
    '--from',
    'DEP1',
    '--to',
    'DEP2',
    '--operator',
    'CAISSE1',
  );
  assert.equal(cashier.code, 1);
  assert.match(cashier.stderr, /CAISSE1 n’a pas le droit nécessaire \(gestion du stock\)/);
  const bad = await comptoir(
    'stock',
    'transfer',
    'VIS=-2',
    '--from',
    'DEP1',
    '--to',
    'DEP2',
    '--operator',
    'ADMIN',
  );
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /Quantité invalide « -2 »/);
  const draft = await comptoir(
    'stock',
    'transfer',
    'VIS=2',
    '--from',
    'DEP1',
    '--to',
    'DEP2',
    '--operator',
    'ADMIN',
    '--json',
  );
  assert.equal(draft.code, 0, draft.stderr);
  const number = (JSON.parse(draft.stdout) as { number: string }).number;
  assert.equal(number, 'ME-000001', 'the refused one took no number');
  assert.equal((await comptoir('stock', 'validate', number, '--operator', 'ADMIN')).code, 0);
  const received = await comptoir('stock', 'receive', number, '--operator', 'ADMIN');
  assert.equal(received.code, 0, received.stderr);
  assert.match(received.stdout, /Transfert entrant \(ME\+\) ME\+000001 \(validé\) — dépôt DEP2/);
  const twice = await comptoir('stock', 'receive', number, '--operator', 'ADMIN');
  assert.equal(twice.code, 1);
  assert.match(
    twice.stderr,
    /Erreur \(ALREADY_RECEIVED\) : Le transfert ME-000001 a déjà été reçu \(ME\+000001\)/,
  );
  const view = await show('VIS');
  assert.deepEqual(
    view.depots.map((d) => d.quantity),
    ['5', '2'],
  );
  const valuation = await comptoir('stock', 'valuation', '--json');
  assert.equal(valuation.code, 0, valuation.stderr);
  assert.equal((JSON.parse(valuation.stdout) as { withoutCost: number }).withoutCost, 2);
});
