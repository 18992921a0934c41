import { type Kysely, sql, type Transaction } from 'kysely';
import { sqlFamilyOf } from './engine.ts';

/**
 * Runs `fn` in a transaction, or inside the caller's when `db` already is one: a refused write rolls
 * back everything its outermost caller did.
 */
export function inTransaction<DB, T>(db: Kysely<DB>, fn: (trx: Transaction<DB>) => Promise<T>): Promise<T> {
  return db.isTransaction ? fn(db as Transaction<DB>) : db.transaction().execute(fn);
}

/**
 * A transaction for data that is not fiscal and may lose its last seconds on a power cut (the tickets
 * being entered, sessions): on SQLite its commit does not wait for the disk (`synchronous = NORMAL` for
 * that transaction only; WAL mode keeps the file consistent, and the next fiscal commit, still
 * `FULL`, makes it durable too). Each fsync of a commit blocks the whole server for about a
 * millisecond (better-sqlite3 is synchronous), and a register's every keystroke is one. The connection
 * is held for the whole callback, so no fiscal write can run while the setting is relaxed. On
 * PostgreSQL it is `synchronous_commit = off` for the transaction, with the same guarantees.
 */
export async function inNonFiscalTransaction<DB, T>(
  db: Kysely<DB>,
  fn: (trx: Transaction<DB>) => Promise<T>,
): Promise<T> {
  if (db.isTransaction) return fn(db as Transaction<DB>);
  if (sqlFamilyOf(db as Kysely<unknown>) === 'postgres') {
    return db.transaction().execute(async (trx) => {
      await sql`set local synchronous_commit = off`.execute(trx);
      return fn(trx);
    });
  }
  return db.connection().execute(async (conn) => {
    await sql`pragma synchronous = NORMAL`.execute(conn);
    try {
      return await conn.transaction().execute(fn);
    } finally {
      await sql`pragma synchronous = FULL`.execute(conn);
    }
  });
}
