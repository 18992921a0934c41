import type { Kysely, Transaction } from 'kysely';

/**
 * Runs `fn` in a transaction, or inside the caller's when `db` already is one: a refused write rolls
 * back everything its outermost caller did.
 */
export function inTransaction<DB, T>(db: Kysely<DB>, fn: (trx: Transaction<DB>) => Promise<T>): Promise<T> {
  return db.isTransaction ? fn(db as Transaction<DB>) : db.transaction().execute(fn);
}
