/**
 * The technical event of a CSV import (JET 1050 « IMPORT ») on every register, with what the import
 * changed in the values that make fiscal amounts (checklist item 46; the detail is in `price_history`).
 * Shared by `comptoir import` and the server's `POST /api/import/:kind`.
 */
import { basename } from 'node:path';
import type { Kysely } from 'kysely';
import { type CsvKind, type ImportOptions, type ImportReport, importCsv } from './csv.ts';
import type { JournalContext } from './journal/core.ts';
import { appendJet } from './journal/operations.ts';
import type { Database } from './schema.ts';

type Db = Kysely<Database>;

/** The number of rows of `price_history`: read before and after an import to count its changes. */
async function countPriceChanges(db: Db): Promise<number> {
  const row = await db
    .selectFrom('price_history')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The event's text: what was imported, from which file, and how many value changes. */
function importSummary(kind: CsvKind, file: string, report: ImportReport, changes: number): string {
  return `Import CSV ${kind === 'articles' ? 'd’articles' : 'de clients'} (${basename(file)}) : ${report.imported} ligne(s) importée(s) sur ${report.records}, ${changes} changement(s) de prix, de TVA ou d’éco-participation`;
}

export interface JournalFailure {
  readonly register: number;
  readonly error: Error;
}

/**
 * Journals `summary` as a JET IMPORT on every register of the store. A register whose journal refuses
 * does not stop the others: its failure is returned, for the caller to say.
 */
async function journalImport(
  db: Db,
  ctx: JournalContext,
  summary: string,
  operator: string,
): Promise<JournalFailure[]> {
  const registers = await db.selectFrom('registers').select('number').orderBy('number').execute();
  const failures: JournalFailure[] = [];
  for (const { number } of registers) {
    try {
      await appendJet(db, ctx, number, 'IMPORT', summary, operator);
    } catch (error) {
      failures.push({ register: number, error: error instanceof Error ? error : new Error(String(error)) });
    }
  }
  return failures;
}

/**
 * A CSV import as the CLI and the server run it: `importCsv`, then the JET IMPORT on every register
 * naming the file (`name`, as the user knows it) and the number of value changes it made.
 */
export async function importAndJournal(
  db: Db,
  ctx: JournalContext,
  input: {
    readonly kind: CsvKind;
    readonly file: string;
    readonly name: string;
    readonly operator: string;
    readonly options: ImportOptions;
  },
): Promise<{ readonly report: ImportReport; readonly failures: readonly JournalFailure[] }> {
  const before = await countPriceChanges(db);
  const report = await importCsv(db, input.kind, input.file, input.options);
  const changes = (await countPriceChanges(db)) - before;
  const failures = await journalImport(
    db,
    ctx,
    importSummary(input.kind, input.name, report, changes),
    input.operator,
  );
  return { report, failures };
}
