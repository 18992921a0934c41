import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type QuoteJson, quote } from './quote.ts';

/** Hand-computed cases of spec/sales-arithmetic.md that the public scenarios do not cover. */
function computed(scenario: unknown): QuoteJson & { exitCode: number } {
  const { exitCode, output } = quote(scenario);
  assert.notEqual(exitCode, 2, JSON.stringify(output));
  return { ...(output as QuoteJson), exitCode };
}

const codes = (r: QuoteJson) => r.errors.map((e) => e.code);
const line = (ref: string, qty: string, unitPrice: string, vatRate = '20', extra: object = {}) => ({
  ref,
  qty,
  unitPrice,
  vatRate,
  ...extra,
});

describe('footer discount and shipping', () => {
  test('the footer discount spreads over the lines, shipping at the standard rate is never discounted', () => {
    const r = computed({
      lines: [line('A', '2', '23.00', '20', { discountPercent: '10' })],
      footerDiscount: { percent: '10' },
      shipping: { amount: '4.90' },
      payments: [{ mode: 'CARD' }],
    });
    assert.equal(r.lines[0]?.net, '37.26');
    assert.deepEqual(r.shipping, { net: '4.90', vatRate: '20.00' });
    assert.deepEqual(r.vat, [{ rate: '20.00', base: '35.13', tax: '7.03', total: '42.16' }]);
    assert.equal(r.exitCode, 0);
  });

  test('shipping takes its own rate when given', () => {
    const r = computed({
      lines: [line('A', '1', '10.00', '5.5')],
      shipping: { amount: '2.00', vatRate: '10' },
    });
    assert.deepEqual(
      r.vat.map((v) => v.rate),
      ['5.50', '10.00'],
    );
  });
});

describe('sub-totals', () => {
  test('a second sub-total spreads over every earlier line, on their discounted nets, ties to the earlier line', () => {
    const r = computed({
      lines: [
        line('A', '1', '10.00'),
        line('B', '1', '10.00'),
        { subtotal: { discountPercent: '10' } },
        line('C', '1', '20.00'),
        { subtotal: { discountAmount: '1.00' } },
      ],
      payments: [{ mode: 'CARD' }],
    });
    assert.deepEqual(
      r.lines.map((l) => ('globalDiscount' in l ? [l.globalDiscount, l.net] : [])),
      [
        ['1.24', '8.76'],
        ['1.24', '8.76'],
        ['0.52', '19.48'],
      ],
    );
    assert.equal(r.totalTTC, '37.00');
    assert.equal(r.totalVAT, '6.17');
  });

  test('a sub-total discount larger than what it discounts is refused', () => {
    const r = computed({ lines: [line('A', '1', '10.00'), { subtotal: { discountAmount: '10.01' } }] });
    assert.ok(codes(r).includes('DISCOUNT_TOO_LARGE'));
    assert.equal(r.exitCode, 1);
  });

  test('lines with a net of zero or less take no share', () => {
    const r = computed({
      lines: [line('A', '1', '10.00'), line('R', '-1', '4.00'), { subtotal: { discountAmount: '1.00' } }],
      payments: [{ mode: 'CARD' }],
    });
    assert.deepEqual(
      r.lines.map((l) => ('globalDiscount' in l ? l.globalDiscount : '')),
      ['1.00', '0.00'],
    );
  });

  test('a composition takes its share component by component', () => {
    const r = computed({
      lines: [
        {
          ref: 'BOX',
          composition: {
            price: '50.00',
            components: [line('VIN', '1', '30.00', '20'), line('CHOCO', '1', '25.00', '5.5')],
          },
        },
        { subtotal: { discountAmount: '5.00' } },
      ],
      payments: [{ mode: 'CARD' }],
    });
    const box = r.lines[0];
    assert.ok(box !== undefined && 'components' in box);
    assert.equal(box.net, '45.00');
    assert.deepEqual(
      box.components.map((c) => [c.globalDiscount, c.net]),
      [
        ['2.73', '24.54'],
        ['2.27', '20.46'],
      ],
    );
  });
});

