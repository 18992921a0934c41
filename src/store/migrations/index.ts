/**
 * The store's migrations, in order. Each later capability appends its own entries at the end (never
 * reorders or edits a published one): the name is what the migration table records.
 */
import type { Migration, MigrationProvider } from 'kysely';
import { migration0001 } from './0001-reference-data.ts';
import { migration0002 } from './0002-journal.ts';
import { migration0003 } from './0003-mail-outbox.ts';
import { migration0004 } from './0004-server.ts';
import { migration0005 } from './0005-article-issues.ts';
import { migration0006 } from './0006-price-history.ts';
import { migration0009 } from './0009-issued-originals.ts';
import { migration0010 } from './0010-register-shortcuts.ts';
import { migration0015 } from './0015-till-days.ts';
import { migration0016 } from './0016-returns-instruments.ts';
import { migration0017 } from './0017-hardware.ts';
import { migration0018 } from './0018-stock-movements.ts';
import { migration0019 } from './0019-customer-anonymised.ts';

export const MIGRATIONS: readonly (readonly [name: string, migration: Migration])[] = [
  ['0001-reference-data', migration0001],
  ['0002-journal', migration0002],
  ['0003-mail-outbox', migration0003],
  ['0004-server', migration0004],
  ['0005-article-issues', migration0005],
  ['0006-price-history', migration0006],
  ['0009-issued-originals', migration0009],
  ['0010-register-shortcuts', migration0010],
  ['0015-till-days', migration0015],
  ['0016-returns-instruments', migration0016],
  ['0017-hardware', migration0017],
  ['0018-stock-movements', migration0018],
  ['0019-customer-anonymised', migration0019],
];

/** Kysely's provider over the in-code list (no directory scanning, works from any bundle). */
export const migrationProvider: MigrationProvider = {
  async getMigrations(): Promise<Record<string, Migration>> {
    return Object.fromEntries(MIGRATIONS);
  },
};
