/**
 * The customer's rights (GDPR) on SQLite and PostgreSQL: the export holds everything kept about one
 * customer; the anonymisation erases the customer file and the e-mails, keeps the signed journal
 * untouched (it still verifies), is journaled, and refuses what it must without writing anything.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { anonymiseCustomer, exportCustomerData } from './customer-rights.ts';
import { createCustomer, saveCustomer } from './customers.ts';
import { StoreError } from './errors.ts';
import { issueOriginals } from './journal/originals.ts';
import { type JournalFixture, openJournalFixture, SIMPLE_SALE } from './journal/testing.ts';
import { DIALECTS } from './test-dialects.ts';

const ALICE = {
  code: 'GDPR01',
  name: 'Alice Martin',
  cardNumber: 'CARTE0001',
  address1: '3 rue des Lilas',
  postalCode: '69003',
  city: 'Lyon',
  email: 'alice.martin@example.fr',
  phone: '0612345678',
  loyaltyPoints: 120,
  visits: 4,
  consentEmailReceipts: true,
  consentMailings: true,
};

async function queueMailTo(f: JournalFixture, recipient: string, status: string, reference: string) {
  const stamp = f.clock.toISOString();
  await f.db
    .insertInto('mail_outbox')
    .values({
      message_id: `<${reference}.${status}@comptoir.test>`,
      store_id: null,
      sender_name: 'Boutique',
      sender_address: 'boutique@example.fr',
      recipient,
      subject: `Votre ticket ${reference}`,
      text_body: `Bonjour Alice, voici votre ticket ${reference}`,
      html_body: `<p>Bonjour Alice</p>`,
      attachment_name: 'ticket.pdf',
      attachment: Buffer.from('%PDF-1.7 ticket'),
      document_type: 'ticket',
      reference,
      status,
      attempts: status === 'sent' ? 1 : 0,
      next_attempt_at: stamp,
      give_up_at: stamp,
      created_at: stamp,
      updated_at: stamp,
      sent_at: status === 'sent' ? stamp : null,
    })
    .execute();
}

async function jetCodes(f: JournalFixture): Promise<{ code: number; data: string; operator: string }[]> {
  const records = await f.records();
  return records.flatMap((r) =>
    r.type === 'JET' ? [{ code: r.payload.code, data: r.payload.data, operator: r.payload.operator }] : [],
  );
}

async function snapshot(f: JournalFixture) {
  const customers = await f.db.selectFrom('customers').selectAll().orderBy('code').execute();
  const mails = await f.db.selectFrom('mail_outbox').selectAll().orderBy('id').execute();
  const journal = await f.db
    .selectFrom('journal')
    .select(sql<number>`count(*)`.as('n'))
    .executeTakeFirstOrThrow();
  return {
    customers,
    mails: mails.map((m) => ({ ...m, attachment: String(m.attachment) })),
    journal: Number(journal.n),
  };
}

function refusal(code: string, message: RegExp) {
  return (error: unknown) => {
    assert.ok(error instanceof StoreError, String(error));
    assert.equal(error.code, code);
    assert.match(error.message, message);
    return true;
  };
}

for (const dialect of DIALECTS) {
  describe(`${dialect.name}: the customer's rights`, () => {
    let f: JournalFixture;
    let saleSequence: number;
    const who = { register: 1, operator: 'ADMIN' };

    before(async () => {
      f = await openJournalFixture(dialect);
      await createCustomer(f.db, ALICE, f.clock);
      await createCustomer(
        f.db,
        { code: 'GDPR02', name: 'Bernard Facturé', address1: '1 place', city: 'Paris' },
        f.clock,
      );
      f.advance(1);
      saleSequence = (await f.sell(1, SIMPLE_SALE, { customer: 'GDPR01' })).record.sequence;
      f.advance(1);
      await f.sell(1, SIMPLE_SALE, { customer: 'GDPR02' });
      f.advance(1);
      await queueMailTo(f, ALICE.email, 'sent', `1-${saleSequence}`);
    });
    after(() => f.close());

    test('the export holds the customer file, the signed sales naming them and their e-mails, journaled', async () => {
      const before = (await jetCodes(f)).length;
      const exported = await exportCustomerData(f.db, f.ctx, { code: 'gdpr01', ...who });
      assert.equal(exported.format, 'comptoir-customer-export/1');
      assert.equal(exported.exportedAt, f.clock.toISOString());
      assert.deepEqual(
        {
          code: exported.customer.code,
          name: exported.customer.name,
          email: exported.customer.email,
          phone: exported.customer.phone,
          card: exported.customer.cardNumber,
          points: exported.customer.loyaltyPoints,
          consents: exported.customer.consents,
        },
        {
          code: 'GDPR01',
          name: 'Alice Martin',
          email: 'alice.martin@example.fr',
          phone: '0612345678',
          card: 'CARTE0001',
          points: 120,
          consents: { emailReceipts: true, mailings: true, dematLetterSent: false, dematRefused: false },
        },
      );
      assert.deepEqual(
        exported.sales.map((s) => [s.chain, s.sequence, s.totalInclVat]),
        [['TICKET', saleSequence, 1440]],
        'only the sale naming GDPR01, not GDPR02’s',
      );
      assert.deepEqual(
        exported.mails.map((m) => [m.status, m.documentType]),
        [['sent', 'ticket']],
      );
      const jets = await jetCodes(f);
      assert.equal(jets.length, before + 1);
      assert.equal(jets.at(-1)?.code, 1051);
      assert.match(jets.at(-1)?.data ?? '', /client GDPR01/);
      assert.doesNotMatch(jets.at(-1)?.data ?? '', /Alice|alice/, 'the journal names the code only');
    });

    test('bad requests are refused with a French message and write nothing', async () => {
      const start = await snapshot(f);
      await assert.rejects(
        anonymiseCustomer(f.db, f.ctx, { code: 'NOBODY', ...who }),
        refusal('UNKNOWN_CUSTOMER', /Client introuvable : NOBODY/),
      );
      await assert.rejects(
        anonymiseCustomer(f.db, f.ctx, { code: 'DIVERS', ...who }),
        refusal('INVALID_INPUT', /client comptoir/),
      );
      await assert.rejects(
        anonymiseCustomer(f.db, f.ctx, { code: '  ', ...who }),
        refusal('INVALID_INPUT', /Code client manquant/),
      );
      await queueMailTo(f, 'ALICE.MARTIN@example.fr', 'queued', 'pending');
      const withPending = await snapshot(f);
      await assert.rejects(
        anonymiseCustomer(f.db, f.ctx, { code: 'GDPR01', ...who }),
        refusal('MAIL_PENDING', /1 e-mail\(s\) au client GDPR01 attendent encore/),
      );
      assert.deepEqual(await snapshot(f), withPending, 'nothing written by the refusals');
      await f.db
        .updateTable('mail_outbox')
        .set({ status: 'failed' })
        .where('reference', '=', 'pending')
        .execute();
      assert.equal(withPending.journal, start.journal);
    });

    test('anonymisation erases the file and the e-mails, keeps the signed journal, and is journaled', async () => {
      const journalBefore = await f.db
        .selectFrom('journal')
        .selectAll()
        .orderBy('register')
        .orderBy('chain')
        .orderBy('sequence')
        .execute();
      f.advance(1);
      const result = await anonymiseCustomer(f.db, f.ctx, { code: 'GDPR01', ...who });
      assert.deepEqual(result, {
        code: 'GDPR01',
        anonymisedAt: f.clock.toISOString(),
        erased: [
          'name',
          'address1',
          'address2',
          'postalCode',
          'city',
          'cardNumber',
          'email',
          'phone',
          'sellerCode',
          'loyaltyPoints',
          'visits',
          'consents',
        ],
        kept: [],
        mailsErased: 2,
        salesKept: 1,
      });
      const row = await f.db
        .selectFrom('customers')
        .selectAll()
        .where('code', '=', 'GDPR01')
        .executeTakeFirstOrThrow();
      assert.deepEqual(
        [
          row.name,
          row.address1,
          row.city,
          row.email,
          row.phone,
          row.card_number,
          row.loyalty_points,
          row.visits,
        ],
        ['Client anonymisé', '', '', '', '', null, 0, 0],
      );
      assert.equal(row.consent_email_receipts, 0);
      assert.equal(row.anonymised_at, f.clock.toISOString());
      const mails = await f.db.selectFrom('mail_outbox').selectAll().execute();
      for (const m of mails) {
        assert.deepEqual([m.recipient, m.text_body, m.html_body, m.attachment], ['', '', '', null]);
      }
      // The signed records are untouched: the same rows, one JET added, and the journal verifies.
      const journalAfter = await f.db
        .selectFrom('journal')
        .selectAll()
        .orderBy('register')
        .orderBy('chain')
        .orderBy('sequence')
        .execute();
      const added = journalAfter.filter(
        (r) => !journalBefore.some((b) => b.chain === r.chain && b.sequence === r.sequence),
      );
      assert.deepEqual(
        journalAfter.filter((r) => !added.includes(r)),
        journalBefore,
      );
      assert.deepEqual(
        added.map((r) => r.chain),
        ['JET'],
      );
      assert.equal(journalAfter.length, journalBefore.length + 1);
      const jet = (await jetCodes(f)).at(-1);
      assert.equal(jet?.code, 1220);
      assert.equal(jet?.operator, 'ADMIN');
      assert.match(
        jet?.data ?? '',
        /client GDPR01 \(RGPD art\. 17\) : identité effacée; 2 e-mail\(s\) vidé\(s\); 1 vente/,
      );
      const report = await f.verify();
      assert.equal(report.ok, true, JSON.stringify(report.problems));

      await assert.rejects(
        anonymiseCustomer(f.db, f.ctx, { code: 'GDPR01', ...who }),
        refusal('ALREADY_ANONYMISED', /déjà été anonymisé/),
      );
      await assert.rejects(
        saveCustomer(f.db, { code: 'GDPR01', name: 'Alice Martin', email: 'a@example.fr' }, f.clock),
        refusal('ALREADY_ANONYMISED', /ne reçoit plus de données personnelles/),
        'an import or an edit cannot bring the personal data back',
      );
    });

    test('a customer whose invoice was handed over keeps the name and address the invoice prints', async () => {
      const [sale] = (await exportCustomerData(f.db, f.ctx, { code: 'GDPR02', ...who })).sales;
      assert.ok(sale !== undefined);
      await issueOriginals(
        f.db,
        [{ register: 1, chain: 'TICKET', sequence: sale.sequence, document: 'invoice' }],
        {
          at: f.clock,
          channel: 'print',
          operator: 'ADMIN',
        },
      );
      const result = await anonymiseCustomer(f.db, f.ctx, { code: 'GDPR02', ...who });
      assert.deepEqual(
        result.kept.map((k) => k.field),
        ['name', 'address1', 'address2', 'postalCode', 'city'],
      );
      assert.match(result.kept[0]?.reason ?? '', /L123-22/);
      const row = await f.db
        .selectFrom('customers')
        .selectAll()
        .where('code', '=', 'GDPR02')
        .executeTakeFirstOrThrow();
      assert.deepEqual([row.name, row.address1, row.city], ['Bernard Facturé', '1 place', 'Paris']);
      assert.notEqual(row.anonymised_at, null);
    });
  });
}
