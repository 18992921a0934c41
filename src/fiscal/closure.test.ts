import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  addToClosure,
  ClosureError,
  closurePayload,
  MAX_HOURS_WITHOUT_CLOSURE,
  openClosure,
  saleAllowedAt,
  saleAllowedAtStamp,
} from './closure.ts';
import { type ClosurePayload, type JournalRecord, stampOf } from './record.ts';
import { generateSigningKeyPair } from './signing.ts';
import { BOOK, COFFEE, JournalBuilder, WINE } from './testing.ts';

const keys = generateSigningKeyPair();
const payloadOf = (r: JournalRecord): ClosurePayload => {
  assert.equal(r.type, 'CLOSURE');
  return r.payload as ClosurePayload;
};

/** Day 1: a sale on two rates, a sale by card, its return, a ticket cancelled, two reprints. */
function dayOne(b: JournalBuilder): void {
  const first = b.sale([COFFEE, WINE]); // 1.50 at 10 % + 2 × 12.90 at 20 %, cash
  b.sale([BOOK], 'CB'); // 8.90 at 5.5 %, card
  b.sale([{ ...BOOK, quantity: -1000 }]); // the book returned, cash back
  b.cancel(b.sale([COFFEE], 'CB')); // a coffee by card, then cancelled
  b.duplicate(first);
  b.duplicate(first);
}

describe('daily closure', () => {
  test('totals per rate, per payment mode, counts, period and perpetual grand totals (hand-computed)', () => {
    const b = new JournalBuilder('C1', keys);
    dayOne(b);
    const day = payloadOf(b.close('DAY', '2026-11-02'));
    assert.deepEqual(day.perRate, [
      { rate: 550, ht: 0, vat: 0, ttc: 0 },
      { rate: 1000, ht: 136, vat: 14, ttc: 150 },
      { rate: 2000, ht: 2150, vat: 430, ttc: 2580 },
    ]);
    assert.deepEqual(day.perPayment, [
      { mode: 'CB', amount: 890 },
      { mode: 'ESP', amount: 1840 },
    ]);
    assert.deepEqual([day.ticketCount, day.cancellationCount, day.duplicateCount], [4, 1, 2]);
    assert.equal(day.salesTtc, 2730 + 890 + 150);
    assert.equal(day.returnsTtc, 890 + 150);
    assert.equal(day.periodTotal, 2730);
    assert.equal(day.periodTotalAbs, 4810);
    assert.equal(day.perpetualTotal, 2730);
    assert.equal(day.perpetualTotalAbs, 4810);
    assert.deepEqual(
      [day.tickets, day.duplicates, day.closures],
      [
        { from: 1, to: 5 },
        { from: 1, to: 2 },
        { from: 1, to: 0 },
      ],
    );
    assert.equal(day.lastTicketSignature, b.heads.get('TICKET')?.signature);
  });

  test('training tickets, provisional bills, movements and JET events are counted in no total', () => {
    const plain = new JournalBuilder('C1', keys);
    dayOne(plain);
    const busy = new JournalBuilder('C1', keys);
    busy.training([WINE, WINE]);
    busy.jet('TRAINING_ON');
    dayOne(busy);
    busy.training([BOOK]);
    busy.append({
      register: 'C1',
      type: 'BILL',
      softwareVersion: '0.1.0',
      payload: (plain.records.find((r) => r.type === 'TICKET') as JournalRecord & { type: 'TICKET' }).payload,
    });
    busy.append({
      register: 'C1',
      type: 'MOVEMENT',
      softwareVersion: '0.1.0',
      payload: {
        currency: 'EUR',
        kind: 'PAY_IN',
        mode: 'ESP',
        amount: 5000,
        reason: 'Apport',
        operator: 'gerant',
      },
    });
    const a = payloadOf(plain.close('DAY'));
    const c = payloadOf(busy.close('DAY'));
    assert.deepEqual(
      { ...c, periodStart: 0, periodEnd: 0, lastTicketSignature: 0 },
      { ...a, periodStart: 0, periodEnd: 0, lastTicketSignature: 0 },
    );
    assert.ok(busy.records.filter((r) => r.type === 'TRAINING').length === 2, 'training sales are journaled');
  });

  test('the next day starts after the closure; the perpetual totals carry on and never reset', () => {
    const b = new JournalBuilder('C1', keys);
    dayOne(b);
    b.close('DAY');
    b.sale([WINE]);
    const two = payloadOf(b.close('DAY'));
    assert.deepEqual(two.tickets, { from: 6, to: 6 });
    assert.deepEqual(two.duplicates, { from: 3, to: 2 });
    assert.equal(two.periodTotal, 2580);
    assert.equal(two.perpetualTotal, 2730 + 2580);
    b.close('MONTH');
    b.close('YEAR');
    b.sale([{ ...WINE, quantity: -1000 }]);
    const three = payloadOf(b.close('DAY'));
    assert.equal(three.periodTotal, -1290);
    assert.equal(three.periodTotalAbs, 1290);
    assert.equal(three.perpetualTotal, 2730 + 2580 - 1290);
    assert.equal(three.perpetualTotalAbs, 4810 + 2580 + 1290);
  });
});

