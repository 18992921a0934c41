import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { computeTicket } from './compute.ts';
import { currencyOf } from './money.ts';
import {
  type ArticleData,
  applyCommand,
  applyCommands,
  type CommandOutcome,
  newTicket,
  type TicketCommand,
  type TicketSettings,
  type TicketState,
  toInput,
} from './ticket.ts';

const EUR = currencyOf('EUR');
assert.ok(EUR);
export const settings: TicketSettings = {
  currency: EUR,
  mode: 'TTC',
  standardVatRate: 2000,
  limits: { maxDiscountPercent: 3000, maxDiscountAmount: 5000 },
  paymentModes: new Map([
    ['CASH', { excess: 'change', rounding: 5 }],
    ['CARD', { excess: 'refuse', rounding: null }],
    ['CHEQUE', { excess: 'creditNote', rounding: null }],
  ]),
};
const shirt: ArticleData = { ref: 'ALB0001', designation: 'Chemise blanche', unitPrice: 2300, vatRate: 2000 };
const book: ArticleData = { ref: 'LIV0002', designation: 'Livre', unitPrice: 1299, vatRate: 550 };
const wine: ArticleData = { ref: 'VIN', unitPrice: 3000, vatRate: 2000 };
const choco: ArticleData = { ref: 'CHOCO', unitPrice: 2500, vatRate: 550 };

function run(commands: TicketCommand[], state: TicketState = newTicket(settings)): TicketState {
  const outcome = applyCommands(state, commands);
  assert.ok(outcome.ok, outcome.ok ? '' : `${outcome.error.code}: ${outcome.error.message}`);
  return outcome.state;
}

function refusedWith(outcome: CommandOutcome, code: string): void {
  assert.equal(outcome.ok, false);
  if (!outcome.ok) assert.equal(outcome.error.code, code);
}

const refs = (state: TicketState) =>
  state.items.map((i) => (i.kind === 'subtotal' ? 'S/T' : i.kind === 'article' ? i.line.ref : i.ref));

