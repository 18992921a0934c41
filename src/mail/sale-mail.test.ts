import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { exampleDeposit, exampleGift, exampleSale, exampleService } from '../receipts/examples.ts';
import { saveCustomer } from '../store/customers.ts';
import { countRows, DIALECTS, type TestDatabase } from '../store/test-dialects.ts';
import { resolveReceiptChoice } from './choice.ts';
import { isMailError } from './errors.ts';
import { dispatchSale, resendReceipt, type SaleDocumentSource } from './sale-mail.ts';
import { insertStore } from './testing/fixtures.ts';

const now = new Date('2026-11-23T13:40:58Z');
const dialect = DIALECTS[0];

function sourceFor(storeId: number, failOn?: string): SaleDocumentSource {
  return {
    async documentsOfSale(ticket) {
      if (ticket !== exampleSale.number) return undefined;
      return {
        storeId,
        ticket,
        customerCode: 'C001',
        issued: {
          ticket: exampleSale,
          gift: exampleGift,
          vouchers: [{ document: exampleDeposit }],
          services: [exampleService, { ...exampleService, number: 'S2' }],
        },
      };
    },
    async pdfOf(doc) {
      if (doc.kind === failOn) throw new Error('rendu impossible');
      return Buffer.from(`%PDF-1.7 ${doc.kind}`);
    },
  };
}

describe(`${dialect?.name}: a validated sale's documents by e-mail`, { skip: dialect === undefined }, () => {
  let test: TestDatabase;
  let storeId: number;
  before(async () => {
    if (dialect === undefined) return;
    test = await dialect.open();
    storeId = await insertStore(test.db, now);
    await saveCustomer(test.db, { code: 'C001', name: 'Léa Martin', email: 'ancienne@exemple.fr' }, now);
  });
  after(async () => test?.close());

  it('one e-mail per document of the table, the address saved with consent, all in one transaction', async () => {
    const outcome = resolveReceiptChoice('email-and-save', 'lea@exemple.fr', {
      code: 'C001',
      email: 'ancienne@exemple.fr',
      consentEmailReceipts: false,
    });
    // A PDF that cannot be drawn: nothing queued, nothing saved.
    await assert.rejects(
      dispatchSale(test.db, sourceFor(storeId, 'voucher'), {
        ticket: exampleSale.number,
        outcome,
        option: 'ticket+gift',
        now,
      }),
    );
    assert.equal(await countRows(test.db, 'mail_outbox'), 0);

    const done = await dispatchSale(test.db, sourceFor(storeId), {
      ticket: exampleSale.number,
      outcome,
      option: 'ticket+gift',
      now,
    });
    assert.deepEqual(
      done.queued.map((q) => [q.document_type, q.subject, q.recipient, q.reference]),
      [
        ['ticket', 'Votre ticket de chaussures du 23/11/2026', 'lea@exemple.fr', exampleSale.number],
        [
          'gift',
          'Votre ticket à donner avec votre cadeau de chaussures du 23/11/2026',
          'lea@exemple.fr',
          exampleSale.number,
        ],
        ['voucher', "Votre bon d'acompte de chaussures du 23/11/2026", 'lea@exemple.fr', exampleSale.number],
        [
          'service',
          'Votre ticket de ticket de retouche de chaussures du 23/11/2026',
          'lea@exemple.fr',
          exampleSale.number,
        ],
      ],
    );
    assert.equal(new Set(done.queued.map((q) => q.message_id)).size, 4);
    assert.deepEqual(
      done.print.map((p) => p.role),
      ['service'],
      'the second service ticket is printed',
    );
    assert.equal(done.addressSaved, true);
    const customer = await test.db
      .selectFrom('customers')
      .selectAll()
      .where('code', '=', 'C001')
      .executeTakeFirstOrThrow();
    assert.equal(customer.email, 'lea@exemple.fr');
    assert.equal(customer.consent_email_receipts, 1);
  });

  it('paper or nothing: nothing queued; a resend queues the sales ticket only; an unknown ticket is refused', async () => {
    const before = await countRows(test.db, 'mail_outbox');
    const printed = await dispatchSale(test.db, sourceFor(storeId), {
      ticket: exampleSale.number,
      outcome: { action: 'print', reason: 'asked' },
      option: 'ticket',
      now,
    });
    assert.deepEqual(
      printed.print.map((p) => p.role),
      ['ticket', 'voucher', 'service', 'service'],
    );
    const none = await dispatchSale(test.db, sourceFor(storeId), {
      ticket: exampleSale.number,
      outcome: { action: 'none', reason: 'declined' },
      option: 'ticket',
      now,
    });
    assert.deepEqual(
      none.print.map((p) => p.role),
      ['voucher', 'service', 'service'],
      'vouchers are still handed over',
    );
    assert.equal(await countRows(test.db, 'mail_outbox'), before);
    const resent = await resendReceipt(test.db, sourceFor(storeId), {
      ticket: exampleSale.number,
      to: 'autre@exemple.fr',
      now,
    });
    assert.equal(resent.document_type, 'ticket');
    assert.equal(await countRows(test.db, 'mail_outbox'), before + 1);
    await assert.rejects(
      resendReceipt(test.db, sourceFor(storeId), { ticket: 'X', to: 'autre@exemple.fr', now }),
      (e) => isMailError(e) && e.code === 'UNKNOWN_SALE' && e.message === 'Ticket inconnu : X',
    );
  });
});