describe('line amounts', () => {
  test('a typed line amount keeps the amount and recomputes the unit price at 4 decimals', () => {
    const r = computed({
      lines: [{ ref: 'A', qty: '3', amount: '10.00', vatRate: '20' }],
      payments: [{ mode: 'CARD' }],
    });
    assert.equal(r.lines[0] && 'unitPrice' in r.lines[0] ? r.lines[0].unitPrice : '', '3.3333');
    assert.equal(r.totalTTC, '10.00');
  });

  test('a quantity with three decimals is rounded once, half away from zero', () => {
    const r = computed({ lines: [line('P', '0.333', '2.50', '5.5'), line('R', '-0.333', '2.50', '5.5')] });
    assert.deepEqual(
      r.lines.map((l) => ('gross' in l ? l.gross : '')),
      ['0.83', '-0.83'],
    );
  });

  test('a line discount larger than the line, or of the opposite sign, is refused', () => {
    assert.ok(
      codes(computed({ lines: [line('A', '1', '10.00', '20', { discountAmount: '12.00' })] })).includes(
        'DISCOUNT_TOO_LARGE',
      ),
    );
    assert.ok(
      codes(computed({ lines: [line('A', '1', '10.00', '20', { discountAmount: '-1.00' })] })).includes(
        'DISCOUNT_TOO_LARGE',
      ),
    );
    assert.ok(
      codes(computed({ lines: [line('A', '1', '10.00', '20', { discountPercent: '101' })] })).includes(
        'DISCOUNT_TOO_LARGE',
      ),
    );
    const ret = computed({
      lines: [line('A', '2', '10.00'), line('R', '-1', '10.00', '20', { discountPercent: '10' })],
      payments: [{ mode: 'CARD' }],
    });
    assert.deepEqual(codes(ret), []);
    assert.equal(ret.totalTTC, '11.00');
  });

  test('a ticket without lines is refused', () => {
    const r = computed({ lines: [] });
    assert.deepEqual(codes(r), ['EMPTY_TICKET']);
    assert.equal(r.exitCode, 1);
  });
});

describe('discount limits', () => {
  const limits = { maxDiscountPercent: '20', maxDiscountAmount: '5.00' };
  test('beyond the amount limit', () => {
    assert.deepEqual(
      codes(
        computed({
          limits,
          lines: [line('A', '1', '100.00', '20', { discountAmount: '6.00' })],
          payments: [{ mode: 'CARD' }],
        }),
      ),
      ['DISCOUNT_LIMIT_EXCEEDED'],
    );
  });
  test('an amount discount beyond the percentage limit of its line', () => {
    const r = computed({
      limits: { maxDiscountPercent: '20' },
      lines: [line('A', '1', '10.00', '20', { discountAmount: '2.01' })],
      payments: [{ mode: 'CARD' }],
    });
    assert.deepEqual(codes(r), ['DISCOUNT_LIMIT_EXCEEDED']);
  });
  test('a sub-total discount beyond the limit', () => {
    const r = computed({
      limits,
      lines: [line('A', '1', '10.00'), { subtotal: { discountPercent: '25' } }],
      payments: [{ mode: 'CARD' }],
    });
    assert.deepEqual(codes(r), ['DISCOUNT_LIMIT_EXCEEDED']);
  });
  test('a manager override lifts the limits', () => {
    const r = computed({
      limits,
      override: true,
      lines: [line('A', '1', '100.00', '20', { discountPercent: '50' })],
      payments: [{ mode: 'CARD' }],
    });
    assert.deepEqual(codes(r), []);
    assert.equal(r.totalTTC, '50.00');
  });
  test('within the limits', () => {
    const r = computed({
      limits,
      lines: [line('A', '1', '20.00', '20', { discountPercent: '20' })],
      payments: [{ mode: 'CARD' }],
    });
    assert.deepEqual(codes(r), []);
  });
});

