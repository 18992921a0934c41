/**
 * `comptoir till` in real processes (issue 13): a day opened with a count, a cash sale with change, a
 * cash-out, closed with a 0,10 € shortfall; every bad input of the issue refused in French with
 * nothing written. Refusals write nothing, so those of one state run side by side.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { initStore } from '../../store/init.ts';
import { ensureRegisterKeys, validateTicket } from '../../store/journal/index.ts';
import { ticketOf } from '../../store/journal/testing.ts';
import { openDatabase } from '../../store/open-database.ts';
import { type CliRun, runComptoir } from '../testing.ts';
import { VERSION } from '../version.ts';

const dir = mkdtempSync(join(tmpdir(), 'comptoir-cli-till-'));
const data = join(dir, 'data');
const file = join(data, 'comptoir.db');

function comptoir(...args: string[]): Promise<CliRun> {
  return runComptoir(['till', ...args], { cwd: dir, env: { COMPTOIR_DATA: data } });
}

async function journalSize(): Promise<number> {
  const db = await openDatabase({ engine: 'sqlite', file });
  try {
    const rows = await db.selectFrom('journal').select('sequence').execute();
    const days = await db.selectFrom('till_days').select('id').execute();
    return rows.length * 1000 + days.length;
  } finally {
    await db.destroy();
  }
}

/** Runs each command at once; each must be refused with its exit code and French message. */
async function allRefused(cases: readonly [args: string[], exit: number, message: RegExp][]): Promise<void> {
  const before = await journalSize();
  const runs = await Promise.all(cases.map(([args]) => comptoir(...args)));
  for (const [i, [args, exit, message]] of cases.entries()) {
    const run = runs[i] as CliRun;
    assert.equal(run.code, exit, `${args.join(' ')}: ${run.stderr}`);
    assert.match(run.stderr, message, args.join(' '));
  }
  assert.equal(await journalSize(), before, 'nothing written');
}

function json(run: CliRun): Record<string, unknown> {
  assert.equal(run.code, 0, run.stderr);
  return JSON.parse(run.stdout) as Record<string, unknown>;
}

describe('comptoir till (real processes, SQLite file)', () => {
  before(async () => {
    const db = await openDatabase({ engine: 'sqlite', file });
    await initStore(db, { now: new Date(), pins: { admin: '1234', cashier: '2345', seller: '3456' } });
    await db.destroy();
    ensureRegisterKeys(data, 1);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('open with a count, sale with change, cash-out, close with a 0,10 shortfall; each bad input refused', async () => {
    await allRefused([
      [['open', '--count', '50=-1'], 2, /Nombre de pièces négatif pour 50/],
      [['open', '--count', '50=1.5'], 2, /Nombre de pièces invalide pour 50 : « 1\.5 » \(un nombre entier\)/],
      [['open', '--total', '150.001'], 2, /trop de décimales : 150\.001 \(2 au plus en EUR\)/],
    ]);

    const opened = json(await comptoir('open', '--count', '50=2,20=1,0.10=5', '--json'));
    assert.deepEqual(
      [opened.counted, opened.expected, opened.difference, opened.count, opened.user],
      ['120.50', '120.50', '0.00', '50=2,20=1,0.10=5', 'CAISSE1'],
    );

    const db = await openDatabase({ engine: 'sqlite', file });
    await validateTicket(
      db,
      { dataDir: data, now: () => new Date(), softwareVersion: VERSION },
      {
        register: 1,
        idempotencyKey: 'till-cli-1',
        cashier: 'CAISSE1',
        ticket: ticketOf({
          lines: [{ ref: 'LIVRE', qty: '1', unitPrice: '12.40', vatRate: '5.5' }],
          payments: [{ mode: 'CASH', amount: '20.00' }],
        }),
      },
    );
    await db.destroy();

    await allRefused([
      [['open', '--total', '120.50'], 1, /déjà ouverte/],
      [
        ['out', '500', '--reason', 'banque', '--user', 'ADMIN'],
        1,
        /supérieur aux espèces attendues dans le tiroir \(132\.90\)/,
      ],
    ]);

    const out = json(
      await comptoir('out', '5', '--reason', 'Timbres (justificatif 17)', '--user', 'ADMIN', '--json'),
    );
    assert.deepEqual([out.kind, out.amount, out.expectedCash], ['PAY_OUT', '-5.00', '127.90']);

    const x = await comptoir('x');
    assert.equal(x.code, 0, x.stderr);
    assert.match(x.stdout, /CASH +120\.50 +12\.40 +0\.00 +-5\.00 +127\.90/);

    const closed = json(
      await comptoir(
        'close',
        '--count',
        '50=2,20=1,5=1,2=1,0.50=1,0.20=1,0.10=1',
        '--keep',
        '20',
        '--user',
        'ADMIN',
        '--json',
      ),
    );
    assert.deepEqual(closed.modes, [
      { mode: 'CASH', expected: '127.90', counted: '127.80', difference: '-0.10' },
    ]);
    assert.deepEqual([closed.kept, closed.removed], ['20.00', '107.80']);
    assert.equal((closed.closure as { sequence: number }).sequence, 1);

    await allRefused([
      [['close', '--total-cash', '20', '--user', 'ADMIN'], 1, /n'est pas ouverte/],
      [['in', '5', '--reason', 'monnaie', '--user', 'ADMIN'], 1, /n'est pas ouverte/],
    ]);
    const [verify, z] = await Promise.all([
      runComptoir(['verify'], { cwd: dir, env: { COMPTOIR_DATA: data } }),
      runComptoir(['receipt', 'text', '1-Z000001', '--operator', 'ADMIN'], {
        cwd: dir,
        env: { COMPTOIR_DATA: data },
      }),
    ]);
    assert.equal(verify.code, 0, verify.stdout + verify.stderr);
    // The Z report prints the count: expected, counted and the 0,10 shortfall.
    assert.equal(z.code, 0, z.stderr);
    assert.match(
      z.stdout,
      /Comptage de caisse\n.*\n {2}Attendu +127,90 €\n {2}Compté +127,80 €\n {2}Écart +-0,10 €/,
    );
    assert.match(z.stdout, /Remis au coffre +107,80 €/);
  });
});
