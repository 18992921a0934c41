/**
 * The originals handed over (issue 11 item 6, checklist items 23-24): one row per document of a sale
 * whose original was issued — printed, e-mailed or rendered by `comptoir receipt` — so that every
 * later copy is a journaled duplicate. Not a fiscal record (the sale is, and its copies are the
 * DUPLICATE chain): a fact about delivery, keyed by the document so that the primary key makes the
 * claim atomic across processes. Append-only like the journal: the same triggers refuse UPDATE and
 * DELETE (and TRUNCATE on PostgreSQL), so that no path of the application can issue an original twice.
 */
import { type Kysely, type Migration, sql } from 'kysely';
import { sqlFamilyOf } from '../engine.ts';
import { FORBIDDEN_WRITE_MESSAGE } from './0002-journal.ts';

export const migration0009: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    const pg = sqlFamilyOf(db) === 'postgres';
    await db.schema
      .createTable('issued_originals')
      /** The journal's register name (its number as text), chain and sequence of the sale. */
      .addColumn('register', 'text', (c) => c.notNull())
      .addColumn('chain', 'text', (c) => c.notNull())
      .addColumn('sequence', 'integer', (c) => c.notNull())
      /** `ticket`, or the document of the sale (`gift`, `invoice`, `credit-note`, `deposit`…). */
      .addColumn('document', 'text', (c) => c.notNull())
      /** Which of the sale's vouchers of that kind (1 for the first or only one). */
      .addColumn('doc_index', 'integer', (c) => c.notNull())
      /** ISO 8601 UTC instant. */
      .addColumn('issued_at', 'text', (c) => c.notNull())
      /** `print`, `email`, `text`, `escpos` or `pdf`. */
      .addColumn('channel', 'text', (c) => c.notNull())
      /** The user who issued it; empty when no user was named (a command run without `--operator`). */
      .addColumn('operator', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('issued_originals_pk', [
        'register',
        'chain',
        'sequence',
        'document',
        'doc_index',
      ])
      .execute();
    if (pg) {
      // comptoir_refuse_fiscal_write() is the journal's (migration 0002).
      await sql
        .raw(
          `create trigger issued_originals_append_only before update or delete on issued_originals
           for each row execute function comptoir_refuse_fiscal_write()`,
        )
        .execute(db);
      await sql
        .raw(
          `create trigger issued_originals_no_truncate before truncate on issued_originals
           for each statement execute function comptoir_refuse_fiscal_write()`,
        )
        .execute(db);
    } else {
      for (const op of ['update', 'delete']) {
        await sql
          .raw(
            `create trigger issued_originals_no_${op} before ${op} on issued_originals
             begin select raise(abort, '${FORBIDDEN_WRITE_MESSAGE} (issued_originals)'); end`,
          )
          .execute(db);
      }
    }
  },
};