describe('lines', () => {
  test('a line starts at quantity 1 and becomes the pointed line; Qté, Rem% act on it', () => {
    const state = run([
      { type: 'addLine', article: shirt },
      { type: 'setQuantity', qty: 2000 },
      { type: 'setDiscountPercent', rate: 1000 },
    ]);
    assert.equal(state.pointer, 1);
    assert.equal(state.result.totalTTC, 4140);
  });

  test('a reference typed on a pointed line is inserted after it', () => {
    const state = run([
      { type: 'addLine', article: shirt },
      { type: 'addLine', article: book },
      { type: 'point', lineId: 1 },
      { type: 'addLine', article: wine },
    ]);
    assert.deepEqual(refs(state), ['ALB0001', 'VIN', 'LIV0002']);
    assert.equal(state.pointer, 3);
    const explicit = run([{ type: 'insertAfter', lineId: 2, article: choco }], state);
    assert.deepEqual(refs(explicit), ['ALB0001', 'VIN', 'LIV0002', 'CHOCO']);
  });

  test('price and line amount entry', () => {
    const state = run([
      { type: 'addLine', article: shirt },
      { type: 'setPrice', unitPrice: 1999 },
      { type: 'setQuantity', qty: 3000 },
    ]);
    assert.equal(state.result.totalTTC, 5997);
    const amount = run([{ type: 'setAmount', amount: 5000 }], state);
    const line = amount.result.lines[0];
    assert.ok(line?.kind === 'article');
    assert.equal(line.gross, 5000);
    assert.equal(line.unitPrice, 166667);
    assert.equal(line.unitPriceScale, 4);
  });

  test('delete pointed lines or the whole ticket', () => {
    const state = run([
      { type: 'addLine', article: shirt },
      { type: 'addLine', article: book },
      { type: 'addLine', article: wine },
      { type: 'deleteLines', lineIds: [2] },
    ]);
    assert.deepEqual(refs(state), ['ALB0001', 'VIN']);
    refusedWith(applyCommand(state, { type: 'deleteLines', lineIds: [42] }), 'LINE_NOT_FOUND');
    const empty = run([{ type: 'deleteAll' }], state);
    assert.equal(empty.items.length, 0);
    assert.equal(empty.result.totalTTC, 0);
  });

  test('a discount over the register limit is refused unless a manager authorized it', () => {
    const state = run([{ type: 'addLine', article: shirt }]);
    const refused = applyCommand(state, { type: 'setDiscountPercent', rate: 3100 });
    refusedWith(refused, 'DISCOUNT_LIMIT_EXCEEDED');
    const allowed = run([{ type: 'setDiscountPercent', rate: 5000, authorized: true }], state);
    assert.equal(allowed.result.totalTTC, 1150);
    // The authorization stays with that discount when the line changes afterwards.
    const more = run([{ type: 'setQuantity', qty: 2000 }], allowed);
    assert.equal(more.result.totalTTC, 2300);
  });

  test('a change that makes a discount larger than its line is refused, the state unchanged', () => {
    const state = run([
      { type: 'addLine', article: { ...shirt, qty: 2000 } },
      { type: 'setDiscountAmount', amount: 4000, authorized: true },
    ]);
    refusedWith(applyCommand(state, { type: 'setQuantity', qty: 1000 }), 'DISCOUNT_TOO_LARGE');
    assert.equal(state.result.totalTTC, 600);
  });

  test('the pointed line’s label is edited (seed 001); empty, too long or on a sub-total refused', () => {
    const state = run([
      { type: 'addLine', article: shirt },
      { type: 'setDesignation', designation: '  Chemise   blanche, taille 42 ' },
    ]);
    const line = state.items[0];
    assert.ok(line?.kind === 'article');
    assert.equal(line.line.designation, 'Chemise blanche, taille 42');
    assert.equal(state.result.totalTTC, 2300, 'the amounts do not move');
    refusedWith(applyCommand(state, { type: 'setDesignation', designation: '   ' }), 'INVALID_INPUT');
    refusedWith(
      applyCommand(state, { type: 'setDesignation', designation: 'x'.repeat(121) }),
      'INVALID_INPUT',
    );
    const accented = run([{ type: 'setDesignation', designation: 'é'.repeat(120) }], state);
    assert.ok(accented.items[0]?.kind === 'article' && accented.items[0].line.designation?.length === 120);
    const withSubtotal = run([{ type: 'subtotal' }], state);
    refusedWith(
      applyCommand(withSubtotal, { type: 'setDesignation', designation: 'Remise' }),
      'INVALID_INPUT',
    );
    refusedWith(
      applyCommand(newTicket(settings), { type: 'setDesignation', designation: 'X' }),
      'NO_LINE_POINTED',
    );
  });

  test('a point on nothing, a key with no pointed line', () => {
    refusedWith(applyCommand(newTicket(settings), { type: 'setQuantity', qty: 2000 }), 'NO_LINE_POINTED');
    refusedWith(applyCommand(newTicket(settings), { type: 'point', lineId: 1 }), 'LINE_NOT_FOUND');
  });
});

describe('sub-total, footer, shipping, composition', () => {
  test('S/T then Rem€ spreads over the lines before it', () => {
    const state = run([
      { type: 'addLine', article: { ...shirt, unitPrice: 1000 } },
      { type: 'addLine', article: { ...shirt, ref: 'B', unitPrice: 1000 } },
      { type: 'addLine', article: { ...book, unitPrice: 1000 } },
      { type: 'subtotal' },
      { type: 'setDiscountAmount', amount: 100 },
    ]);
    assert.deepEqual(
      state.result.lines.map((l) => (l.kind === 'article' ? l.globalDiscount : 0)),
      [34, 33, 33],
    );
  });

  test('footer discount and shipping', () => {
    const state = run([
      { type: 'addLine', article: shirt },
      { type: 'footerDiscount', discount: { kind: 'percent', rate: 1000 } },
      { type: 'shipping', shipping: { amount: 490, vatRate: null } },
    ]);
    assert.equal(state.result.totalTTC, 2070 + 490);
  });

  test('a composition at a fixed price; only its quantity changes in ticket entry', () => {
    const state = run([
      {
        type: 'addComposition',
        ref: 'COFFRET',
        designation: 'Coffret',
        price: 5000,
        components: [wine, choco],
      },
      { type: 'setQuantity', qty: 2000 },
    ]);
    assert.equal(state.result.totalTTC, 10000);
    refusedWith(applyCommand(state, { type: 'setPrice', unitPrice: 100 }), 'COMPOSITION_LOCKED');
    refusedWith(applyCommand(state, { type: 'setQuantity', qty: 1500 }), 'INVALID_INPUT');
  });
});

