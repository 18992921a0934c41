/**
 * `comptoir printer set|test` and `comptoir sell` with `"receipt"` (issue 15), real processes on a
 * SQLite file, the paper going to a fake network printer over real TCP.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type FakePrinter, startFakePrinter } from '../../receipts/testing/fake-printer.ts';
import { openDatabase } from '../../store/open-database.ts';
import { type CliRun, makeCliStore, runComptoir } from '../testing.ts';

const dir = mkdtempSync(join(tmpdir(), 'comptoir-cli-printer-'));
const data = join(dir, 'data');
let printer: FakePrinter;

function comptoir(...args: string[]): Promise<CliRun> {
  return runComptoir(args, { cwd: dir, env: { COMPTOIR_DATA: data } });
}

async function query<T>(fn: (db: Awaited<ReturnType<typeof openDatabase>>) => Promise<T>): Promise<T> {
  const db = await openDatabase({ engine: 'sqlite', file: join(data, 'comptoir.db') });
  try {
    return await fn(db);
  } finally {
    await db.destroy();
  }
}

const scenario = (name: string, value: unknown): string => {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(value));
  return file;
};

const SALE = {
  lines: [{ ref: 'A1', qty: '1', unitPrice: '12.50', vatRate: '20' }],
  payments: [{ mode: 'CASH', amount: '20.00' }],
};

describe('comptoir printer and sell "receipt"', () => {
  before(async () => {
    printer = await startFakePrinter();
    await makeCliStore(data, [{ ref: 'A1', designation: 'Article un', vatRate: 2000, price: 1250 }]);
  });
  after(async () => {
    await printer.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('a bad target or receipt is refused in French and changes nothing', async () => {
    const [target, receipt] = await Promise.all([
      comptoir('printer', 'set', '--register', '1', 'lpt1'),
      comptoir('sell', scenario('bad-receipt.json', { ...SALE, idempotencyKey: 'p-bad', receipt: 'papier' })),
    ]);
    assert.equal(target.code, 2);
    assert.match(
      target.stderr,
      /Imprimante invalide : « lpt1 » \(attendu : tcp:\/\/HÔTE:PORT, file:CHEMIN ou browser\)/,
    );
    assert.equal(receipt.code, 2);
    assert.match(receipt.stderr, /receipt : « papier » invalide \(paper, email ou none\)/);
    const [settings, journal] = await query(async (db) => [
      (await db.selectFrom('registers').select('settings').where('number', '=', 1).executeTakeFirstOrThrow())
        .settings,
      await db.selectFrom('journal').select('sequence').where('chain', '=', 'TICKET').execute(),
    ]);
    assert.match(settings, /"printer":\{"target":"","columns":48\}/);
    assert.equal(journal.length, 0);
  });

  test('printer set, printer test, then a cash sale on paper prints with the drawer pulse', async () => {
    const set = await comptoir('printer', 'set', '--register', '1', printer.target);
    assert.equal(set.code, 0, set.stderr);
    assert.match(set.stdout, new RegExp(`Caisse 1 : imprimante ${printer.target} \\(48 colonnes\\)`));
    const testPage = await comptoir('printer', 'test', '--register', '1');
    assert.equal(testPage.code, 0, testPage.stderr);
    await printer.waitForJobs(1);
    assert.match(printer.jobs[0]?.text ?? '', /PAGE DE TEST[\s\S]*Caisse 1[\s\S]*éèêàçùœ/);

    const sold = await comptoir(
      'sell',
      scenario('paper.json', { ...SALE, idempotencyKey: 'p-1', receipt: 'paper' }),
    );
    assert.equal(sold.code, 0, sold.stderr);
    const out = JSON.parse(sold.stdout);
    assert.equal(out.receipt.choice, 'paper');
    assert.equal(out.receipt.printer, 'queue');
    assert.equal(out.receipt.printError, null);
    await printer.waitForJobs(2);
    const ticket = printer.jobs[1];
    assert.match(ticket?.text ?? '', /TICKET[\s\S]*12,50/);
    assert.equal(ticket?.pulses, 1);

    const none = await comptoir(
      'sell',
      scenario('none.json', { ...SALE, idempotencyKey: 'p-2', receipt: 'none' }),
    );
    assert.equal(none.code, 0, none.stderr);
    await printer.waitForJobs(3);
    assert.equal(printer.jobs[2]?.text.trim(), '');
    assert.equal(printer.jobs[2]?.pulses, 1);
  });

  test('printer test on a printer that is off: exit 1 in French, no job left waiting', async () => {
    await printer.stop();
    try {
      const run = await comptoir('printer', 'test', '--register', '1');
      assert.equal(run.code, 1);
      assert.match(run.stderr, /Erreur \(PRINTER_UNAVAILABLE\) : Imprimante 127\.0\.0\.1:\d+ injoignable/);
      const waiting = await query((db) =>
        db.selectFrom('print_jobs').select('id').where('status', '=', 'waiting').execute(),
      );
      assert.deepEqual(waiting, []);
    } finally {
      await printer.start();
    }
  });
});