describe('monthly and yearly closures', () => {
  test('a month sums its daily closures, a year its monthly ones, without reading tickets', () => {
    const b = new JournalBuilder('C1', keys);
    dayOne(b);
    const d1 = payloadOf(b.close('DAY'));
    b.sale([WINE, COFFEE]);
    b.duplicate(b.records.at(-1) as JournalRecord);
    const d2 = payloadOf(b.close('DAY'));
    const month = payloadOf(b.close('MONTH', '2026-11'));
    assert.deepEqual(month.closures, { from: 1, to: 2 });
    assert.equal(month.ticketCount, d1.ticketCount + d2.ticketCount);
    assert.equal(month.duplicateCount, 3);
    assert.equal(month.periodTotal, d1.periodTotal + d2.periodTotal);
    assert.equal(month.periodTotalAbs, d1.periodTotalAbs + d2.periodTotalAbs);
    assert.equal(month.perpetualTotal, d2.perpetualTotal);
    assert.deepEqual(month.perRate, [
      { rate: 550, ht: 0, vat: 0, ttc: 0 },
      { rate: 1000, ht: 272, vat: 28, ttc: 300 },
      { rate: 2000, ht: 4300, vat: 860, ttc: 5160 },
    ]);
    assert.equal(month.lastTicketSignature, d2.lastTicketSignature);
    // A ticket handed to a monthly accumulator changes nothing: months never rescan tickets.
    const ticket = b.records.find((r) => r.type === 'TICKET') as JournalRecord;
    assert.equal(addToClosure(b.closureState.month, ticket), b.closureState.month);

    b.sale([BOOK]);
    b.close('DAY');
    const december = payloadOf(b.close('MONTH', '2026-12'));
    assert.deepEqual(december.closures, { from: 3, to: 4 });
    const year = payloadOf(b.close('YEAR', '2026'));
    assert.deepEqual(year.closures, { from: 1, to: 5 });
    assert.equal(year.periodTotal, month.periodTotal + december.periodTotal);
    assert.equal(year.perpetualTotal, december.perpetualTotal);
  });

  test('a month cannot be closed while the day holds records, nor a year while the month does', () => {
    const b = new JournalBuilder('C1', keys);
    b.sale([COFFEE]);
    assert.throws(
      () => b.close('MONTH'),
      (e: unknown) => e instanceof ClosureError && /journée en cours/.test(e.message),
    );
    b.close('DAY');
    assert.throws(() => b.close('YEAR'), /le mois en cours doit d’abord être clôturé/);
    b.close('MONTH');
    assert.equal(payloadOf(b.close('YEAR')).periodTotal, 150);
  });

  test('records out of sequence, of another register or currency are refused', () => {
    const b = new JournalBuilder('C1', keys);
    const t1 = b.sale([COFFEE]);
    const t2 = b.sale([COFFEE]);
    const start = stampOf(b.now, 60);
    const acc = openClosure('DAY', 'C1', 'EUR', start, undefined);
    assert.throws(() => addToClosure(acc, t2), /Ticket n° 2 hors séquence : n° 1 attendu/);
    assert.throws(
      () => addToClosure(openClosure('DAY', 'C2', 'EUR', start, undefined), t1),
      /caisse C1 dans une clôture de la caisse C2/,
    );
    assert.throws(
      () => addToClosure(openClosure('DAY', 'C1', 'XPF', start, undefined), t1),
      /en EUR, clôture en XPF/,
    );
    const day = closurePayload(b.closureState, 'DAY', 'x', start);
    assert.throws(() => openClosure('MONTH', 'C1', 'EUR', start, day), /type DAY, MONTH attendu/);
  });
});

describe('sale allowed only within 24 hours of the last daily closure', () => {
  const closed = new Date('2026-11-23T19:00:00Z');
  const hours = (h: number, ms = 0) => new Date(closed.getTime() + h * 3_600_000 + ms);

  test('up to exactly 24 h after the last daily closure, refused one millisecond later', () => {
    assert.equal(MAX_HOURS_WITHOUT_CLOSURE, 24);
    assert.deepEqual(saleAllowedAt(hours(23), closed, undefined), { allowed: true });
    assert.deepEqual(saleAllowedAt(hours(24), closed, undefined), { allowed: true });
    const refused = saleAllowedAt(hours(24, 1), closed, undefined);
    assert.equal(refused.allowed, false);
    assert.match(
      refused.allowed ? '' : refused.message,
      /^Saisie de ticket refusée : la dernière clôture journalière date de plus de 24 heures .* Faites la clôture journalière\.$/,
    );
  });

  test('a register that never closed counts from its first sale; with no sale at all it may sell', () => {
    assert.deepEqual(saleAllowedAt(hours(100), undefined, undefined), { allowed: true });
    assert.deepEqual(saleAllowedAt(hours(20), undefined, closed), { allowed: true });
    const refused = saleAllowedAt(hours(25), undefined, closed);
    assert.match(refused.allowed ? '' : refused.message, /la première vente date de plus de 24 heures/);
    // The last closure wins over the first sale.
    assert.deepEqual(saleAllowedAt(hours(25), hours(2), closed), { allowed: true });
    assert.equal(saleAllowedAtStamp(hours(25), stampOf(closed, 60), undefined).allowed, false);
  });
});
