/** Opens the central's PostgreSQL database (`DATABASE_URL`) and brings its schema up to date. */
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { migrateCentral } from './migrations.ts';
import type { CentralDatabase } from './schema.ts';

export type CentralDb = Kysely<CentralDatabase>;

export async function openCentralDatabase(url: string): Promise<CentralDb> {
  if (!/^postgres(ql)?:\/\//.test(url)) {
    throw new Error(
      `La centrale fonctionne sur PostgreSQL : DATABASE_URL doit commencer par postgres:// (reçu : ${url === '' ? 'rien' : url})`,
    );
  }
  const db = new Kysely<CentralDatabase>({
    dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 10 }) }),
  });
  try {
    await migrateCentral(db as unknown as Kysely<unknown>);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return db;
}
