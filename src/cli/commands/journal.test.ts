import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { verifyJournal } from '../../fiscal/verify.ts';
import { createArticle } from '../../store/catalogue.ts';
import { initStore } from '../../store/init.ts';
import { ensureRegisterKeys, readHeads, readJournal, readPublicKeys } from '../../store/journal/index.ts';
import { openDatabase } from '../../store/open-database.ts';
import { CLI_PINS, type CliRun, runComptoir } from '../testing.ts';

const dir = mkdtempSync(join(tmpdir(), 'comptoir-cli-journal-'));
const data = join(dir, 'data');

function comptoir(...args: string[]): Promise<CliRun> {
  return runComptoir(args, { cwd: dir, env: { COMPTOIR_DATA: data } });
}

/** `comptoir sell` as someone else than the default cashier (`env` over the test's). */
function sellAs(env: Record<string, string | undefined>, file: string, ...args: string[]): Promise<CliRun> {
  return runComptoir(['sell', file, ...args], { cwd: dir, env: { COMPTOIR_DATA: data, ...env } });
}

const scenario = (name: string, value: unknown): string => {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(value));
  return file;
};

describe('comptoir sell, close, journal show, keys (real processes, SQLite file)', () => {
  before(async () => {
    const db = await openDatabase({ engine: 'sqlite', file: join(data, 'comptoir.db') });
    await initStore(db, { now: new Date(), pins: CLI_PINS });
    await createArticle(db, { ref: 'A1', designation: 'Article un', vatRate: 2000, price: 2300 }, new Date());
    await db.destroy();
    ensureRegisterKeys(data, 1);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  // Each process costs about a second and a half (more on a loaded machine): few, and in parallel
  // where they do not depend on each other.
  test('sell, close day, journal show, keys rotate/export: JSON out, exit 1 refused, 2 unreadable', async () => {
    const file = scenario('sale.json', {
      idempotencyKey: 'cli-1',
      seller: 'V01',
      // The scenario's own payment modes are ignored: the register's CASH gives change.
      paymentModes: { CASH: { excess: 'refuse' } },
      lines: [{ ref: 'A1', qty: '2', unitPrice: '23.00', vatRate: '20' }],
      payments: [{ mode: 'CASH', amount: '50.00' }],
    });
    const [first, refused, bad] = await Promise.all([
      comptoir('sell', file),
      comptoir('sell', scenario('bad.json', { lines: [], payments: [], customer: 'DIVERS' })),
      comptoir('sell', scenario('typo.json', { lines: [{ ref: 'A1', qty: 'x' }] })),
    ]);
    assert.equal(first.code, 0, first.stderr);
    const out = JSON.parse(first.stdout);
    assert.equal(out.number, 1);
    assert.equal(out.totalTTC, '46.00');
    assert.equal(out.change, '4.00');
    assert.match(out.signature, /^[A-Za-z0-9_-]{86}$/);
    assert.equal(out.shortCode.length, 4);

    assert.equal(refused.code, 1);
    const errors = JSON.parse(refused.stdout);
    assert.equal(errors.ok, false);
    assert.equal(errors.errors[0].code, 'TICKET_REFUSED');
    assert.ok(
      errors.errors.some((e: { code: string }) => e.code === 'EMPTY_TICKET'),
      'EMPTY_TICKET listed',
    );
    assert.match(refused.stderr, /au moins une ligne/);
    assert.equal(bad.code, 2);
    assert.equal(JSON.parse(bad.stdout).errors[0].code, 'INVALID_INPUT');

    const z = await comptoir('close', 'day');
    assert.equal(z.code, 0, z.stderr);
    const report = JSON.parse(z.stdout);
    assert.equal(report.closures[0].kind, 'DAY');
    assert.equal(report.closures[0].ticketCount, 1);
    assert.equal(report.closures[0].periodTotal, 4600);
    // The Z reconciles: received, change given and settled per mode, with its label.
    assert.deepEqual(report.closures[0].reconciliation.tenders, [
      { mode: 'CASH', label: 'Espèces', received: '50.00', change: '4.00', settled: '46.00' },
    ]);
    assert.deepEqual(report.closures[0].reconciliation.returns, { count: 0, amount: '0.00' });
    assert.equal(report.closures[0].perPayment[0].label, 'Espèces');
    const [again, month] = await Promise.all([comptoir('close', 'day'), comptoir('close', 'month')]);
    assert.equal(again.code, 1);
    assert.equal(JSON.parse(again.stdout).errors[0].code, 'DAY_ALREADY_CLOSED');
    assert.match(again.stderr, /est déjà clôturée/);
    assert.equal(month.code, 1);
    assert.equal(JSON.parse(month.stdout).errors[0].code, 'PERIOD_NOT_ENDED');
    assert.ok(
      report.heads.some(
        (h: { chain: string; sequence: number }) => h.chain === 'CLOSURE' && h.sequence === 1,
      ),
      'the CLOSURE head is on the Z report',
    );

    const [shown, from, rotated] = await Promise.all([
      comptoir('journal', 'show', '--register', '1', '--chain', 'TICKET'),
      comptoir('journal', 'show', '--from', '2'),
      comptoir('keys', 'rotate'),
    ]);
    assert.equal(shown.code, 0, shown.stderr);
    const lines = shown.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.deepEqual(
      lines.map((r) => [r.chain, r.sequence, r.type]),
      [['TICKET', 1, 'TICKET']],
    );
    const fromLines = from.stdout.trim().split('\n');
    assert.ok(fromLines.length >= 1, 'records from sequence 2');
    assert.ok(
      fromLines.every((l) => JSON.parse(l).sequence >= 2),
      '--from filters by sequence',
    );
    assert.equal(rotated.code, 0, rotated.stderr);
    const exported = JSON.parse((await comptoir('keys', 'export')).stdout);
    assert.equal(exported.keys.length, 2);
    assert.ok(
      exported.keys.every(
        (k: { matches: boolean; pem: string }) => k.matches && k.pem.includes('PUBLIC KEY'),
      ),
      'public keys in PEM, matching their ids',
    );

    const db = await openDatabase({ engine: 'sqlite', file: join(data, 'comptoir.db') });
    try {
      const records = [];
      for await (const r of readJournal(db)) records.push(r);
      const verdict = verifyJournal(records, readPublicKeys(data), readHeads(data));
      assert.deepEqual(verdict.problems, []);
    } finally {
      await db.destroy();
    }
  });

  test('sell refuses as the register does: no user, wrong PIN, unknown article, price change without the right', async () => {
    const sale = (name: string, line: Record<string, string>) =>
      scenario(name, { lines: [{ qty: '1', ...line }], payments: [{ mode: 'CARD' }] });
    const atCatalogue = sale('catalogue.json', { ref: 'A1' });
    const cheaper = sale('cheaper.json', { ref: 'A1', unitPrice: '0.01' });
    const tickets = async () => {
      const shown = await comptoir('journal', 'show', '--chain', 'TICKET');
      return shown.stdout.trim().split('\n').filter(Boolean).length;
    };
    const before = await tickets();
    const [anonymous, wrongPin, seller, unknown, changed, vat] = await Promise.all([
      sellAs({ COMPTOIR_USER: '', COMPTOIR_PIN: '' }, atCatalogue),
      sellAs({ COMPTOIR_PIN: '9999' }, atCatalogue),
      sellAs({ COMPTOIR_USER: 'V01', COMPTOIR_PIN: CLI_PINS.seller }, atCatalogue),
      comptoir('sell', sale('unknown.json', { ref: 'NOPE' })),
      comptoir('sell', cheaper),
      comptoir('sell', sale('vat.json', { ref: 'A1', vatRate: '5.5' })),
    ]);
    const codeOf = (run: CliRun) => JSON.parse(run.stdout).errors[0].code;
    assert.equal(anonymous.code, 2, anonymous.stderr);
    assert.equal(codeOf(anonymous), 'AUTH_REQUIRED');
    assert.match(anonymous.stderr, /--user CODE/);
    assert.equal(wrongPin.code, 1);
    assert.equal(codeOf(wrongPin), 'BAD_CREDENTIALS');
    assert.match(wrongPin.stderr, /Code utilisateur ou code PIN incorrect/);
    assert.equal(seller.code, 1);
    assert.equal(codeOf(seller), 'RIGHT_REQUIRED');
    assert.equal(unknown.code, 1);
    assert.equal(codeOf(unknown), 'UNKNOWN_ARTICLE');
    assert.match(unknown.stderr, /Article introuvable : NOPE/);
    assert.equal(changed.code, 1);
    assert.equal(codeOf(changed), 'RIGHT_REQUIRED');
    assert.match(changed.stderr, /changement de prix : A1/);
    assert.equal(vat.code, 1);
    assert.equal(codeOf(vat), 'VAT_RATE_MISMATCH');
    assert.equal(await tickets(), before, 'no refused sale is written');

    // At the catalogue's price the cashier signs; the administrator may change the price.
    const [sold, overridden] = await Promise.all([
      comptoir('sell', atCatalogue),
      sellAs({ COMPTOIR_USER: 'ADMIN', COMPTOIR_PIN: CLI_PINS.admin }, cheaper),
    ]);
    assert.equal(sold.code, 0, sold.stderr);
    assert.equal(JSON.parse(sold.stdout).totalTTC, '23.00');
    assert.equal(overridden.code, 0, overridden.stderr);
    assert.equal(JSON.parse(overridden.stdout).totalTTC, '0.01');
    const events = (await comptoir('journal', 'show', '--chain', 'JET')).stdout;
    assert.match(events, /LOGIN_FAILED/);
    assert.match(events, /RIGHT_REFUSED/);
    assert.match(events, /Caissier|CAISSE1/);
  });
});
