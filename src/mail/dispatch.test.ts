import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  exampleDeposit,
  exampleGift,
  exampleInvoice,
  examplePrepaidCard,
  exampleSale,
  exampleService,
} from '../receipts/examples.ts';
import { type IssuedDocuments, planDispatch, planPrintOnly } from './dispatch.ts';

const secondService = { ...exampleService, number: 'S2' };
const issued: IssuedDocuments = {
  ticket: exampleSale,
  gift: exampleGift,
  invoice: exampleInvoice,
  vouchers: [{ document: exampleDeposit }, { document: examplePrepaidCard }],
  services: [exampleService, secondService],
  printedOnly: [
    { role: 'deferred-cheque', label: 'Bon de chèque différé' },
    { role: 'defective', label: 'Bon de défectueux' },
  ],
};

describe('which documents go by e-mail (seed 000 table)', () => {
  it('« Ticket »: the ticket, each voucher, the prepaid card, the first service ticket', () => {
    const plan = planDispatch(issued, 'ticket');
    assert.deepEqual(plan.email, [exampleSale, exampleDeposit, examplePrepaidCard, exampleService]);
    assert.deepEqual(
      plan.print.map((p) => p.role),
      ['service', 'deferred-cheque', 'defective'],
    );
  });

  it('« Ticket + Ticket cadeau »: the gift ticket in a second e-mail', () => {
    assert.deepEqual(planDispatch(issued, 'ticket+gift').email.slice(0, 2), [exampleSale, exampleGift]);
  });

  it('« Ticket + Ticket »: the duplicate stays printed', () => {
    const plan = planDispatch(issued, 'ticket+ticket');
    assert.equal(plan.email.filter((d) => d.kind === 'sale').length, 1);
    assert.equal(plan.print[0]?.role, 'ticket-duplicate');
  });

  it('« Facture »: the invoice instead of the ticket, printed when the customer refused dematerialization', () => {
    assert.deepEqual(planDispatch(issued, 'invoice').email[0], exampleInvoice);
    assert.ok(
      !planDispatch(issued, 'ticket').email.includes(exampleInvoice),
      'no invoice without the option',
    );
    const refused = planDispatch(issued, 'invoice', false);
    assert.ok(!refused.email.includes(exampleInvoice), 'refused: not e-mailed');
    assert.equal(refused.print[0]?.role, 'invoice');
  });

  it('a prepaid card with a pre-generated code is not e-mailed', () => {
    const plan = planDispatch(
      { ticket: exampleSale, vouchers: [{ document: examplePrepaidCard, preGeneratedCode: true }] },
      'ticket',
    );
    assert.deepEqual(plan.email, [exampleSale]);
    assert.deepEqual(plan.print, [{ role: 'voucher', document: examplePrepaidCard }]);
  });

  it('printing everything keeps every document once', () => {
    const plan = planPrintOnly(issued, 'ticket');
    assert.equal(plan.email.length, 0);
    assert.equal(plan.print.length, 7);
  });
});
