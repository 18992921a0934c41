/**
 * The counter's hardware (issue 15): the print queue of each register's printer, and the card
 * payments asked of the Caisse-AP terminal. Neither is a fiscal record (the sale is; every attempt and
 * answer is also a JET event); a print job changes state as it is sent, a card payment as it is answered.
 */
import type { ColumnDefinitionBuilder, Kysely, Migration } from 'kysely';
import { sqlFamilyOf } from '../engine.ts';

export const migration0017: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    const pg = sqlFamilyOf(db) === 'postgres';
    const id = (c: ColumnDefinitionBuilder) =>
      pg ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey().autoIncrement();
    await db.schema
      .createTable('print_jobs')
      .addColumn('id', 'integer', id)
      .addColumn('register_number', 'integer', (c) => c.notNull())
      /** The printer as set when queued: `tcp://HOST:PORT` or `file:PATH`. */
      .addColumn('target', 'text', (c) => c.notNull())
      /** What the job is, in French (« Ticket n° 12 », « Page de test »). */
      .addColumn('label', 'text', (c) => c.notNull())
      /** The ESC/POS bytes, base64. */
      .addColumn('bytes', 'text', (c) => c.notNull())
      /** `waiting`, `sending` (claimed by one sender), `printed`, `cancelled`. */
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('last_error', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('printed_at', 'text')
      .execute();
    await db.schema
      .createIndex('print_jobs_waiting')
      .on('print_jobs')
      .columns(['register_number', 'status', 'id'])
      .execute();
    await db.schema
      .createTable('card_payments')
      .addColumn('id', 'integer', id)
      .addColumn('register_number', 'integer', (c) => c.notNull())
      /** The attempt's identifier (CJ echo is the protocol's; this one is ours, a UUID). */
      .addColumn('attempt', 'text', (c) => c.notNull().unique())
      /** The register's ticket (server ticket id) the payment is for. */
      .addColumn('ticket', 'text', (c) => c.notNull())
      /** `0` payment, `1` refund (Caisse-AP `CD`). */
      .addColumn('direction', 'text', (c) => c.notNull())
      .addColumn('amount_asked', 'integer', (c) => c.notNull())
      /** The answered `CB` (can be lower than asked), 0 when not done. */
      .addColumn('amount_paid', 'integer', (c) => c.notNull())
      /**
       * `pending` (sent, waiting), `done`, `refused`, `failed` (the terminal never got it), `unknown`
       * (no answer after it was sent), then `confirmed` or `denied` by a manager.
       */
      .addColumn('outcome', 'text', (c) => c.notNull())
      /** `AF` when not done. */
      .addColumn('reason', 'text')
      /** `CC`, `AC` (authorisation number), `AA` (masked card number): nothing else is kept. */
      .addColumn('application', 'text')
      .addColumn('authorisation', 'text')
      .addColumn('masked_pan', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
  },
};
