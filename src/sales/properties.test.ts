import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { allocate } from './allocate.ts';
import { computeTicket } from './compute.ts';
import { currencyOf, mulDivRound } from './money.ts';
import {
  type ArticleData,
  applyCommands,
  newTicket,
  type TicketCommand,
  type TicketSettings,
} from './ticket.ts';
import type { ArticleLine, Discount, PaymentInput, TicketInput, TicketItem } from './ticket-input.ts';
import type { TicketResult } from './ticket-result.ts';

/** Invariants of the engine over random tickets (fast-check). */
fc.configureGlobal({ numRuns: Number(process.env.FC_RUNS ?? 300) });
const EUR = currencyOf('EUR');
assert.ok(EUR);
const paymentModes = new Map([
  ['CASH', { excess: 'change' as const, rounding: 5 }],
  ['CARD', { excess: 'refuse' as const, rounding: null }],
  ['CHEQUE', { excess: 'creditNote' as const, rounding: null }],
]);
const rate = fc.constantFrom(0, 210, 550, 1000, 2000);
const quantity = fc.oneof(
  fc.integer({ min: 1, max: 12 }).map((q) => q * 1000),
  fc.integer({ min: 1, max: 5000 }),
);
const percent = (max: number) =>
  fc.integer({ min: 0, max }).map((r): Discount => ({ kind: 'percent', rate: r }));

const article: fc.Arbitrary<ArticleLine> = fc
  .record({
    qty: quantity,
    unitPrice: fc.integer({ min: 0, max: 200_000 }),
    vatRate: rate,
    discount: fc.option(fc.oneof(percent(5000), fc.integer({ min: 0, max: 100 })), { nil: null }),
  })
  .map(({ qty, unitPrice, vatRate, discount }) => {
    const gross = mulDivRound(qty, unitPrice, 1000);
    // An amount discount is drawn as a share of the line so that it never exceeds it.
    const resolved: Discount | null =
      typeof discount === 'number'
        ? gross === 0
          ? null
          : { kind: 'amount', amount: mulDivRound(gross, discount, 100) }
        : discount;
    return {
      kind: 'article',
      ref: 'A',
      qty,
      price: { kind: 'unit', unitPrice },
      vatRate,
      discount: resolved,
    } satisfies ArticleLine;
  });

const item: fc.Arbitrary<TicketItem> = fc.oneof(
  { weight: 6, arbitrary: article },
  { weight: 1, arbitrary: percent(5000).map((discount): TicketItem => ({ kind: 'subtotal', discount })) },
  {
    weight: 1,
    arbitrary: fc
      .record({
        components: fc.array(article, { minLength: 1, maxLength: 4 }),
        price: fc.option(fc.integer({ min: 0, max: 300_000 }), { nil: null }),
      })
      .map(({ components, price }): TicketItem => ({ kind: 'composition', ref: 'BOX', price, components })),
  },
);

function ticket(items: TicketItem[], extra: Partial<TicketInput> = {}): TicketInput {
  return {
    currency: EUR as NonNullable<typeof EUR>,
    mode: 'TTC',
    taxExempt: false,
    standardVatRate: 2000,
    limits: { maxDiscountPercent: null, maxDiscountAmount: null },
    override: false,
    paymentModes,
    items,
    footerDiscount: null,
    shipping: null,
    payments: [],
    ...extra,
  };
}

const ticketInput = fc
  .record({
    items: fc.array(item, { minLength: 1, maxLength: 12 }),
    mode: fc.constantFrom('TTC' as const, 'HT' as const),
    taxExempt: fc.boolean(),
    footer: fc.option(percent(3000), { nil: null }),
    shipping: fc.option(fc.integer({ min: 0, max: 2000 }), { nil: null }),
  })
  .map(({ items, mode, taxExempt, footer, shipping }) =>
    ticket(items, {
      mode,
      taxExempt,
      footerDiscount: footer,
      shipping: shipping === null ? null : { amount: shipping, vatRate: null },
    }),
  );

function lineNets(result: TicketResult): number {
  return result.lines.reduce((sum, line) => sum + line.net, 0) + (result.shipping?.net ?? 0);
}

