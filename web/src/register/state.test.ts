import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Item, RegisterInfo, Ticket } from '../api-types.ts';
import {
  beforeResume,
  contrastRatio,
  countsText,
  discountPath,
  familiesOf,
  INITIAL_STATE,
  lineCells,
  modeLabel,
  type RegisterState,
  readColumns,
  reduce,
  saleDoneNote,
  searchKindOf,
  sellerMissing,
  serverReceiptChoice,
  startRole,
  textColorOn,
  ticketToTakeUp,
} from './state.ts';

const article = (id: number, over: Partial<Extract<Item, { kind: 'article' }>> = {}): Item => ({
  kind: 'article',
  id,
  ref: `EPI000${id}`,
  designation: `Article ${id}`,
  qty: 1000,
  unitPrice: 250,
  unitPriceScale: 2,
  vatRate: 550,
  gross: 250,
  lineDiscount: 0,
  globalDiscount: 0,
  net: 250,
  discount: null,
  ...over,
});

function ticket(over: Partial<Ticket> = {}): Ticket {
  return {
    id: 't1',
    register: 1,
    status: 'open',
    version: 1,
    openedBy: 'CAISSE1',
    phase: 'lines',
    held: false,
    pointer: null,
    currency: 'EUR',
    customer: { code: 'DIVERS', name: 'Client comptoir', taxExempt: false },
    seller: null,
    items: [],
    footerDiscount: null,
    shipping: null,
    payments: [],
    totals: {
      ht: 0,
      vat: 0,
      ttc: 0,
      remaining: 0,
      change: 0,
      creditNote: 0,
      roundingAdjustment: 0,
      articleCount: 0,
      lineCount: 0,
    },
    vat: [],
    errors: [],
    notices: [],
    sale: null,
    receipt: null,
    createdAt: '2026-11-23T09:00:00.000Z',
    updatedAt: '2026-11-23T09:00:00.000Z',
    ...over,
  };
}

test('a ticket taken up is always ready for a scan: the viseur on « Référence »', () => {
  assert.equal(startRole(ticket()), 'ref');
  assert.equal(startRole(ticket({ items: [article(1)] })), 'ref');
  const started = reduce(
    { ...INITIAL_STATE, modePage: 2, invoice: true, drawer: true, role: 'seller' },
    {
      type: 'started',
      ticket: ticket({ items: [article(1)] }),
    },
  );
  assert.deepEqual(
    [started.role, started.modePage, started.invoice, started.drawer],
    ['ref', 0, false, false],
  );
  assert.equal(started.focus.target, 'viseur');
  assert.ok(started.focus.seq > INITIAL_STATE.focus.seq, 'the focus is asked again');
});

test('the seller is asked at Total only where the register makes it mandatory; Total then follows', () => {
  const noSeller = ticket({ items: [article(1)] });
  assert.equal(sellerMissing({ sellerMandatory: true }, noSeller), true);
  assert.equal(sellerMissing({ sellerMandatory: false }, noSeller), false);
  assert.equal(
    sellerMissing({ sellerMandatory: true }, ticket({ seller: { code: 'V01', name: 'Vendeur' } })),
    false,
  );
  const asking = reduce(reduce(INITIAL_STATE, { type: 'started', ticket: noSeller }), {
    type: 'sellerForTotal',
  });
  assert.deepEqual([asking.role, asking.totalAfterSeller, asking.message?.error], ['seller', true, true]);
  assert.match(asking.message?.text ?? '', /Vendeur obligatoire/);
  const paying = reduce(asking, {
    type: 'paying',
    ticket: ticket({ phase: 'payment', items: [article(1)] }),
  });
  assert.deepEqual([paying.role, paying.totalAfterSeller, paying.focus.target], ['ref', false, 'viseur']);
});

test('« Reprise attente » holds a ticket with lines, abandons an empty one, refuses while paying', () => {
  assert.equal(beforeResume(ticket({ items: [article(1)] })), 'hold');
  assert.equal(beforeResume(ticket()), 'abandon');
  assert.equal(
    beforeResume(
      ticket({
        items: [article(1)],
        phase: 'payment',
        payments: [{ id: 1, mode: 'CASH', given: 100, amount: 100 }],
      }),
    ),
    'refuse',
  );
  assert.equal(beforeResume(null), 'nothing');
});

test('the focus target moves on each request, even to the same place', () => {
  const once = reduce(INITIAL_STATE, { type: 'focus', target: 'modes' });
  const twice = reduce(once, { type: 'focus', target: 'modes' });
  assert.equal(twice.focus.target, 'modes');
  assert.equal(twice.focus.seq, once.focus.seq + 1);
});

test('a step answered: the ticket replaced, its first notice shown, no notice clears the message', () => {
  const warned = reduce(INITIAL_STATE, {
    type: 'shown',
    ticket: ticket({ notices: [{ code: 'OUT_OF_STOCK', message: 'Rupture de stock' }] }),
  });
  assert.deepEqual(warned.message, { error: false, text: 'Rupture de stock' });
  const quiet = reduce(warned, { type: 'shown', ticket: ticket() });
  assert.equal(quiet.message, null);
});

