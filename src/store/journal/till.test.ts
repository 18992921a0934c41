/**
 * The till's day in the store (issue 13), on every test dialect: opening with a count, cash in and
 * out with the right and the manager's confirmation, the X reading, the closing count and its Z, and
 * each bad input refused with nothing written.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { JournalRecord } from '../../fiscal/record.ts';
import { verifyJournal } from '../../fiscal/verify.ts';
import { readRegisterSettings } from '../setup.ts';
import { DIALECTS } from '../test-dialects.ts';
import { JournalError } from './errors.ts';
import { flushHeads, readHeads } from './heads.ts';
import { readPublicKeys } from './keys.ts';
import { type JournalFixture, openJournalFixture } from './testing.ts';
import { closeTillDay, lastTillDay, openTillDay, recordTillMovement, tillXReading } from './till.ts';

/** What a refusal must leave untouched: the journal and the till's days. */
async function written(f: JournalFixture): Promise<string> {
  const journal = await f.db.selectFrom('journal').select(['chain', 'sequence']).execute();
  const days = await f.db.selectFrom('till_days').selectAll().execute();
  return JSON.stringify([journal.length, days]);
}

async function refusedWith(f: JournalFixture, run: () => Promise<unknown>, code: string, message: RegExp) {
  const before = await written(f);
  await assert.rejects(run(), (error: unknown) => {
    assert.ok(error instanceof JournalError, String(error));
    assert.equal(error.code, code);
    assert.match(error.message, message);
    return true;
  });
  assert.equal(await written(f), before, `nothing written after ${code}`);
}

/** A 12,40 € sale paid with a 20 € note: 7,60 € change. */
const CASH_SALE = {
  lines: [{ ref: 'LIVRE', qty: '1', unitPrice: '12.40', vatRate: '5.5' }],
  payments: [{ mode: 'CASH', amount: '20.00' }],
};

