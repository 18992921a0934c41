import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { verifyJournal } from '../../fiscal/verify.ts';
import { initStore } from '../../store/init.ts';
import { ensureRegisterKeys, readHeads, readJournal, readPublicKeys } from '../../store/journal/index.ts';
import { openTestDays } from '../../store/journal/testing.ts';
import { openDatabase } from '../../store/open-database.ts';
import { type CliRun, runComptoir } from '../testing.ts';
import { VERSION } from '../version.ts';

const dir = mkdtempSync(join(tmpdir(), 'comptoir-cli-journal-'));
const data = join(dir, 'data');

function comptoir(...args: string[]): Promise<CliRun> {
  return runComptoir(args, { cwd: dir, env: { COMPTOIR_DATA: data } });
}

const scenario = (name: string, value: unknown): string => {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(value));
  return file;
};

describe('comptoir sell, close, journal show, keys (real processes, SQLite file)', () => {
  before(async () => {
    const db = await openDatabase({ engine: 'sqlite', file: join(data, 'comptoir.db') });
    await initStore(db, { now: new Date(), pins: { admin: '1234', cashier: '2345', seller: '3456' } });
    ensureRegisterKeys(data, 1);
    await openTestDays(db, { dataDir: data, now: () => new Date(), softwareVersion: VERSION });
    await db.destroy();
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
      comptoir('sell', scenario('typo.json', { lines: [{ ref: 'A', qty: 'x' }] })),
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
});
