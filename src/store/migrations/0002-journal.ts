/**
 * The fiscal journal (issue 4): the signed and chained records, the idempotency keys of validations,
 * each register's running state (closure accumulators, grand totals, 24-hour rule), and the held
 * tickets. `journal` and `journal_idempotency` are append-only: triggers refuse UPDATE and DELETE on
 * both engines (and TRUNCATE on PostgreSQL), so that not even a bug of the application can change a
 * validated record.
 */
import { type Kysely, type Migration, sql } from 'kysely';
import { sqlFamilyOf } from '../engine.ts';

/** The append-only tables, protected by triggers. */
export const FISCAL_TABLES = ['journal', 'journal_idempotency'] as const;

/** The French message the triggers raise (tests match on « inaltérable »). */
export const FORBIDDEN_WRITE_MESSAGE = 'journal fiscal inaltérable : modification et suppression interdites';

export const migration0002: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    const pg = sqlFamilyOf(db) === 'postgres';
    const money = pg ? ('bigint' as const) : ('integer' as const);
    const schema = db.schema;

    await schema
      .createTable('journal')
      .addColumn('register', 'text', (c) => c.notNull())
      .addColumn('chain', 'text', (c) => c.notNull())
      .addColumn('sequence', 'integer', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      /** UTC `YYYYMMDDHHMMSS`. */
      .addColumn('stamp_utc', 'text', (c) => c.notNull())
      /** Local offset `±HHMM`. */
      .addColumn('stamp_offset', 'text', (c) => c.notNull())
      .addColumn('format', 'text', (c) => c.notNull())
      .addColumn('software_version', 'text', (c) => c.notNull())
      .addColumn('key_id', 'text', (c) => c.notNull())
      /** The payload as canonical JSON (docs/fiscal-format.md § 2.1). */
      .addColumn('payload', 'text', (c) => c.notNull())
      .addColumn('previous_signature', 'text', (c) => c.notNull())
      /** The exact text that was signed, verbatim. */
      .addColumn('signed_text', 'text', (c) => c.notNull())
      .addColumn('signature', 'text', (c) => c.notNull())
      /** The record referred to (cancelled ticket, reprinted original), for lookups. */
      .addColumn('ref_chain', 'text')
      .addColumn('ref_sequence', 'integer')
      .addColumn('total_ttc', money)
      .addPrimaryKeyConstraint('journal_pk', ['register', 'chain', 'sequence'])
      .execute();
    await schema
      .createIndex('journal_ref')
      .on('journal')
      .columns(['register', 'ref_chain', 'ref_sequence'])
      .execute();

    await schema
      .createTable('journal_idempotency')
      .addColumn('register', 'text', (c) => c.notNull())
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('chain', 'text', (c) => c.notNull())
      .addColumn('sequence', 'integer', (c) => c.notNull())
      /** SHA-256 of the request, so that the same key with another ticket is refused. */
      .addColumn('request_sha256', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('journal_idempotency_pk', ['register', 'key'])
      .execute();

    await schema
      .createTable('journal_registers')
      .addColumn('register', 'text', (c) => c.primaryKey())
      .addColumn('currency', 'text', (c) => c.notNull())
      /** JSON of the closure accumulators (`ClosureState`), kept up to date at each record. */
      .addColumn('closure_state', 'text', (c) => c.notNull())
      /** ISO instants for the 24-hour rule. */
      .addColumn('first_sale_at', 'text')
      .addColumn('last_day_closure_at', 'text')
      /** Perpetual grand totals, real and absolute value, updated at each ticket. */
      .addColumn('perpetual_total', money, (c) => c.notNull().defaultTo(0))
      .addColumn('perpetual_total_abs', money, (c) => c.notNull().defaultTo(0))
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();

    await schema
      .createTable('held_tickets')
      .addColumn('id', 'integer', (c) =>
        pg ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey().autoIncrement(),
      )
      .addColumn('register', 'text', (c) => c.notNull())
      .addColumn('held_at', 'text', (c) => c.notNull())
      .addColumn('operator', 'text', (c) => c.notNull())
      .addColumn('label', 'text', (c) => c.notNull().defaultTo(''))
      /** JSON of the ticket state, for `resume`. */
      .addColumn('state', 'text', (c) => c.notNull())
      .execute();
    await schema.createIndex('held_tickets_register').on('held_tickets').column('register').execute();

    if (pg) {
      await sql
        .raw(
          `create function comptoir_refuse_fiscal_write() returns trigger language plpgsql as $$
           begin
             raise exception '${FORBIDDEN_WRITE_MESSAGE} (%)', TG_TABLE_NAME using errcode = 'P0001';
           end $$`,
        )
        .execute(db);
      for (const table of FISCAL_TABLES) {
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
      }
    } else {
      for (const table of FISCAL_TABLES) {
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
