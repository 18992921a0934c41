import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openJournalFixture, SIMPLE_SALE } from '../store/journal/testing.ts';
import { DIALECTS } from '../store/test-dialects.ts';
import { isMailError } from './errors.ts';
import { journalSaleSource } from './journal-sale-source.ts';
import { resendReceipt } from './sale-mail.ts';

const dialect = DIALECTS[0];

describe(`${dialect?.name}: a sale's receipt from the fiscal journal`, {
  skip: dialect === undefined,
}, () => {
  it('queues the journal-built ticket as a signed PDF; unknown and malformed numbers are refused', async () => {
    if (dialect === undefined) return;
    const f = await openJournalFixture(dialect);
    try {
      await f.db
        .updateTable('stores')
        .set({ sign: 'CHAUSSURES', email: 'mag1@chaussures.example' })
        .execute();
      const sold = await f.sell(1, SIMPLE_SALE);
      const source = journalSaleSource(f.db, {
        dataDir: f.dataDir,
        software: { name: 'Comptoir', version: '0.1.0-test' },
        now: () => f.clock,
      });
      const sale = await source.documentsOfSale(`1-${String(sold.number).padStart(6, '0')}`);
      assert.ok(sale !== undefined, 'the sale is found');
      assert.equal(sale.issued.ticket.totals.totalInclVat, 1440);
      const job = await resendReceipt(f.db, source, {
        ticket: sale.ticket,
        to: 'lea@exemple.fr',
        now: f.clock,
      });
      assert.equal(job.subject, `Votre ticket de chaussures du ${sale.issued.ticket.issuedAt.date}`);
      assert.equal(job.reference, sale.ticket);
      const pdf = Buffer.from(job.attachment ?? new Uint8Array());
      assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
      assert.ok(pdf.includes('/ByteRange'), 'signed with the store certificate');
      assert.ok(job.text_body.includes('Total :\t14,40 €'), job.text_body);

      assert.equal(await source.documentsOfSale('1-000999'), undefined);
      await assert.rejects(
        resendReceipt(f.db, source, { ticket: '1-000999', to: 'lea@exemple.fr', now: f.clock }),
        (e) => isMailError(e) && e.code === 'UNKNOWN_SALE',
      );
      await assert.rejects(
        source.documentsOfSale('C1/7'),
        (e) => isMailError(e) && e.code === 'INVALID_TICKET',
      );
    } finally {
      await f.close();
    }
  });
});