for (const dialect of DIALECTS) {
  describe(`${dialect.name}: the till's day`, () => {
    let f: JournalFixture;
    before(async () => {
      f = await openJournalFixture(dialect, 2);
    });
    after(async () => {
      await f.close();
    });

    test('a day: sale with change, cash in, refused and allowed cash out, X, closing count with a 0,10 shortfall', async () => {
      const sold = await f.sell(1, CASH_SALE);
      assert.equal(sold.record.type, 'TICKET');
      f.advance(5);
      const cashIn = await recordTillMovement(f.db, f.ctx, {
        register: 1,
        operator: 'ADMIN',
        direction: 'in',
        amount: 5000,
        reason: 'Approvisionnement en monnaie',
      });
      assert.equal(cashIn.record.type, 'MOVEMENT');
      assert.equal(cashIn.expectedCash, 6240);
      // A cashier has no cash_movement right: a manager's code is needed.
      await refusedWith(
        f,
        () =>
          recordTillMovement(f.db, f.ctx, {
            register: 1,
            operator: 'CAISSE1',
            direction: 'out',
            amount: 500,
            reason: 'Timbres',
          }),
        'RIGHT_REQUIRED',
        /cash_movement/,
      );
      // More than the drawer should hold: a manager must confirm.
      await refusedWith(
        f,
        () =>
          recordTillMovement(f.db, f.ctx, {
            register: 1,
            operator: 'CAISSE1',
            authorizer: 'ADMIN',
            direction: 'out',
            amount: 6241,
            reason: 'Remise en banque',
          }),
        'CASH_OUT_OVER_EXPECTED',
        /supérieur aux espèces attendues dans le tiroir \(62\.40\)/,
      );
      await refusedWith(
        f,
        () =>
          recordTillMovement(f.db, f.ctx, {
            register: 1,
            operator: 'ADMIN',
            direction: 'out',
            amount: 500,
            reason: ' ',
          }),
        'REASON_REQUIRED',
        /motif/,
      );
      const out = await recordTillMovement(f.db, f.ctx, {
        register: 1,
        operator: 'CAISSE1',
        authorizer: 'ADMIN',
        direction: 'out',
        amount: 500,
        reason: 'Timbres (justificatif 42)',
      });
      assert.equal((out.record.payload as { amount: number }).amount, -500);
      assert.equal(out.expectedCash, 5740);

      const x = await tillXReading(f.db, f.ctx, { register: 1, operator: 'CAISSE1' });
      assert.equal(x.ticketCount, 1);
      assert.equal(x.movementCount, 3);
      assert.deepEqual(x.perMode[0], {
        mode: 'CASH',
        float: 0,
        sales: 1240,
        refunds: 0,
        movements: 4500,
        expected: 5740,
      });
      assert.deepEqual(
        x.perRate.map((r) => [r.rate, r.ttc]),
        [[550, 1240]],
      );

      f.advance(60);
      const closed = await closeTillDay(f.db, f.ctx, {
        register: 1,
        operator: 'ADMIN',
        cash: {
          pieces: [
            { value: 5000, count: 1 },
            { value: 500, count: 1 },
            { value: 200, count: 1 },
            { value: 20, count: 1 },
            { value: 10, count: 1 },
          ],
        },
        others: new Map([['CHEQUE', 0]]),
        keep: 2000,
      });
      assert.deepEqual(closed.counts, [
        { mode: 'CASH', expected: 5740, counted: 5730, difference: -10 },
        { mode: 'CHEQUE', expected: 0, counted: 0, difference: 0 },
      ]);
      assert.equal(closed.removed, 3730);
      assert.equal(closed.kept, 2000);
      assert.equal(closed.closure.payload.kind, 'DAY');
      assert.equal(closed.closure.payload.ticketCount, 1);
      assert.deepEqual(
        closed.records.map((r) => (r.payload as { kind: string; amount: number }).kind),
        ['COUNT', 'COUNT', 'FLOAT_OUT'],
      );
      const day = await lastTillDay(f.db, '1');
      assert.equal(day?.closureSequence, closed.closure.sequence);
      assert.equal(day?.kept, 2000);
    });

    test('a closed day: no sale, no movement, no second closing; opening needs a reason for a difference', async () => {
      await refusedWith(
        f,
        () => f.sell(1, CASH_SALE),
        'TILL_NOT_OPEN',
        /journée de la caisse 1 n'est pas ouverte/,
      );
      await refusedWith(
        f,
        () =>
          recordTillMovement(f.db, f.ctx, {
            register: 1,
            operator: 'ADMIN',
            direction: 'in',
            amount: 100,
            reason: 'x',
          }),
        'TILL_NOT_OPEN',
        /n'est pas ouverte/,
      );
      await refusedWith(
        f,
        () => closeTillDay(f.db, f.ctx, { register: 1, operator: 'ADMIN', cash: { total: 2000 } }),
        'TILL_NOT_OPEN',
        /n'est pas ouverte/,
      );
      await refusedWith(
        f,
        () => tillXReading(f.db, f.ctx, { register: 1, operator: 'ADMIN' }),
        'TILL_NOT_OPEN',
        /n'est pas ouverte/,
      );
      f.advance(12 * 60);
      await refusedWith(
        f,
        () => openTillDay(f.db, f.ctx, { register: 1, operator: 'CAISSE1', count: { total: 1990 } }),
        'REASON_REQUIRED',
        /Écart de -0\.10 EUR .* \(20\.00\) : indiquez un motif/,
      );
      const opened = await openTillDay(f.db, f.ctx, {
        register: 1,
        operator: 'CAISSE1',
        count: { total: 1990 },
        reason: 'pièce de 0,10 tombée',
      });
      assert.deepEqual([opened.expected, opened.counted, opened.difference], [2000, 1990, -10]);
      await refusedWith(
        f,
        () => openTillDay(f.db, f.ctx, { register: 1, operator: 'CAISSE1', count: { total: 1990 } }),
        'TILL_ALREADY_OPEN',
        /déjà ouverte/,
      );
      await refusedWith(
        f,
        () => closeTillDay(f.db, f.ctx, { register: 1, operator: 'ADMIN', cash: { total: 100 }, keep: 200 }),
        'INVALID_INPUT',
        /dépasse les espèces comptées/,
      );
      await refusedWith(
        f,
        () => closeTillDay(f.db, f.ctx, { register: 1, operator: 'ADMIN', cash: { total: -1 } }),
        'INVALID_INPUT',
        /Espèces comptées invalide/,
      );
      await refusedWith(
        f,
        () =>
          closeTillDay(f.db, f.ctx, {
            register: 1,
            operator: 'ADMIN',
            cash: { total: 100 },
            others: new Map([['BITCOIN', 1]]),
          }),
        'INVALID_INPUT',
        /Mode de paiement inconnu : BITCOIN/,
      );
      const sold = await f.sell(1, CASH_SALE);
      assert.equal(sold.record.type, 'TICKET');
    });

    test('tillDayRequired off: a register sells with no open day', async () => {
      await closeTillDay(f.db, f.ctx, { register: 2, operator: 'ADMIN', cash: { total: 0 } });
      await refusedWith(f, () => f.sell(2, CASH_SALE), 'TILL_NOT_OPEN', /caisse 2/);
      const row = await f.db
        .selectFrom('registers')
        .select('settings')
        .where('number', '=', 2)
        .executeTakeFirstOrThrow();
      const settings = { ...readRegisterSettings(row.settings), tillDayRequired: false };
      await f.db
        .updateTable('registers')
        .set({ settings: JSON.stringify(settings) })
        .where('number', '=', 2)
        .execute();
      const sold = await f.sell(2, CASH_SALE);
      assert.equal(sold.record.type, 'TICKET');
    });

    test('the verifier covers the movements: a tampered count or movement is found at its record', async () => {
      await flushHeads();
      const records = await f.records();
      const keys = readPublicKeys(f.dataDir);
      const heads = readHeads(f.dataDir);
      assert.deepEqual(verifyJournal(records, keys, heads).problems, []);
      const isCount = (r: JournalRecord) => r.type === 'MOVEMENT' && r.payload.kind === 'COUNT';
      const isOut = (r: JournalRecord) => r.type === 'MOVEMENT' && r.payload.kind === 'PAY_OUT';
      for (const [which, change] of [
        [isCount, (p: Record<string, unknown>) => ({ ...p, count: { expected: 5730, pieces: [] } })],
        [isOut, (p: Record<string, unknown>) => ({ ...p, amount: -50 })],
      ] as const) {
        const target = records.find(which);
        assert.ok(target);
        const tampered = records.map((r) =>
          r === target
            ? ({
                ...r,
                payload: change(r.payload as unknown as Record<string, unknown>),
              } as unknown as JournalRecord)
            : r,
        );
        const problems = verifyJournal(tampered, keys, heads).problems;
        assert.ok(problems.length > 0);
        assert.ok(
          problems.every(
            (p) => p.register === '1' && p.chain === 'MOVEMENT' && p.sequence === target.sequence,
          ),
          JSON.stringify(problems),
        );
      }
    });
  });
}
