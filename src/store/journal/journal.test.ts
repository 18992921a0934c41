import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { keyRotationDraft } from '../../fiscal/chain.ts';
import type { DuplicateDocument, JournalRecord } from '../../fiscal/record.ts';
import { verifyText } from '../../fiscal/signing.ts';
import { createArticle } from '../catalogue.ts';
import { createCustomer } from '../customers.ts';
import { DIALECTS } from '../test-dialects.ts';
import { withRegister } from './core.ts';
import { flushHeads, headsFileOf, readHeads } from './heads.ts';
import {
  appendJet,
  cancelTicket,
  clearKeyCache,
  closeDay,
  closeMonth,
  closeYear,
  getRecord,
  holdTicket,
  JournalError,
  listPublicKeys,
  peekNextTicketNumber,
  readJournal,
  readPublicKeys,
  readRegisterState,
  recordDuplicate,
  releaseHeldTicket,
  rotateRegisterKey,
  validateTicket,
} from './index.ts';
import { prepareNextKey, rotationsUnderWay } from './keys.ts';
import { type JournalFixture, openJournalFixture, ticketOf } from './testing.ts';

/** Rows of the journal tables and the heads file: what a refusal must leave unchanged. */
async function footprint(f: JournalFixture) {
  await flushHeads();
  const count = async (table: 'journal' | 'journal_idempotency') =>
    Number(
      (
        await f.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const state = await f.db.selectFrom('journal_registers').selectAll().orderBy('register').execute();
  return {
    journal: await count('journal'),
    keys: await count('journal_idempotency'),
    state: JSON.stringify(state),
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

const sale = (total: string, mode = 'CASH') => ({
  lines: [{ ref: 'ART', qty: '1', unitPrice: total, vatRate: '20' }],
  payments: [{ mode, amount: total }],
});

for (const dialect of DIALECTS) {
  describe(`${dialect.name}: validateTicket, the only door into the books`, () => {
    let f: JournalFixture;
    before(async () => {
      f = await openJournalFixture(dialect, 10);
      await createArticle(
        f.db,
        { ref: 'LAMPE', designation: 'Lampe de bureau', vatRate: 2000, price: 4990, ecoParticipation: 30 },
        f.clock,
      );
      await createCustomer(f.db, { code: 'DUPONT', name: 'Jean Dupont' }, f.clock);
      await createCustomer(f.db, { code: 'AMBASSADE', name: 'Ambassade', taxExempt: true }, f.clock);
    });
    after(() => f.close());

    test('a validated ticket is signed, chained after JET 260, numbered 1, and carries its receipt detail', async () => {
      const done = await f.sell(
        1,
        {
          lines: [
            { ref: 'LAMPE', qty: '2', unitPrice: '49.90', vatRate: '20', discountPercent: '10' },
            { ref: 'CAFE', qty: '1', unitPrice: '1.50', vatRate: '10' },
          ],
          payments: [
            { mode: 'CARD', amount: '50.00' },
            { mode: 'CASH', amount: '50.00' },
          ],
        },
        { seller: 'V01', customer: 'DUPONT' },
      );
      assert.equal(done.number, 1);
      assert.equal(done.replayed, false);
      const r = done.record;
      assert.equal(r.type, 'TICKET');
      assert.equal(r.register, '1');
      const p = r.payload;
      assert.equal(p.totalTtc, 9132);
      assert.equal(p.customer, 'DUPONT');
      assert.equal(p.operator, 'CAISSE1');
      const d = p.detail;
      assert.ok(d !== undefined, 'detail');
      assert.deepEqual(d.cashier, { code: 'CAISSE1', name: 'Caissier' });
      assert.deepEqual(d.seller, { code: 'V01', name: 'Vendeur' });
      assert.deepEqual(d.customer, { code: 'DUPONT', name: 'Jean Dupont' });
      assert.equal(d.lines[0]?.designation, 'Lampe de bureau');
      assert.equal(d.lines[0]?.ecoParticipation, 60);
      assert.deepEqual(d.lines[0]?.discount, { percent: 1000 });
      assert.equal(d.lines[0]?.net, 8982);
      assert.equal(d.lines[1]?.designation, 'CAFE');
      assert.deepEqual(
        d.payments.map((x) => [x.mode, x.label, x.given, x.amount]),
        [
          ['CARD', 'Carte bancaire', 5000, 5000],
          ['CASH', 'Espèces', 5000, 4132],
        ],
      );
      assert.equal(d.change, 868);
      assert.equal(d.articleCount, 3000);
      assert.equal(d.lineCount, 2);
      assert.equal(d.training, false);

      const [jet, ticket] = [await getRecord(f.db, '1', 'JET', 1), await getRecord(f.db, '1', 'TICKET', 1)];
      assert.equal(jet?.type === 'JET' && jet.payload.code, 260);
      assert.deepEqual(ticket, r, 'the stored record reads back identical');
      const keys = readPublicKeys(f.dataDir, '1');
      const key = keys.get(r.keyId);
      assert.ok(key !== undefined, 'public key exported');
      assert.equal(verifyText(key, r.signedText, r.signature), true);
      await flushHeads();
      assert.deepEqual(
        readHeads(f.dataDir, '1').find((h) => h.chain === 'TICKET'),
        { register: '1', chain: 'TICKET', sequence: 1, signature: r.signature },
      );
      const state = await readRegisterState(f.db, '1');
      assert.equal(state?.perpetualTotal, 9132);
      assert.equal((await f.verify()).ok, true);
    });

    test("seed 002's refusals leave nothing written (journal, keys, state, heads)", async () => {
      await f.sell(2, sale('10.00'));
      await refused(f, () => f.sell(2, { lines: [], payments: [] }), 'TICKET_REFUSED', /au moins une ligne/);
      await refused(
        f,
        () => f.sell(2, { ...sale('10.00'), payments: [{ mode: 'CASH', amount: '5.00' }] }),
        'TICKET_REFUSED',
        /règlements ne correspond pas/,
      );
      await refused(
        f,
        () => f.sell(2, sale('10.00'), { customer: 'INCONNU' }),
        'UNKNOWN_CUSTOMER',
        /INCONNU/,
      );
      await refused(
        f,
        () => f.sell(2, sale('10.00', 'CB')),
        'TICKET_REFUSED',
        /Mode de règlement inconnu pour CB/,
      );
      await refused(f, () => f.sell(2, sale('10.00'), { cashier: 'PERSONNE' }), 'UNKNOWN_USER', /PERSONNE/);
      await refused(f, () => f.sell(2, sale('10.00'), { seller: 'V99' }), 'UNKNOWN_SELLER', /V99/);
      await refused(f, () => f.sell(2, { ...sale('10.00'), currency: 'USD' }), 'CURRENCY_MISMATCH', /USD/);
      await refused(f, () => f.sell(99, sale('10.00')), 'UNKNOWN_REGISTER', /99/);
      await refused(
        f,
        () =>
          validateTicket(f.db, f.ctx, {
            register: 2,
            idempotencyKey: '',
            cashier: 'CAISSE1',
            ticket: ticketOf(sale('1.00')),
          }),
        'INVALID_INPUT',
        /idempotence/,
      );
      const next = await f.sell(2, sale('10.00'));
      assert.equal(next.number, 2, 'refused tickets gave their numbers back');
      assert.equal(await peekNextTicketNumber(f.db, 2), 3);
    });

    test('the DIVERS customer must exist: a tax-exempt customer is computed HT at rate 0', async () => {
      const done = await f.sell(3, sale('12.00'), { customer: 'AMBASSADE' });
      assert.equal(done.record.payload.pricesIncludeTax, false);
      assert.equal(done.record.payload.detail?.taxExempt, true);
      assert.deepEqual(
        done.record.payload.perRate.map((r) => r.rate),
        [0],
      );
    });

    test('idempotency: sequential and concurrent retries give one ticket; another ticket under the key is refused', async () => {
      const input = {
        register: 4,
        idempotencyKey: 'retry-key-1',
        cashier: 'CAISSE1',
        ticket: ticketOf(sale('7.00')),
      };
      const first = await validateTicket(f.db, f.ctx, input);
      const again = await validateTicket(f.db, f.ctx, input);
      assert.equal(again.replayed, true);
      assert.equal(again.number, first.number);
      assert.equal(again.record.signature, first.record.signature);
      const concurrent = await Promise.all(
        Array.from({ length: 6 }, () =>
          validateTicket(f.db, f.ctx, { ...input, idempotencyKey: 'retry-key-2' }),
        ),
      );
      const numbers = new Set(concurrent.map((c) => c.number));
      assert.equal(numbers.size, 1, 'every retry has the same number');
      assert.equal(concurrent.filter((c) => !c.replayed).length, 1, 'one validation wrote');
      const tickets = [];
      for await (const r of readJournal(f.db, { register: '4', chain: 'TICKET' })) tickets.push(r.sequence);
      assert.deepEqual(tickets, [1, 2]);
      await refused(
        f,
        () => validateTicket(f.db, f.ctx, { ...input, ticket: ticketOf(sale('8.00')) }),
        'IDEMPOTENCY_CONFLICT',
        /retry-key-1/,
      );
    });

    test('two registers selling concurrently: each numbered without gap, the whole journal verifies', async () => {
      const runs = [5, 6].map((register) =>
        Promise.all(Array.from({ length: 12 }, (_, i) => f.sell(register, sale(`${i + 1}.00`)))),
      );
      const [a, b] = await Promise.all(runs);
      for (const list of [a, b]) {
        assert.deepEqual(
          list?.map((x) => x.number).sort((x, y) => x - y),
          Array.from({ length: 12 }, (_, i) => i + 1),
        );
      }
      const report = await f.verify();
      assert.deepEqual(report.problems, []);
    });

    test('concurrent good and refused tickets: each refusal is rolled back alone, numbers stay gapless', async () => {
      const outcomes = await Promise.allSettled(
        Array.from({ length: 10 }, (_, i) =>
          f.sell(6, i % 3 === 1 ? { lines: [], payments: [] } : sale(`${i + 1}.50`)),
        ),
      );
      const refusedOnes = outcomes.filter((o) => o.status === 'rejected');
      assert.equal(refusedOnes.length, 3);
      for (const o of refusedOnes) {
        assert.ok(o.reason instanceof JournalError && o.reason.code === 'TICKET_REFUSED', 'refused as such');
      }
      const tickets = await readJournalList(f, '6', 'TICKET');
      assert.deepEqual(
        tickets.map((r) => r.sequence),
        Array.from({ length: 12 + 7 }, (_, i) => i + 1),
        'the 12 earlier tickets and the 7 accepted ones, without gap',
      );
      assert.deepEqual((await f.verify()).problems, []);
    });

    test('the 24-hour rule: counted from the first sale, then from the last daily closure', async () => {
      const start = f.clock;
      try {
        await f.sell(7, sale('3.00'));
        f.advance(24 * 60);
        await f.sell(7, sale('3.00'));
        f.advance(1);
        await refused(
          f,
          () => f.sell(7, sale('3.00')),
          'CLOSURE_OVERDUE',
          /première vente date de plus de 24 heures/,
        );
        await refused(
          f,
          () => cancelTicket(f.db, f.ctx, { register: 7, sequence: 1, operator: 'ADMIN' }),
          'CLOSURE_OVERDUE',
          /24 heures/,
        );
        const training = await f.sell(7, sale('3.00'), { training: true });
        assert.equal(training.record.type, 'TRAINING', 'training is not blocked by the rule');
        await closeDay(f.db, f.ctx, { register: 7, operator: 'ADMIN' });
        await f.sell(7, sale('3.00'));
        f.advance(24 * 60 + 1);
        await refused(f, () => f.sell(7, sale('3.00')), 'CLOSURE_OVERDUE', /dernière clôture journalière/);
      } finally {
        f.clock = start;
      }
    });

    test('cancellation, duplicates and training: opposite record, copy numbers, no total', async () => {
      const t1 = await f.sell(8, sale('20.00'));
      const t2 = await f.sell(8, sale('5.00', 'CARD'));
      const cancel = await cancelTicket(f.db, f.ctx, { register: 8, sequence: t2.number, operator: 'ADMIN' });
      assert.equal(cancel.record.type, 'CANCELLATION');
      assert.equal(cancel.record.sequence, 3, 'a cancellation takes the next ticket number');
      assert.equal(cancel.record.payload.totalTtc, -500);
      assert.equal(cancel.record.payload.cancels?.sequence, 2);
      assert.equal(cancel.record.payload.cancels?.signature, t2.record.signature);
      assert.equal(cancel.record.payload.detail?.payments[0]?.amount, -500);
      await refused(
        f,
        () => cancelTicket(f.db, f.ctx, { register: 8, sequence: 2, operator: 'ADMIN' }),
        'ALREADY_CANCELLED',
        /déjà annulé par le ticket n° 3/,
      );
      await refused(
        f,
        () => cancelTicket(f.db, f.ctx, { register: 8, sequence: 3, operator: 'ADMIN' }),
        'NOT_CANCELLABLE',
        /annulation/,
      );
      await refused(
        f,
        () => cancelTicket(f.db, f.ctx, { register: 8, sequence: 42, operator: 'ADMIN' }),
        'UNKNOWN_RECORD',
        /42/,
      );

      const copies: JournalRecord[] = [];
      for (const reason of ['Demande du client', 'Perte du ticket']) {
        copies.push(
          await recordDuplicate(f.db, f.ctx, {
            register: 8,
            original: { sequence: t1.number },
            reason,
            operator: 'CAISSE1',
          }),
        );
      }
      assert.deepEqual(
        copies.map((c) =>
          c.type === 'DUPLICATE' ? [c.sequence, c.payload.copyNumber, c.payload.reason] : [],
        ),
        [
          [1, 1, 'Demande du client'],
          [2, 2, 'Perte du ticket'],
        ],
      );
      await refused(
        f,
        () =>
          recordDuplicate(f.db, f.ctx, {
            register: 8,
            original: { sequence: 1 },
            reason: ' ',
            operator: 'CAISSE1',
          }),
        'INVALID_INPUT',
        /motif/,
      );

      const before = await readRegisterState(f.db, '8');
      const training = await f.sell(8, sale('99.00'), { training: true });
      assert.equal(training.record.chain, 'TRAINING');
      assert.equal(training.number, 1);
      assert.equal(training.record.payload.detail?.training, true);
      assert.equal((await readRegisterState(f.db, '8'))?.perpetualTotal, before?.perpetualTotal);

      const z = await closeDay(f.db, f.ctx, { register: 8, operator: 'ADMIN' });
      const day = z.closures[0];
      assert.ok(day !== undefined && z.closures.length === 1, 'one daily closure');
      assert.equal(day.payload.ticketCount, 2);
      assert.equal(day.payload.cancellationCount, 1);
      assert.equal(day.payload.duplicateCount, 2);
      assert.equal(day.payload.salesTtc, 2500);
      assert.equal(day.payload.returnsTtc, 500);
      assert.equal(day.payload.periodTotal, 2000);
      assert.equal(day.payload.periodTotalAbs, 3000);
      assert.deepEqual(day.payload.perPayment, [
        { mode: 'CARD', amount: 0 },
        { mode: 'CASH', amount: 2000 },
      ]);
      assert.equal(day.payload.lastTicketSignature, cancel.record.signature);
      const state = await readRegisterState(f.db, '8');
      assert.equal(day.payload.perpetualTotal, state?.perpetualTotal);
      assert.equal(day.payload.perpetualTotalAbs, state?.perpetualTotalAbs);
      assert.deepEqual(
        z.heads.find((h) => h.chain === 'CLOSURE'),
        { register: '8', chain: 'CLOSURE', sequence: 1, signature: day.signature },
        'the Z report carries the heads kept outside the database',
      );
      const jet = await readJournalList(f, '8', 'JET');
      assert.match(lastJetData(jet), /^DAY 2026-11-23 : clôture n° 1$/);
      assert.deepEqual((await f.verify()).problems, []);
    });

    test('duplicates of other documents: copy numbers per original and document, a 5th signed field', async () => {
      const t1 = await f.sell(10, sale('30.00'));
      const t2 = await f.sell(10, sale('8.00'));
      const copy = async (document?: DuplicateDocument, index?: number, sequence = t1.number) => {
        const r = await recordDuplicate(f.db, f.ctx, {
          register: 10,
          original: { sequence },
          ...(document === undefined ? {} : { document }),
          ...(index === undefined ? {} : { index }),
          reason: 'Demande du client',
          operator: 'CAISSE1',
        });
        return r;
      };
      const made = [
        await copy(),
        await copy('invoice'),
        await copy('invoice'),
        await copy('deposit', 2),
        await copy('deposit'),
        await copy('deposit', 1),
        await copy(),
        await copy('invoice', undefined, t2.number),
      ];
      assert.deepEqual(
        made.map((r) => [
          r.sequence,
          r.payload.document ?? 'ticket',
          r.payload.index ?? 1,
          r.payload.copyNumber,
        ]),
        [
          [1, 'ticket', 1, 1],
          [2, 'invoice', 1, 1],
          [3, 'invoice', 1, 2],
          [4, 'deposit', 2, 1],
          [5, 'deposit', 1, 1],
          [6, 'deposit', 1, 2],
          [7, 'ticket', 1, 2],
          [8, 'invoice', 1, 1],
        ],
      );
      assert.equal('document' in (made[0]?.payload ?? {}), false, 'a ticket copy has no document key');
      assert.equal('index' in (made[5]?.payload ?? {}), false, 'the first voucher has no index key');
      assert.match(made[0]?.signedText ?? '', /\|1\|Demande du client\|CAISSE1\|Y\|$/);
      assert.match(made[1]?.signedText ?? '', /\|1\|Demande du client\|CAISSE1\|invoice\|N\|/);
      assert.match(made[3]?.signedText ?? '', /\|1\|Demande du client\|CAISSE1\|deposit,2\|N\|/);

      const cancel = await cancelTicket(f.db, f.ctx, {
        register: 10,
        sequence: t2.number,
        operator: 'ADMIN',
      });
      const refusals: [() => Promise<unknown>, RegExp][] = [
        [() => copy('facture' as DuplicateDocument), /Document copié inconnu : facture/],
        [() => copy('ticket' as DuplicateDocument), /Document copié inconnu : ticket/],
        [() => copy('invoice', 2), /qu'un document invoice : pas de rang 2/],
        [() => copy('deposit', 0), /Rang du document invalide : 0/],
        [() => copy(undefined, 2), /rang du document demande le document/],
        [() => copy('invoice', undefined, cancel.record.sequence), /pas d'un enregistrement CANCELLATION/],
      ];
      for (const [attempt, message] of refusals) await refused(f, attempt, 'INVALID_INPUT', message);
      assert.deepEqual((await f.verify()).problems, []);
    });

    test('closures: one Z a day, a month once ended and closing the open day first, a year sums months; held tickets refuse a closure', async () => {
      // Its own store: the clock goes to next month and next year, which the other tests' registers
      // would take as overdue closures.
      const g = await openJournalFixture(dialect, 2);
      try {
        await g.sell(1, sale('10.00'));
        await closeDay(g.db, g.ctx, { register: 1, operator: 'ADMIN' });
        g.advance(60);
        await refused(
          g,
          () => closeDay(g.db, g.ctx, { register: 1, operator: 'ADMIN' }),
          'DAY_ALREADY_CLOSED',
          /La journée du 23\/11\/2026 est déjà clôturée sur la caisse 1 /,
        );
        await g.sell(1, sale('4.00'));
        const id = await holdTicket(g.db, 1, 'CAISSE1', { lines: 1 }, g.clock);
        await refused(
          g,
          () => closeMonth(g.db, g.ctx, { register: 1, operator: 'ADMIN' }),
          'HELD_TICKETS',
          /en attente/,
        );
        assert.deepEqual(await releaseHeldTicket(g.db, id), { lines: 1 });
        await refused(
          g,
          () => closeMonth(g.db, g.ctx, { register: 1, operator: 'ADMIN' }),
          'PERIOD_NOT_ENDED',
          /le mois de novembre 2026 n’est pas terminé\. Elle se fait à partir du 1er décembre 2026/,
        );
        g.clock = new Date('2026-12-01T08:00:00Z');
        const month = await closeMonth(g.db, g.ctx, { register: 1, operator: 'ADMIN' });
        assert.deepEqual(
          month.closures.map((c) => [c.payload.kind, c.payload.periodLabel, c.payload.periodTotal]),
          [
            ['DAY', '2026-12-01', 400],
            ['MONTH', '2026-11', 1400],
          ],
          'the month closed on 1 December is November',
        );
        assert.deepEqual(month.closures[1]?.payload.closures, { from: 1, to: 2 });
        await refused(
          g,
          () => closeYear(g.db, g.ctx, { register: 1, operator: 'ADMIN' }),
          'PERIOD_NOT_ENDED',
          /l’exercice 2026 n’est pas terminé/,
        );
        g.clock = new Date('2027-01-02T08:00:00Z');
        const year = await closeYear(g.db, g.ctx, { register: 1, operator: 'ADMIN' });
        assert.deepEqual(
          year.closures.map((c) => [
            c.payload.kind,
            c.payload.periodLabel,
            c.payload.periodTotal,
            c.payload.perpetualTotal,
            c.payload.ticketCount,
          ]),
          [['YEAR', '2026', 1400, 1400, 2]],
        );

        // A register that works in shifts closes as many days as it has shifts.
        await g.db
          .updateTable('registers')
          .set({ settings: JSON.stringify({ shifts: true }) })
          .where('number', '=', 2)
          .execute();
        await g.sell(2, sale('1.00'));
        await closeDay(g.db, g.ctx, { register: 2, operator: 'ADMIN' });
        await g.sell(2, sale('2.00'));
        const second = await closeDay(g.db, g.ctx, { register: 2, operator: 'ADMIN' });
        assert.equal(second.closures[0]?.payload.periodTotal, 200);
        assert.deepEqual((await g.verify()).problems, []);
      } finally {
        await g.close();
      }
    });

    test('JET events and key rotation: the new key signs after a rotation signed by the old one', async () => {
      const login = await appendJet(f.db, f.ctx, 1, 'LOGIN', 'session ouverte', 'CAISSE1');
      assert.equal(login.type === 'JET' && login.payload.code, 1010);
      const oldKey = login.keyId;
      const { record, keyId } = await rotateRegisterKey(f.db, f.ctx, 1, 'ADMIN');
      assert.equal(record.keyId, oldKey, 'the rotation is signed by the old key');
      assert.notEqual(keyId, oldKey);
      const after = await f.sell(1, sale('2.00'));
      assert.equal(after.record.keyId, keyId);
      assert.deepEqual(
        listPublicKeys(f.dataDir, '1')
          .map((k) => k.keyId)
          .sort(),
        [oldKey, keyId].sort(),
      );
      const privateFile = `${f.dataDir}-keys/1/private.key`;
      assert.equal(statSync(privateFile).mode & 0o077, 0, 'the private key is readable by its owner only');
      assert.doesNotMatch(readFileSync(privateFile, 'utf8'), new RegExp(oldKey));
      assert.match(readFileSync(privateFile, 'utf8'), new RegExp(keyId));
      assert.deepEqual((await f.verify()).problems, []);
      assert.ok(existsSync(headsFileOf(f.dataDir, '1')), 'heads file');
    });

    test('a key rotation interrupted by a crash is finished or forgotten from what the journal says', async () => {
      // Crash before the rotation record: the next key is forgotten, the old key goes on signing.
      const oldKey = (await f.sell(3, sale('1.00'))).record.keyId;
      prepareNextKey(f.dataDir, '3');
      const kept = await f.sell(3, sale('1.00'));
      assert.equal(kept.record.keyId, oldKey);
      assert.equal(existsSync(`${f.dataDir}-keys/3/next.key`), false, 'next.key forgotten');
      // Crash after the rotation record, before the key file moved: the next process promotes it.
      rotationsUnderWay.add(`${f.dataDir}\u00003`);
      const next = prepareNextKey(f.dataDir, '3');
      await withRegister(f.db, f.ctx, '3', 'EUR', (b) =>
        b.append(keyRotationDraft('3', next.keyId, 'ADMIN', f.ctx.softwareVersion)),
      );
      rotationsUnderWay.clear();
      clearKeyCache();
      const after = await f.sell(3, sale('1.00'));
      assert.equal(after.record.keyId, next.keyId);
      assert.deepEqual((await f.verify()).problems, []);
    });

    test('a new software version journals a version change (JET 1060) before its first record', async () => {
      const before = (await readJournalList(f, '2', 'JET')).length;
      const next = { ...f.ctx, softwareVersion: '9.9.9' };
      const done = await validateTicket(f.db, next, {
        register: 2,
        idempotencyKey: 'version-change',
        cashier: 'CAISSE1',
        ticket: ticketOf(sale('1.00')),
      });
      assert.equal(done.record.softwareVersion, '9.9.9');
      await validateTicket(f.db, next, {
        register: 2,
        idempotencyKey: 'version-change-2',
        cashier: 'CAISSE1',
        ticket: ticketOf(sale('1.00')),
      });
      const jets = await readJournalList(f, '2', 'JET');
      assert.equal(jets.length, before + 1, 'one version change, not one per record');
      const change = jets.at(-1);
      assert.ok(change?.type === 'JET' && change.payload.code === 1060, 'JET 1060');
      assert.equal(lastJetData(jets), `${f.ctx.softwareVersion} → 9.9.9`);
    });

    test('readJournal pages through the journal in register, chain, sequence order', async () => {
      const all = await f.records();
      const paged = [];
      for await (const r of readJournal(f.db, { pageSize: 7 }))
        paged.push(`${r.register}/${r.chain}/${r.sequence}`);
      assert.ok(all.length > 50, 'a journal of several pages');
      assert.deepEqual(
        paged,
        all.map((r) => `${r.register}/${r.chain}/${r.sequence}`),
      );
      const sorted = [...all].sort((a, b) =>
        a.register !== b.register
          ? a.register < b.register
            ? -1
            : 1
          : a.chain !== b.chain
            ? a.chain < b.chain
              ? -1
              : 1
            : a.sequence - b.sequence,
      );
      assert.deepEqual(all, sorted);
      const from = [];
      for await (const r of readJournal(f.db, {
        register: '5',
        chain: 'TICKET',
        fromSequence: 10,
        pageSize: 2,
      })) {
        from.push(r.sequence);
      }
      assert.deepEqual(from, [10, 11, 12]);
    });
  });
}

async function readJournalList(f: JournalFixture, register: string, chain: JournalRecord['chain']) {
  const list: JournalRecord[] = [];
  for await (const r of readJournal(f.db, { register, chain })) list.push(r);
  return list;
}

function lastJetData(list: readonly JournalRecord[]): string {
  const last = list.at(-1);
  return last?.type === 'JET' ? last.payload.data : '';
}