describe('engine invariants', () => {
  test('line nets (and shipping) sum to the total of the mode', () => {
    fc.assert(
      fc.property(ticketInput, (input) => {
        const r = computeTicket(input);
        assert.equal(lineNets(r), r.mode === 'TTC' ? r.totalTTC : r.totalHT);
      }),
    );
  });

  test('VAT rows add up, base + tax = total per rate, each tax rounded once', () => {
    fc.assert(
      fc.property(ticketInput, (input) => {
        const r = computeTicket(input);
        let base = 0;
        let tax = 0;
        let total = 0;
        let previous = -1;
        for (const row of r.vat) {
          assert.ok(row.rate > previous, 'rows sorted by rate, one per rate');
          previous = row.rate;
          assert.equal(row.base + row.tax, row.total);
          // |tax − exact| ≤ ½ unit, checked with bigint apart from the engine's own rounding.
          const [num, den] =
            r.mode === 'TTC'
              ? [BigInt(row.total) * BigInt(row.rate), BigInt(10_000 + row.rate)]
              : [BigInt(row.base) * BigInt(row.rate), 10_000n];
          const diff = BigInt(row.tax) * den - num;
          assert.ok(2n * (diff < 0n ? -diff : diff) <= den, `tax of ${row.rate} rounded once`);
          base += row.base;
          tax += row.tax;
          total += row.total;
        }
        assert.deepEqual([base, tax, total], [r.totalHT, r.totalVAT, r.totalTTC]);
      }),
    );
  });

  test('with discounts under 100 %, no line net changes sign', () => {
    fc.assert(
      fc.property(ticketInput, (input) => {
        const r = computeTicket(input);
        // An amount discount drawn on a TTC line can exceed the same line brought to HT for an exempt customer.
        if (r.errors.some((e) => e.code === 'DISCOUNT_TOO_LARGE')) return;
        for (const line of r.lines) {
          const parts = line.kind === 'article' ? [line] : line.components;
          for (const part of parts) assert.ok(part.net >= 0);
        }
      }),
    );
  });

  test('spread shares sum exactly to the discount and never exceed a line', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 1_000_000 }), { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 0, max: 1000 }),
        (weights, permille) => {
          const sum = weights.reduce((a, b) => a + b, 0);
          const total = Math.floor((sum * permille) / 1000);
          const shares = allocate(total, weights);
          assert.equal(
            shares.reduce((a, b) => a + b, 0),
            total,
          );
          shares.forEach((share, i) => {
            const weight = weights[i] ?? 0;
            assert.ok(share >= 0 && share <= weight, `share ${share} of ${weight}`);
            if (sum > 0)
              assert.ok(Math.abs(share * sum - total * weight) < sum, 'within one unit of the exact share');
          });
        },
      ),
    );
  });

  test('a valid ticket is settled exactly by its payments', () => {
    const paid = fc
      .record({
        input: ticketInput,
        cardShare: fc.integer({ min: 0, max: 100 }),
        cashExtra: fc.option(fc.integer({ min: 0, max: 5000 }), { nil: null }),
        last: fc.constantFrom('CASH', 'CHEQUE', 'CARD'),
      })
      .map(({ input, cardShare, cashExtra, last }) => {
        const total = computeTicket(input).totalTTC;
        const card = mulDivRound(Math.max(total, 0), cardShare, 100);
        const payments: PaymentInput[] = [];
        if (card > 0) payments.push({ mode: 'CARD', amount: card });
        const rest = Math.max(total, 0) - card;
        payments.push({
          mode: last,
          amount: cashExtra === null || last === 'CARD' ? null : rest + cashExtra + 5,
        });
        return { ...input, payments };
      });
    fc.assert(
      fc.property(paid, (input) => {
        const r = computeTicket(input);
        // Only the payment rules are under test: tickets refused for their lines are left out.
        if (
          r.totalTTC < 0 ||
          r.errors.some((e) => e.code === 'DISCOUNT_TOO_LARGE' || e.code === 'EMPTY_TICKET')
        ) {
          return;
        }
        assert.deepEqual(r.errors, []);
        const given = r.payments.reduce((sum, p) => sum + p.given, 0);
        assert.equal(given - r.change - r.creditNote + r.roundingAdjustment, r.totalTTC);
        assert.equal(r.remaining, 0);
        assert.ok(Math.abs(r.roundingAdjustment) <= 2, 'a 0.05 step moves at most 2 cents');
      }),
    );
  });
});

describe('commands and direct computation agree', () => {
  const settings: TicketSettings = {
    currency: EUR as NonNullable<typeof EUR>,
    mode: 'TTC',
    standardVatRate: 2000,
    limits: { maxDiscountPercent: null, maxDiscountAmount: null },
    paymentModes,
  };

  test('typing the lines key by key gives the ticket computed directly', () => {
    const entry = fc.record({
      article: fc.record({ unitPrice: fc.integer({ min: 0, max: 50_000 }), vatRate: rate }),
      qty: fc.integer({ min: 1, max: 9 }),
      discount: fc.option(fc.integer({ min: 0, max: 5000 }), { nil: null }),
      subtotal: fc.option(fc.integer({ min: 0, max: 3000 }), { nil: null }),
    });
    fc.assert(
      fc.property(fc.array(entry, { minLength: 1, maxLength: 10 }), (entries) => {
        const commands: TicketCommand[] = [];
        const items: TicketItem[] = [];
        entries.forEach((e, i) => {
          const data: ArticleData = {
            ref: `R${i}`,
            unitPrice: e.article.unitPrice,
            vatRate: e.article.vatRate,
          };
          commands.push({ type: 'addLine', article: data }, { type: 'setQuantity', qty: e.qty * 1000 });
          if (e.discount !== null) commands.push({ type: 'setDiscountPercent', rate: e.discount });
          items.push({
            kind: 'article',
            ref: data.ref,
            qty: e.qty * 1000,
            price: { kind: 'unit', unitPrice: data.unitPrice },
            vatRate: data.vatRate,
            discount: e.discount === null ? null : { kind: 'percent', rate: e.discount },
          });
          if (e.subtotal !== null) {
            commands.push({ type: 'subtotal' }, { type: 'setDiscountPercent', rate: e.subtotal });
            items.push({ kind: 'subtotal', discount: { kind: 'percent', rate: e.subtotal } });
          }
        });
        // A ticket of free articles has nothing to pay: the register refuses a payment on it.
        const unpaid = computeTicket(ticket(items));
        const payments: PaymentInput[] = unpaid.totalTTC === 0 ? [] : [{ mode: 'CARD', amount: null }];
        commands.push({ type: 'total' });
        for (const p of payments) commands.push({ type: 'addPayment', mode: p.mode, amount: null });
        const outcome = applyCommands(newTicket(settings), commands);
        // An explicit message: without one, node's assert parses the transpiled source on every
        // failure, which made a shrinking run last minutes.
        assert.ok(outcome.ok, outcome.ok ? '' : `commande refusée : ${outcome.error.code}`);
        const direct = computeTicket(ticket(items, { payments }));
        assert.deepEqual(outcome.state.result, direct);
      }),
    );
  });
});
