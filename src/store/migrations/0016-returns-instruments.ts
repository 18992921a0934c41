/**
 * Returns and numbered instruments (issue 14). Four tables:
 * - `return_causes`: the store's list of return causes (a setting, seeded with `DEFAUT` « Article
 *   défectueux », `ERREUR` « Erreur de caisse », `AVIS` « Changement d'avis »);
 * - `instrument_kinds`: each kind's validity in days (a setting; null: no expiry);
 * - `instruments`: one row per numbered instrument issued (credit note, voucher, gift card, deposit),
 *   with the ticket that issued it; append-only;
 * - `instrument_ledger`: every issue, reload and redemption, append-only; the balance is their sum.
 *   The primary key (number, entry) makes two redemptions of the same state collide: exactly one wins;
 * - `ticket_returns`: which ticket each return ticket modifies (an index of the journal, append-only).
 */
import { type Kysely, type Migration, sql } from 'kysely';
import { sqlFamilyOf } from '../engine.ts';
import { FORBIDDEN_WRITE_MESSAGE } from './0002-journal.ts';

export const APPEND_ONLY_0016 = ['instruments', 'instrument_ledger', 'ticket_returns'] as const;

export const migration0016: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    const pg = sqlFamilyOf(db) === 'postgres';
    await db.schema
      .createTable('return_causes')
      .addColumn('code', 'text', (c) => c.primaryKey())
      .addColumn('label', 'text', (c) => c.notNull())
      .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
      .execute();
    await db
      .insertInto('return_causes' as never)
      .values([
        { code: 'DEFAUT', label: 'Article défectueux', active: 1 },
        { code: 'ERREUR', label: 'Erreur de caisse', active: 1 },
        { code: 'AVIS', label: "Changement d'avis", active: 1 },
      ] as never)
      .execute();
    await db.schema
      .createTable('instrument_kinds')
      .addColumn('kind', 'text', (c) => c.primaryKey())
      /** Days of validity from the issue; null: never expires. */
      .addColumn('validity_days', 'integer')
      .execute();
    await db
      .insertInto('instrument_kinds' as never)
      .values([
        { kind: 'credit-note', validity_days: 365 },
        { kind: 'voucher', validity_days: 365 },
        { kind: 'gift-card', validity_days: 730 },
        { kind: 'deposit', validity_days: null },
      ] as never)
      .execute();
    await db.schema
      .createTable('instruments')
      .addColumn('number', 'text', (c) => c.primaryKey())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('currency', 'text', (c) => c.notNull())
      /** ISO 8601 UTC instants. */
      .addColumn('issued_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text')
      /** The record that issued it: journal register, chain and sequence. */
      .addColumn('register', 'text', (c) => c.notNull())
      .addColumn('chain', 'text', (c) => c.notNull())
      .addColumn('sequence', 'integer', (c) => c.notNull())
      .addColumn('customer', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('instrument_ledger')
      .addColumn('number', 'text', (c) => c.notNull())
      /** 1 for the issue, then 2, 3…: gapless per instrument. */
      .addColumn('entry', 'integer', (c) => c.notNull())
      /** Minor units: positive for an issue or reload, negative for a redemption. */
      .addColumn('amount', pg ? 'bigint' : 'integer', (c) => c.notNull())
      .addColumn('register', 'text', (c) => c.notNull())
      .addColumn('chain', 'text', (c) => c.notNull())
      .addColumn('sequence', 'integer', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('operator', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('instrument_ledger_pk', ['number', 'entry'])
      .execute();
    await db.schema
      .createTable('ticket_returns')
      .addColumn('register', 'text', (c) => c.notNull())
      .addColumn('sequence', 'integer', (c) => c.notNull())
      .addColumn('original_sequence', 'integer', (c) => c.notNull())
      .addColumn('cause', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('ticket_returns_pk', ['register', 'sequence'])
      .execute();
    await db.schema
      .createIndex('ticket_returns_by_original')
      .on('ticket_returns')
      .columns(['register', 'original_sequence'])
      .execute();
    for (const table of APPEND_ONLY_0016) {
      if (pg) {
        await sql
          .raw(
            `create trigger ${table}_append_only before update or delete on ${table}
             for each row execute function comptoir_refuse_fiscal_write()`,
          )
          .execute(db);
        await sql
          .raw(
            `create trigger ${table}_no_truncate before truncate on ${table}
             for each statement execute function comptoir_refuse_fiscal_write()`,
          )
          .execute(db);
      } else {
        for (const op of ['update', 'delete']) {
          await sql
            .raw(
              `create trigger ${table}_no_${op} before ${op} on ${table}
               begin select raise(abort, '${FORBIDDEN_WRITE_MESSAGE} (${table})'); end`,
            )
            .execute(db);
        }
      }
    }
  },
};
