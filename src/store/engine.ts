import { type Kysely, SqliteAdapter } from 'kysely';

/** The SQL family a Kysely instance speaks: PGlite speaks PostgreSQL. */
export type SqlFamily = 'sqlite' | 'postgres';

export function sqlFamilyOf(db: Kysely<unknown>): SqlFamily {
  return db.getExecutor().adapter instanceof SqliteAdapter ? 'sqlite' : 'postgres';
}
