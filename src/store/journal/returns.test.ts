import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { formatInstrumentNumber } from '../../sales/instruments.ts';
import { DIALECTS } from '../test-dialects.ts';
import { flushHeads, readHeads } from './heads.ts';
import { closeDay, JournalError } from './index.ts';
import { findInstrument, instrumentByNumber } from './instruments.ts';
import { checkInstrumentRecords } from './instruments-check.ts';
import { returnableOf, returnTicket } from './returns.ts';
import { type JournalFixture, openJournalFixture } from './testing.ts';

/** Three mugs at 8.00 (20 %) and a book at 21.10 (5.5 %), paid by card. */
const MUGS_AND_BOOK = {
  lines: [
    { ref: 'MUG', qty: '3', unitPrice: '8.00', vatRate: '20' },
    { ref: 'LIVRE', qty: '1', unitPrice: '21.10', vatRate: '5.5' },
  ],
  payments: [{ mode: 'CARD', amount: '45.10' }],
};

/** Rows of every table a return or a redemption writes: what a refusal must leave unchanged. */
async function footprint(f: JournalFixture) {
  await flushHeads();
  const count = async (table: 'journal' | 'instruments' | 'instrument_ledger' | 'ticket_returns') =>
    Number(
      (
        await f.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  return {
    journal: await count('journal'),
    instruments: await count('instruments'),
    ledger: await count('instrument_ledger'),
    returns: await count('ticket_returns'),
    heads: JSON.stringify(readHeads(f.dataDir)),
  };
}

async function refused(f: JournalFixture, run: () => Promise<unknown>, code: string, message: RegExp) {
  const before = await footprint(f);
  await assert.rejects(run(), (error: unknown) => {
    assert.ok(error instanceof JournalError, `JournalError attendue, reçu ${String(error)}`);
    assert.equal(error.code, code);
    assert.match(error.message, message);
    return true;
  });
  assert.deepEqual(await footprint(f), before, `rien d'écrit après le refus ${code}`);
}

let digits = 0;
/** Distinct, predictable random digits for the instruments of this file. */
function nextDigits(): string {
  digits += 7919;
  return String(digits).padStart(14, '0');
}

for (const dialect of DIALECTS) {
  describe(`${dialect.name}: returns against a sale, credit notes and their redemption`, () => {
    let f: JournalFixture;
    let original: number;
    before(async () => {
      f = await openJournalFixture(dialect, 2);
      original = (await f.sell(1, MUGS_AND_BOOK)).number;
    });
    after(() => f.close());

    test('two partial returns add up; beyond what remains is refused and writes nothing', async () => {
      const first = await returnTicket(f.db, f.ctx, {
        register: 1,
        original,
        lines: [{ line: 1, qty: 2000 }],
        cause: 'DEFAUT',
        refund: 'credit-note',
        operator: 'ADMIN',
        random: nextDigits,
      });
      const p = first.record.payload;
      assert.equal(p.totalTtc, -1600);
      assert.deepEqual(p.perRate, [{ rate: 2000, ht: -1334, vat: -266, ttc: -1600 }]);
      assert.equal(p.detail?.returnOf?.ticket.sequence, original);
      assert.deepEqual(p.detail?.returnOf?.cause, { code: 'DEFAUT', label: 'Article défectueux' });
      assert.deepEqual(p.payments, [{ mode: 'CREDIT_NOTE', amount: -1600 }]);
      assert.ok(first.instrument);
      assert.equal(first.instrument.amount, 1600);
      assert.equal(p.detail?.payments[0]?.instrument, first.instrument.number);
      const card = await findInstrument(f.db, first.instrument.number);
      assert.equal(card?.kind, 'credit-note');
      assert.equal(card?.balance, 1600);
      assert.equal(card?.expiresAt, '2027-11-23T08:00:00.000Z');

      assert.deepEqual(
        (await returnableOf(f.db, 1, original)).map((l) => l.returnable),
        [1000, 1000],
      );
      await refused(
        f,
        () =>
          returnTicket(f.db, f.ctx, {
            register: 1,
            original,
            lines: [{ line: 1, qty: 2000 }],
            cause: 'DEFAUT',
            refund: 'cash',
            operator: 'ADMIN',
          }),
        'RETURN_REFUSED',
        /Ligne 1 : 2 demandé\(s\), il n’en reste que 1 à retourner/,
      );
      const second = await returnTicket(f.db, f.ctx, {
        register: 1,
        original,
        lines: [
          { line: 1, qty: 1000 },
          { line: 2, qty: 1000 },
        ],
        cause: 'ERREUR',
        refund: 'original',
        operator: 'ADMIN',
      });
      assert.deepEqual(second.record.payload.payments, [{ mode: 'CARD', amount: -2910 }]);
      assert.equal(second.instrument, undefined);
      assert.deepEqual(
        (await returnableOf(f.db, 1, original)).map((l) => l.returnable),
        [0, 0],
      );
      const report = await f.verify();
      assert.equal(report.ok, true, JSON.stringify(report));
    });

    test('bad returns: unknown cause, ticket, line; no right; a return of a return', async () => {
      const sale = (await f.sell(1, MUGS_AND_BOOK)).number;
      const base = { register: 1, original: sale, lines: [{ line: 1, qty: 1000 }], refund: 'cash' as const };
      await refused(
        f,
        () => returnTicket(f.db, f.ctx, { ...base, cause: 'XX', operator: 'ADMIN' }),
        'RETURN_REFUSED',
        /Il est requis de spécifier une cause du correctif parmi : AVIS .*DEFAUT \(Article défectueux\), ERREUR \(Erreur de caisse\)/,
      );
      await refused(
        f,
        () => returnTicket(f.db, f.ctx, { ...base, cause: 'DEFAUT', operator: 'CAISSE1' }),
        'RIGHT_REQUIRED',
        /Droit « retour \/ remboursement » requis : CAISSE1/,
      );
      const authorized = await returnTicket(f.db, f.ctx, {
        ...base,
        cause: 'DEFAUT',
        operator: 'CAISSE1',
        authorizer: 'ADMIN',
      });
      await refused(
        f,
        () => returnTicket(f.db, f.ctx, { ...base, original: 9999, cause: 'DEFAUT', operator: 'ADMIN' }),
        'UNKNOWN_RECORD',
        /Ticket n° 9999 introuvable/,
      );
      await refused(
        f,
        () =>
          returnTicket(f.db, f.ctx, {
            ...base,
            original: authorized.record.sequence,
            cause: 'DEFAUT',
            operator: 'ADMIN',
          }),
        'RETURN_REFUSED',
        /n’est pas une vente/,
      );
      await refused(
        f,
        () =>
          returnTicket(f.db, f.ctx, {
            ...base,
            lines: [{ line: 7, qty: 1000 }],
            cause: 'DEFAUT',
            operator: 'ADMIN',
          }),
        'RETURN_REFUSED',
        /Ligne 7 : le ticket d’origine n’a pas cette ligne/,
      );
    });

    test('a credit note pays part of a sale; typo, unknown, spent and expired are refused', async () => {
      const sale = (await f.sell(1, MUGS_AND_BOOK)).number;
      const done = await returnTicket(f.db, f.ctx, {
        register: 1,
        original: sale,
        lines: [{ line: 2, qty: 1000 }],
        cause: 'AVIS',
        refund: 'credit-note',
        operator: 'ADMIN',
        random: nextDigits,
      });
      const number = done.instrument?.number as string;
      const paid = await f.sell(
        1,
        {
          lines: [{ ref: 'MUG', qty: '1', unitPrice: '8.00', vatRate: '20' }],
          payments: [{ mode: 'CREDIT_NOTE', amount: '8.00' }],
        },
        { instruments: [{ payment: 0, number: formatInstrumentNumber(number) }] },
      );
      assert.equal(paid.record.payload.detail?.payments[0]?.instrument, number);
      const after1 = await instrumentByNumber(f.db, number);
      assert.equal(after1.balance, 2110 - 800);
      assert.deepEqual(
        after1.ledger.map((e) => [e.entry, e.amount, e.sequence]),
        [
          [1, 2110, done.record.sequence],
          [2, -800, paid.number],
        ],
      );
      const pay = (amount: string, n: string) =>
        f.sell(
          1,
          {
            lines: [{ ref: 'LIVRE', qty: '1', unitPrice: '21.10', vatRate: '5.5' }],
            payments: [
              { mode: 'CREDIT_NOTE', amount },
              { mode: 'CASH', amount: '21.10' },
            ],
          },
          { instruments: [{ payment: 0, number: n }] },
        );
      const typo = `${number.slice(0, 15)}${(Number(number[15]) + 1) % 10}`;
      await refused(f, () => pay('1.00', typo), 'INSTRUMENT_REFUSED', /clé de contrôle fausse/);
      const unknown = `1${'0'.repeat(14)}`;
      const { dammDigit } = await import('../../sales/instruments.ts');
      await refused(
        f,
        () => pay('1.00', `${unknown}${dammDigit(unknown)}`),
        'INSTRUMENT_REFUSED',
        /Le bon avec ce numéro n'existe pas/,
      );
      await refused(f, () => pay('13.11', number), 'INSTRUMENT_REFUSED', /n’a plus que 13,10 € de solde/);
      await refused(
        f,
        () =>
          f.sell(
            1,
            {
              lines: [{ ref: 'MUG', qty: '1', unitPrice: '8.00', vatRate: '20' }],
              payments: [{ mode: 'CREDIT_NOTE', amount: '9.00' }],
            },
            { instruments: [{ payment: 0, number }] },
          ),
        'INSTRUMENT_REFUSED',
        /dépasse le reste à payer/,
      );
      await refused(
        f,
        () =>
          f.sell(
            1,
            {
              lines: [{ ref: 'MUG', qty: '1', unitPrice: '8.00', vatRate: '20' }],
              payments: [{ mode: 'CARD', amount: '8.00' }],
            },
            { instruments: [{ payment: 0, number }] },
          ),
        'INSTRUMENT_REFUSED',
        /Le mode CARD ne règle pas avec un bon numéroté/,
      );
      // A year later (the day closed first: the 24-hour rule comes before the voucher's).
      f.clock = new Date('2027-11-24T09:00:00Z');
      await closeDay(f.db, f.ctx, { register: 1, operator: 'ADMIN' });
      await refused(f, () => pay('1.00', number), 'INSTRUMENT_REFUSED', /a expiré le 2027-11-2/);
    });

    test('two registers redeem the same credit note at the same moment: exactly one wins', async () => {
      const sale = (await f.sell(1, MUGS_AND_BOOK)).number;
      const done = await returnTicket(f.db, f.ctx, {
        register: 1,
        original: sale,
        lines: [{ line: 1, qty: 1000 }],
        cause: 'DEFAUT',
        refund: 'credit-note',
        operator: 'ADMIN',
        random: nextDigits,
      });
      const number = done.instrument?.number as string;
      const spend = (register: number) =>
        f.sell(
          register,
          {
            lines: [{ ref: 'MUG', qty: '1', unitPrice: '8.00', vatRate: '20' }],
            payments: [{ mode: 'CREDIT_NOTE', amount: '8.00' }],
          },
          { instruments: [{ payment: 0, number }] },
        );
      const before = await footprint(f);
      const outcomes = await Promise.allSettled([spend(1), spend(2)]);
      const won = outcomes.filter((o) => o.status === 'fulfilled');
      const lost = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
      assert.equal(won.length, 1, JSON.stringify(outcomes.map((o) => o.status)));
      assert.ok(lost[0]?.reason instanceof JournalError);
      assert.equal(lost[0].reason.code, 'INSTRUMENT_REFUSED');
      assert.match(lost[0].reason.message, /épuisé|vient d’être utilisé sur une autre caisse/);
      const after = await footprint(f);
      assert.equal(after.ledger, before.ledger + 1);
      assert.equal((await instrumentByNumber(f.db, number)).balance, 0);
    });

    test('verify: every ledger row and return link backed by a signed ticket; the ledger refuses UPDATE', async () => {
      assert.deepEqual(await checkInstrumentRecords(f.db), []);
      const [row] = await f.db.selectFrom('instrument_ledger').selectAll().limit(1).execute();
      assert.ok(row);
      await assert.rejects(
        f.db
          .updateTable('instrument_ledger')
          .set({ amount: 999_999 })
          .where('number', '=', row.number)
          .execute(),
        /interdit|forbidden|refus/i,
      );
      for (const table of ['instruments', 'instrument_ledger', 'ticket_returns'] as const) {
        await assert.rejects(f.db.deleteFrom(table).execute(), /inaltérable/, table);
      }
      // A movement written behind the journal's back (an INSERT the triggers let through) is found.
      await f.db
        .insertInto('instrument_ledger')
        .values({ ...row, entry: 99, amount: 50_000 })
        .execute();
      const problems = await checkInstrumentRecords(f.db);
      assert.equal(problems.length, 1);
      assert.equal(problems[0]?.code, 'LEDGER_MISMATCH');
      assert.match(problems[0]?.message ?? '', /le mouvement 99 du bon .* n’est pas dans le ticket signé/);
    });
  });
}