test('the next ticket after a sale: fresh flags, the note said, the last sale kept', () => {
  let state: RegisterState = reduce(INITIAL_STATE, { type: 'started', ticket: ticket() });
  state = reduce(state, { type: 'invoice' });
  state = reduce(state, { type: 'drawer' });
  state = reduce(state, {
    type: 'validated',
    ticket: ticket({
      status: 'validated',
      sale: {
        number: 7,
        register: 1,
        validatedAt: '2026-11-23T09:01:00.000Z',
        totalTTC: 250,
        signature: 'x',
        shortSignature: 'abcd',
      },
    }),
    ask: true,
  });
  assert.equal(state.lastSale, 7);
  assert.equal(state.dialog.kind, 'receipt');
  const unasked = reduce(state, { type: 'validated', ticket: ticket({ id: 't9' }), ask: false });
  assert.equal(unasked.dialog.kind, 'none', 'a register that does not ask shows no receipt question');
  state = reduce(state, { type: 'dialog', dialog: { kind: 'none' } });
  state = reduce(state, { type: 'next', ticket: ticket({ id: 't2' }), note: saleDoneNote(7, 'print') });
  assert.equal(state.ticket?.id, 't2');
  assert.deepEqual([state.invoice, state.drawer, state.lastSale], [false, false, 7]);
  assert.equal(state.message?.text, 'Ticket n° 7 terminé (imprimé) : saisie du ticket suivant');
  assert.equal(
    saleDoneNote(8, 'print', 'Imprimante 10.0.0.5:9100 injoignable (ECONNREFUSED)'),
    'Ticket n° 8 terminé : impression en attente (Imprimante 10.0.0.5:9100 injoignable (ECONNREFUSED)) — elle repartira avec la prochaine impression de la caisse',
  );
});

test('an error in the manager dialog keeps it open; outside it, nothing changes', () => {
  const retry = () => undefined;
  const asking = reduce(INITIAL_STATE, {
    type: 'dialog',
    dialog: { kind: 'manager', reason: 'remise', error: null, retry },
  });
  const refused = reduce(asking, { type: 'managerError', error: 'PIN incorrect' });
  assert.equal(refused.dialog.kind === 'manager' ? refused.dialog.error : null, 'PIN incorrect');
  assert.equal(reduce(INITIAL_STATE, { type: 'managerError', error: 'x' }), INITIAL_STATE);
});

test('login takes up a ticket with something on it before an empty one', () => {
  const empty = ticket({ id: 'a' });
  const full = ticket({ id: 'b', items: [article(1)] });
  assert.equal(ticketToTakeUp([empty, full])?.id, 'b');
  assert.equal(ticketToTakeUp([empty])?.id, 'a');
  assert.equal(ticketToTakeUp([]), null);
});

test('Rem% and Rem€ act on the pointed line; with none, no silent footer discount', () => {
  assert.equal(discountPath(ticket({ pointer: 1, items: [article(1)] })), 'discount');
  assert.equal(discountPath(ticket()), null);
  assert.equal(discountPath(null), null);
});

test('the touch grid groups shortcuts by family; button text keeps 4.5:1 on any colour', () => {
  const s = (family: string | null, label: string | null) => ({ family, familyLabel: label });
  const groups = familiesOf([
    s('SALON', 'Salon de thé'),
    s('BOISSONS', 'Boissons'),
    s('SALON', 'Salon de thé'),
    s(null, null),
  ]);
  assert.deepEqual(
    groups.map((g) => [g.key, g.label, g.items.length]),
    [
      ['SALON', 'Salon de thé', 2],
      ['BOISSONS', 'Boissons', 1],
      ['', 'Autres articles', 1],
    ],
  );
  for (const colour of ['#fde68a', '#1d4ed8', '#000000', '#ffffff', '#ff0000', '#16a34a', '#7c3aed']) {
    assert.ok(contrastRatio(colour, textColorOn(colour)) >= 4.5, colour);
  }
  assert.equal(textColorOn('#1d4ed8'), '#ffffff');
  assert.equal(textColorOn('#fde68a'), '#000000');
  assert.ok(Math.abs(contrastRatio('#64748b', '#ffffff') - 4.76) < 0.05, 'controls’ borders');
  assert.ok(contrastRatio('#1d4ed8', '#ffffff') >= 3, 'the pointed line against white');
});

test('what the ticket table shows: a discounted line, a spread sub-total discount, a sub-total', () => {
  const cells = lineCells(article(1, { discount: { kind: 'percent', rate: 500 }, net: 238 }));
  assert.equal(cells.discount, '-5\u00a0%');
  assert.equal(cells.net, '2,38\u00a0€');
  assert.equal(cells.vat, '5,5\u00a0%');
  assert.equal(lineCells(article(2, { globalDiscount: 12 })).discount, '-0,12\u00a0€');
  const subtotal = lineCells({
    kind: 'subtotal',
    id: 3,
    amount: 500,
    discount: { kind: 'amount', amount: 100 },
  });
  assert.deepEqual(
    [subtotal.designation, subtotal.discount, subtotal.qty],
    ['Sous-total', '-1,00\u00a0€', ''],
  );
});

test('counts, payment labels, receipt choices, search kinds, saved columns', () => {
  const totals = ticket().totals;
  assert.equal(countsText({ ...totals, articleCount: 3000, lineCount: 2 }), '3 article(s), 2 ligne(s)');
  assert.equal(countsText({ ...totals, articleCount: 1500, lineCount: 1 }), '1,5 article(s), 1 ligne(s)');
  const info = { paymentModes: [{ code: 'CASH', label: 'Espèces' }] } as unknown as RegisterInfo;
  assert.equal(modeLabel(info, 'CASH'), 'Espèces');
  assert.equal(modeLabel(info, 'GIFT'), 'GIFT');
  assert.equal(serverReceiptChoice('email', ''), 'print', 'no address: printed');
  assert.equal(serverReceiptChoice('email-save', 'a@b.fr'), 'email');
  assert.equal(serverReceiptChoice('none', ''), 'none');
  assert.equal(searchKindOf('seller'), 'seller');
  assert.equal(searchKindOf('designation'), 'article');
  assert.deepEqual([...readColumns('["qty","net","bogus"]')], ['qty', 'net']);
  assert.equal(readColumns('not json').size, 7);
  assert.equal(readColumns(null).size, 7);
});
