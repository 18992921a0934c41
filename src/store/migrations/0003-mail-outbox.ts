/**
 * The e-mail outbox (issue 6): one row per message, written in the caller's transaction and sent by
 * the worker of `src/mail/`, plus the mail settings of each store (SMTP server and seed 000/003
 * settings). The outbox is not a fiscal record: the worker updates its status.
 */
import { type Kysely, type Migration, sql } from 'kysely';
import { sqlFamilyOf } from '../engine.ts';

export const migration0003: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    const pg = sqlFamilyOf(db) === 'postgres';
    const schema = db.schema;

    await schema
      .createTable('mail_outbox')
      .addColumn('id', 'integer', (c) =>
        pg ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey().autoIncrement(),
      )
      // Fixed when queued: a resend after a crash carries the same Message-ID.
      .addColumn('message_id', 'text', (c) => c.notNull().unique())
      .addColumn('store_id', 'integer', (c) => c.references('stores.id'))
      .addColumn('sender_name', 'text', (c) => c.notNull())
      .addColumn('sender_address', 'text', (c) => c.notNull())
      .addColumn('recipient', 'text', (c) => c.notNull())
      .addColumn('subject', 'text', (c) => c.notNull())
      .addColumn('text_body', 'text', (c) => c.notNull())
      .addColumn('html_body', 'text', (c) => c.notNull())
      .addColumn('attachment_name', 'text')
      .addColumn('attachment', pg ? sql`bytea` : sql`blob`)
      // ticket, gift, invoice, voucher, prepaid-card, service, demat-letter…
      .addColumn('document_type', 'text', (c) => c.notNull())
      // What the message is about: the sale or document number, or the customer code.
      .addColumn('reference', 'text', (c) => c.notNull().defaultTo(''))
      // queued, sending, sent, retrying, failed
      .addColumn('status', 'text', (c) => c.notNull().defaultTo('queued'))
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('next_attempt_at', 'text', (c) => c.notNull())
      .addColumn('give_up_at', 'text', (c) => c.notNull())
      .addColumn('claim_token', 'text')
      .addColumn('lease_until', 'text')
      .addColumn('last_code', 'integer')
      .addColumn('last_response', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('sent_at', 'text')
      .execute();
    await schema
      .createIndex('mail_outbox_due')
      .on('mail_outbox')
      .columns(['status', 'next_attempt_at'])
      .execute();
    await schema.createIndex('mail_outbox_reference').on('mail_outbox').columns(['reference']).execute();

    await schema
      .createTable('mail_settings')
      .addColumn('store_id', 'integer', (c) => c.primaryKey().references('stores.id'))
      .addColumn('smtp_host', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('smtp_port', 'integer', (c) => c.notNull().defaultTo(587))
      // tls (implicit, port 465), starttls (required), none (tests and local relays)
      .addColumn('smtp_security', 'text', (c) => c.notNull().defaultTo('starttls'))
      .addColumn('smtp_user', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('smtp_password', 'text', (c) => c.notNull().defaultTo(''))
      // JSON text, see `mailSettingsSchema` in src/mail/settings.ts.
      .addColumn('settings', 'text', (c) => c.notNull().defaultTo('{}'))
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
  },
};