describe('tax-exempt customer', () => {
  test('switches a TTC ticket to HT: unit prices brought to HT, every rate 0', () => {
    const r = computed({
      customer: { taxExempt: true },
      lines: [line('A', '1', '120.00', '20'), line('B', '1', '10.00', '5.5')],
      payments: [{ mode: 'CARD' }],
    });
    assert.equal(r.mode, 'HT');
    assert.deepEqual(
      r.lines.map((l) => ('unitPrice' in l ? [l.unitPrice, l.vatRate] : [])),
      [
        ['100.00', '0.00'],
        ['9.48', '0.00'],
      ],
    );
    assert.deepEqual(r.vat, [{ rate: '0.00', base: '109.48', tax: '0.00', total: '109.48' }]);
    assert.equal(r.totalTTC, '109.48');
  });
});

describe('currencies', () => {
  test('JPY has no decimals', () => {
    const r = computed({
      currency: 'JPY',
      lines: [line('A', '3', '1500', '10')],
      payments: [{ mode: 'CASH', amount: '5000' }],
    });
    assert.deepEqual(r.vat, [{ rate: '10.00', base: '4091', tax: '409', total: '4500' }]);
    assert.equal(r.change, '500');
    assert.equal(quote({ currency: 'JPY', lines: [line('A', '1', '1500.5', '10')] }).exitCode, 2);
  });

  test('TND has three decimals', () => {
    const r = computed({
      currency: 'TND',
      lines: [line('A', '2', '12.345', '19')],
      payments: [{ mode: 'CARD' }],
    });
    assert.deepEqual(r.vat, [{ rate: '19.00', base: '20.748', tax: '3.942', total: '24.690' }]);
  });

  test('a payment in another currency is converted once; change is in the system currency', () => {
    const r = computed({
      lines: [line('A', '1', '50.00')],
      payments: [{ mode: 'CASH', currency: 'USD', amount: '20.00', rate: '0.92' }, { mode: 'CARD' }],
    });
    assert.deepEqual(
      r.payments.map((p) => [p.given, p.amount]),
      [
        ['18.40', '18.40'],
        ['31.60', '31.60'],
      ],
    );
    const change = computed({
      lines: [line('A', '1', '50.00')],
      payments: [{ mode: 'CASH', currency: 'JPY', amount: '10000', rate: '0.0061' }],
    });
    assert.equal(change.payments[0]?.given, '61.00');
    assert.equal(change.change, '11.00');
  });
});

describe('payments', () => {
  test('a short payment leaves a remaining amount and is refused', () => {
    const r = computed({ lines: [line('A', '1', '10.00')], payments: [{ mode: 'CARD', amount: '4.00' }] });
    assert.equal(r.remaining, '6.00');
    assert.deepEqual(codes(r), ['PAYMENT_MISMATCH']);
  });

  test('cash rounding applies to what remains after a card payment', () => {
    const r = computed({
      paymentModes: { CARD: { excess: 'refuse' }, ESP: { excess: 'change', rounding: '0.05' } },
      lines: [line('A', '1', '15.67')],
      payments: [{ mode: 'CARD', amount: '10.00' }, { mode: 'ESP' }],
    });
    assert.deepEqual(
      r.payments.map((p) => p.amount),
      ['10.00', '5.65'],
    );
    assert.equal(r.roundingAdjustment, '0.02');
    assert.equal(r.exitCode, 0);
  });

  test('an unknown payment mode is refused', () => {
    const r = computed({ lines: [line('A', '1', '10.00')], payments: [{ mode: 'BITCOIN' }] });
    assert.deepEqual(codes(r), ['UNKNOWN_PAYMENT_MODE', 'PAYMENT_MISMATCH']);
  });

  test('an override turns a refused excess into change', () => {
    const r = computed({
      override: true,
      lines: [line('A', '1', '10.00')],
      payments: [{ mode: 'CARD', amount: '20.00' }],
    });
    assert.equal(r.change, '10.00');
    assert.equal(r.exitCode, 0);
  });

  test('a ticket of zero needs no payment', () => {
    const r = computed({ lines: [line('A', '1', '10.00'), line('B', '-1', '10.00')] });
    assert.equal(r.exitCode, 0);
  });
});