describe('total and payments', () => {
  const lines: TicketCommand[] = [{ type: 'addLine', article: { ...shirt, unitPrice: 1567 } }];

  test('total needs at least one line and a total of zero or more', () => {
    refusedWith(applyCommand(newTicket(settings), { type: 'total' }), 'EMPTY_TICKET');
    const negative = run([{ type: 'addLine', article: { ...shirt, qty: -1000 } }]);
    refusedWith(applyCommand(negative, { type: 'total' }), 'NEGATIVE_TOTAL');
  });

  test('payments only after Total; lines only before', () => {
    const state = run(lines);
    refusedWith(applyCommand(state, { type: 'addPayment', mode: 'CASH', amount: null }), 'WRONG_PHASE');
    const paying = run([{ type: 'total' }], state);
    refusedWith(applyCommand(paying, { type: 'addLine', article: book }), 'WRONG_PHASE');
    const back = run([{ type: 'backToLines' }], paying);
    assert.equal(back.phase, 'lines');
  });

  test('split payment, cash rounding, change; a payment can be cancelled', () => {
    const paying = run([...lines, { type: 'total' }, { type: 'addPayment', mode: 'CARD', amount: 1000 }]);
    assert.equal(paying.result.remaining, 567);
    const paid = run([{ type: 'addPayment', mode: 'CASH', amount: 1000 }], paying);
    assert.equal(paid.result.valid, true);
    assert.equal(paid.result.roundingAdjustment, 2);
    assert.equal(paid.result.change, 435);
    refusedWith(applyCommand(paid, { type: 'addPayment', mode: 'CARD', amount: null }), 'NOTHING_TO_PAY');
    const cancelled = run([{ type: 'cancelPayment', paymentId: paid.payments[1]?.id ?? 0 }], paid);
    assert.equal(cancelled.result.remaining, 567);
  });

  test('an excess a mode refuses is refused unless authorized; unknown modes are refused', () => {
    const paying = run([...lines, { type: 'total' }]);
    refusedWith(
      applyCommand(paying, { type: 'addPayment', mode: 'CARD', amount: 2000 }),
      'OVERPAYMENT_NOT_ALLOWED',
    );
    refusedWith(
      applyCommand(paying, { type: 'addPayment', mode: 'BTC', amount: null }),
      'UNKNOWN_PAYMENT_MODE',
    );
    const authorized = run([{ type: 'addPayment', mode: 'CARD', amount: 2000, authorized: true }], paying);
    assert.equal(authorized.result.change, 433);
    const cheque = run([{ type: 'addPayment', mode: 'CHEQUE', amount: 2000 }], paying);
    assert.equal(cheque.result.creditNote, 433);
  });
});

describe('customer, seller, hold', () => {
  test('a tax-exempt customer switches the ticket to HT', () => {
    const state = run([
      { type: 'addLine', article: { ...shirt, unitPrice: 12000 } },
      { type: 'setCustomer', customer: { code: 'EXPORT', taxExempt: true } },
    ]);
    assert.equal(state.result.mode, 'HT');
    assert.equal(state.result.totalTTC, 10000);
  });

  test('a held ticket refuses every command until resumed', () => {
    const held = run([
      { type: 'addLine', article: shirt },
      { type: 'setSeller', seller: 'V01' },
      { type: 'hold' },
    ]);
    refusedWith(applyCommand(held, { type: 'addLine', article: book }), 'TICKET_HELD');
    const resumed = run([{ type: 'resume' }, { type: 'addLine', article: book }], held);
    assert.equal(resumed.items.length, 2);
    assert.equal(resumed.seller, 'V01');
  });
});

test('the state always carries what the engine computes from its lines', () => {
  const state = run([
    { type: 'addLine', article: shirt },
    { type: 'addLine', article: book },
    { type: 'subtotal' },
    { type: 'setDiscountPercent', rate: 500 },
    { type: 'total' },
    { type: 'addPayment', mode: 'CARD', amount: null },
  ]);
  assert.deepEqual(state.result, computeTicket(toInput(state)));
  assert.equal(state.result.valid, true);
});
