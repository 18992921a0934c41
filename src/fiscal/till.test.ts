import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import type { MovementPayload, SalePayload } from './record.ts';
import { closingCounts, countsOfRecords, expectedPerMode, type TillEntry, tillReading } from './till.ts';

fc.configureGlobal({ numRuns: Number(process.env.FC_RUNS ?? 300) });

const MODES = ['CASH', 'CARD', 'CHEQUE'] as const;

function sale(
  type: 'TICKET' | 'CANCELLATION',
  operator: string,
  total: number,
  payments: { mode: string; amount: number }[],
): TillEntry {
  const payload: SalePayload = {
    currency: 'EUR',
    operator,
    customer: 'DIVERS',
    pricesIncludeTax: true,
    lines: [],
    perRate: [{ rate: 2000, ht: Math.round(total / 1.2), vat: total - Math.round(total / 1.2), ttc: total }],
    totalHt: Math.round(total / 1.2),
    totalTtc: total,
    payments,
  };
  return { type, payload };
}

function movement(kind: MovementPayload['kind'], mode: string, amount: number, expected?: number): TillEntry {
  return {
    type: 'MOVEMENT',
    payload: {
      currency: 'EUR',
      kind,
      mode,
      amount,
      reason: 'test',
      operator: 'CAISSE1',
      ...(expected === undefined ? {} : { count: { expected, pieces: [] } }),
    },
  };
}

/**
 * One event of a day as the drawer sees it: a sale paid partly in cash (given, change handed back),
 * a refund, a cash in or out. The test simulates the drawer itself, coin in, coin out.
 */
const event = fc.oneof(
  fc.record({
    kind: fc.constant('sale' as const),
    operator: fc.constantFrom('CAISSE1', 'CAISSE2', 'RESP'),
    total: fc.integer({ min: 1, max: 50_000 }),
    cardPart: fc.integer({ min: 0, max: 100 }),
    extraGiven: fc.integer({ min: 0, max: 10_000 }),
    other: fc.constantFrom('CARD', 'CHEQUE'),
  }),
  fc.record({
    kind: fc.constant('refund' as const),
    operator: fc.constantFrom('CAISSE1', 'CAISSE2'),
    amount: fc.integer({ min: 1, max: 20_000 }),
    mode: fc.constantFrom(...MODES),
    cancellation: fc.boolean(),
  }),
  fc.record({
    kind: fc.constantFrom('in' as const, 'out' as const),
    amount: fc.integer({ min: 1, max: 30_000 }),
    mode: fc.constantFrom('CASH', 'CHEQUE'),
  }),
);

describe('the till: expected per mode', () => {
  test('property: for random days, expected per mode = float + the sum of its movements, to the cent', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 100_000 }),
        fc.array(event, { maxLength: 60 }),
        (float, events) => {
          const drawer = new Map<string, number>([['CASH', float]]);
          const put = (mode: string, amount: number) => drawer.set(mode, (drawer.get(mode) ?? 0) + amount);
          const entries: TillEntry[] = [movement('FLOAT_IN', 'CASH', float, 0)];
          for (const e of events) {
            if (e.kind === 'sale') {
              const other = Math.floor((e.total * e.cardPart) / 100);
              const cash = e.total - other;
              const payments = [];
              if (other > 0) {
                payments.push({ mode: e.other, amount: other });
                put(e.other, other);
              }
              if (cash > 0) {
                // The customer hands over more than the cash part; the change goes back out.
                put('CASH', cash + e.extraGiven);
                put('CASH', -e.extraGiven);
                payments.push({ mode: 'CASH', amount: cash });
              }
              entries.push(sale('TICKET', e.operator, e.total, payments));
            } else if (e.kind === 'refund') {
              put(e.mode, -e.amount);
              entries.push(
                sale(e.cancellation ? 'CANCELLATION' : 'TICKET', e.operator, -e.amount, [
                  { mode: e.mode, amount: -e.amount },
                ]),
              );
            } else {
              const signed = e.kind === 'in' ? e.amount : -e.amount;
              put(e.mode, signed);
              entries.push(movement(e.kind === 'in' ? 'PAY_IN' : 'PAY_OUT', e.mode, signed));
            }
          }
          // A closing count moves nothing.
          entries.push(movement('COUNT', 'CASH', 1, 1));
          const expected = expectedPerMode(entries, ['CASH']);
          assert.equal(expected[0]?.mode, 'CASH');
          for (const row of expected) {
            assert.equal(row.expected, drawer.get(row.mode) ?? 0, row.mode);
            assert.equal(row.expected, row.float + row.sales + row.refunds + row.movements);
          }
          for (const [mode, amount] of drawer) {
            if (amount !== 0)
              assert.ok(
                expected.some((r) => r.mode === mode),
                mode,
              );
          }
          const reading = tillReading(entries, ['CASH']);
          const perOperator = reading.perOperator.reduce((s, o) => s + o.total, 0);
          const perRate = reading.perRate.reduce((s, r) => s + r.ttc, 0);
          assert.equal(perOperator, perRate);
        },
      ),
    );
  });

  test('a worked day: 150,00 float, a 12,40 cash sale paid with 20,00, a 5,00 cash-out, a card sale', () => {
    const entries = [
      movement('FLOAT_IN', 'CASH', 15000, 15000),
      sale('TICKET', 'CAISSE1', 1240, [{ mode: 'CASH', amount: 1240 }]),
      movement('PAY_OUT', 'CASH', -500),
      sale('TICKET', 'CAISSE1', 3000, [{ mode: 'CARD', amount: 3000 }]),
      sale('CANCELLATION', 'RESP', -1240, [{ mode: 'CASH', amount: -1240 }]),
    ];
    assert.deepEqual(expectedPerMode(entries, ['CASH']), [
      { mode: 'CASH', float: 15000, sales: 1240, refunds: -1240, movements: -500, expected: 14500 },
      { mode: 'CARD', float: 0, sales: 3000, refunds: 0, movements: 0, expected: 3000 },
    ]);
    const counts = closingCounts(
      expectedPerMode(entries, ['CASH']),
      new Map([
        ['CASH', 14490],
        ['CHEQUE', 0],
      ]),
    );
    assert.deepEqual(counts, [
      { mode: 'CASH', expected: 14500, counted: 14490, difference: -10 },
      { mode: 'CHEQUE', expected: 0, counted: 0, difference: 0 },
    ]);
    const reading = tillReading(entries, ['CASH']);
    assert.equal(reading.ticketCount, 2);
    assert.equal(reading.cancellationCount, 1);
    assert.equal(reading.movementCount, 2);
    assert.deepEqual(countsOfRecords([...entries, movement('COUNT', 'CASH', 14490, 14500)]), [
      { mode: 'CASH', expected: 14500, counted: 14490, difference: -10 },
    ]);
  });
});
