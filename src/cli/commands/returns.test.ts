import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type CliRun, makeCliStore, runComptoir } from '../testing.ts';

const dir = mkdtempSync(join(tmpdir(), 'comptoir-cli-returns-'));
const data = join(dir, 'data');

function comptoir(...args: string[]): Promise<CliRun> {
  return runComptoir(args, { cwd: dir, env: { COMPTOIR_DATA: data } });
}

function json(run: CliRun) {
  return JSON.parse(run.stdout) as Record<string, unknown> & {
    number: number;
    instrument?: { number: string; amount: string };
    errors?: { code: string; message: string }[];
  };
}

describe('comptoir return, voucher show, sell with a credit note (real processes, SQLite file)', () => {
  before(async () => {
    await makeCliStore(data, [{ ref: 'MUG', designation: 'Mug', vatRate: 2000, price: 800 }]);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('return two of three with a cause, get a credit note, redeem part of it, show its ledger', async () => {
    const sale = join(dir, 'sale.json');
    writeFileSync(
      sale,
      JSON.stringify({
        lines: [{ ref: 'MUG', qty: '3', unitPrice: '8.00', vatRate: '20' }],
        payments: [{ mode: 'CARD', amount: '24.00' }],
      }),
    );
    const sold = json(await comptoir('sell', sale));
    const [text, over, badCause, training] = await Promise.all([
      comptoir(
        'return',
        `1-${String(sold.number).padStart(6, '0')}`,
        '--lines',
        '1:1',
        '--cause',
        'ERREUR',
        '--refund',
        'cash',
      ),
      comptoir(
        'return',
        String(sold.number),
        '--lines',
        '1:4',
        '--cause',
        'DEFAUT',
        '--refund',
        'cash',
        '--json',
      ),
      comptoir('return', String(sold.number), '--lines', '1:x', '--cause', 'DEFAUT', '--refund', 'cash'),
      comptoir('return', 'X1-000001', '--lines', '1:1', '--cause', 'DEFAUT', '--refund', 'cash'),
    ]);
    assert.equal(training.code, 1);
    assert.match(training.stderr, /un ticket du mode école ne se retourne pas dans le journal réel/);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /Ce ticket modifie le ticket n° 1-000001/);
    assert.match(text.stdout, /Motif du retour : Erreur de caisse/);
    assert.equal(over.code, 1);
    assert.match(
      over.stderr,
      /Refusé : Retour refusé : Ligne 1 : 4 demandé\(s\), il n’en reste que [23] à retourner/,
    );
    assert.equal(badCause.code, 2);
    assert.match(badCause.stderr, /--lines « 1:x » : quantité invalide/);

    const back = await comptoir(
      'return',
      String(sold.number),
      '--lines',
      '1:2',
      '--cause',
      'DEFAUT',
      '--refund',
      'credit-note',
      '--json',
    );
    assert.equal(back.code, 0, back.stderr);
    const done = json(back);
    assert.equal(done.totalTTC, '-16.00');
    assert.equal(done.modifies, sold.number);
    assert.equal(done.instrument?.amount, '16.00');
    const number = done.instrument?.number as string;
    assert.match(number, /^1\d{15}$/);

    const pay = join(dir, 'pay.json');
    writeFileSync(
      pay,
      JSON.stringify({
        lines: [{ ref: 'MUG', qty: '1', unitPrice: '8.00', vatRate: '20' }],
        payments: [{ mode: 'CREDIT_NOTE', number, amount: '8.00' }],
      }),
    );
    const paid = await comptoir('sell', pay);
    assert.equal(paid.code, 0, paid.stderr);
    const typo = `${number.slice(0, 15)}${(Number(number[15]) + 1) % 10}`;
    const [shown, shownJson, wrong, none] = await Promise.all([
      comptoir('voucher', 'show', number),
      comptoir('voucher', 'show', number, '--json'),
      comptoir('voucher', 'show', typo),
      comptoir('return', String(sold.number), '--lines', '1:1', '--cause', 'DEFAUT', '--refund', 'cash'),
    ]);
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(
      shown.stdout,
      /Bon d'avoir n° \d{4} \d{4} \d{4} \d{4}\nSolde : 8,00 €\nÉchéance : \d{4}-\d{2}-\d{2}/,
    );
    assert.match(shown.stdout, /1\. .*\+16,00 €.*\n {2}2\. .*-8,00 €/);
    const v = json(shownJson) as unknown as { kind: string; balance: string; ledger: unknown[] };
    assert.deepEqual([v.kind, v.balance, v.ledger.length], ['credit-note', '8.00', 2]);
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /clé de contrôle fausse/);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /plus rien à retourner/);
  });
});
