/**
 * What every command that touches the store shares: where the data lives (`--data DIR`, else
 * `COMPTOIR_DATA`, else `./data`) and opening the database there for the length of one command.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Kysely } from 'kysely';
import { StoreError } from '../store/errors.ts';
import { witnessesFromEnv } from '../store/journal/anchors.ts';
import type { JournalContext } from '../store/journal/core.ts';
import type { DatabaseConfig } from '../store/open-database.ts';
import type { Database } from '../store/schema.ts';
import { VERSION } from './version.ts';

export const DATA_OPTION = [
  '--data <dir>',
  'dossier des données (défaut : $COMPTOIR_DATA, sinon ./data)',
] as const;

/** The data directory, absolute: the option, else `COMPTOIR_DATA`, else `./data`. */
export function dataDirOf(
  option: string | undefined,
  env: Readonly<Record<string, string | undefined>> = process.env,
): string {
  const chosen = option ?? env.COMPTOIR_DATA;
  return resolve(chosen === undefined || chosen === '' ? 'data' : chosen);
}

export interface WithStoreOptions {
  /**
   * Refuse (`NOT_INITIALISED`) rather than create a SQLite file that is not there yet: for the
   * commands that only read or add to an existing store.
   */
  readonly mustExist?: boolean;
}

/**
 * Opens the store database in `dataDir` (migrated), runs `fn`, and always closes it. The database
 * drivers (better-sqlite3, pg, kysely) are loaded here, not when the CLI starts.
 */
export async function withStore<T>(
  dataDir: string,
  fn: (db: Kysely<Database>, config: DatabaseConfig) => Promise<T>,
  options: WithStoreOptions = {},
): Promise<T> {
  const { openDatabase, resolveDatabaseConfig } = await import('../store/open-database.ts');
  const { config, notice } = await resolveDatabaseConfig(dataDir, process.env);
  if (notice !== undefined) process.stderr.write(`${notice}\n`);
  if (options.mustExist === true && config.engine === 'sqlite' && !existsSync(config.file)) {
    throw new StoreError(
      'NOT_INITIALISED',
      `Aucune base dans ${dataDir} : lancez d'abord « comptoir init » (ou indiquez --data DOSSIER)`,
    );
  }
  const db = await openDatabase(config);
  try {
    return await fn(db, config);
  } finally {
    await db.destroy();
  }
}

/**
 * The commands' clock. The system clock, except in the test suite: when `NODE_ENV` is `test`,
 * `COMPTOIR_TEST_CLOCK` (an ISO instant) fixes it, so that tests assert dates without reading the
 * wall clock. Outside tests the variable is ignored (a shop cannot stamp its records with it).
 */
export function commandClock(env: Readonly<Record<string, string | undefined>> = process.env): () => Date {
  const fixed = env.NODE_ENV === 'test' ? env.COMPTOIR_TEST_CLOCK : undefined;
  if (fixed === undefined || fixed === '') return () => new Date();
  const instant = new Date(fixed);
  if (Number.isNaN(instant.getTime())) {
    throw new StoreError('INVALID_INPUT', `COMPTOIR_TEST_CLOCK n’est pas une date ISO : ${fixed}`);
  }
  return () => new Date(instant);
}

/** The journal context of a command: keys and heads in `dataDir`, the clock, this version. */
export function commandJournalContext(dataDir: string): JournalContext {
  return {
    dataDir,
    now: commandClock(),
    softwareVersion: VERSION,
    timeZone: process.env.COMPTOIR_TIME_ZONE ?? 'Europe/Paris',
    witnesses: witnessesFromEnv(process.env, dataDir),
  };
}
