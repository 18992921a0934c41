/**
 * Printing on a register's printer (issue 15): the documents a sale hands over on paper are rendered
 * to ESC/POS for the register's printer (its paper width from the settings), queued (`print-queue.ts`)
 * and sent; a sale paid with a mode that opens the drawer adds the pulse to the first job. A register
 * printing from its browser, or without a printer, queues nothing: the register prints the page.
 */
import type { Kysely } from 'kysely';
import type { JournalRecord } from '../fiscal/record.ts';
import type { Database } from '../store/schema.ts';
import { readRegisterSettings } from '../store/setup.ts';
import { documentTitle, type ReceiptDocument } from './document.ts';
import { drawerPulseEscPos, renderEscPos } from './escpos.ts';
import { type DrainResult, drainPrintQueue, enqueuePrintJobs, type PrinterSend } from './print-queue.ts';
import { type PrinterTarget, parsePrinterTarget } from './printer-target.ts';

type Db = Kysely<Database>;

export interface RegisterPrinter {
  readonly target: PrinterTarget;
  readonly columns: 48 | 32;
}

/** The register's printer as its settings say. */
export async function registerPrinterOf(db: Db, register: number): Promise<RegisterPrinter> {
  const row = await db
    .selectFrom('registers')
    .select('settings')
    .where('number', '=', register)
    .executeTakeFirst();
  if (row === undefined) return { target: { kind: 'none' }, columns: 48 };
  const settings = readRegisterSettings(row.settings);
  return { target: parsePrinterTarget(settings.printer.target), columns: settings.printer.columns };
}

/** Whether a sale record was paid (in part) with a mode that opens the drawer (cash, by default). */
export async function opensDrawer(db: Db, record: JournalRecord): Promise<boolean> {
  if (!('payments' in record.payload)) return false;
  const modes = (record.payload.payments as readonly { mode: string }[]).map((p) => p.mode);
  if (modes.length === 0) return false;
  const row = await db
    .selectFrom('payment_modes')
    .select('code')
    .where('code', 'in', modes)
    .where('opens_drawer', '=', 1)
    .executeTakeFirst();
  return row !== undefined;
}

export interface PrintOutcome {
  /** `queue`: sent to the register's network or device printer; `browser`: the register prints the page; `none`. */
  readonly printer: 'queue' | 'browser' | 'none';
  readonly jobs: readonly number[];
  /** The printer's error when the jobs wait (null when all printed). */
  readonly error: string | null;
}

function labelOf(doc: ReceiptDocument): string {
  const title = documentTitle(doc);
  return 'number' in doc ? `${title} n° ${String(doc.number)}` : title;
}

/**
 * Queues `documents` for the register's printer (with the drawer pulse when `openDrawer`), then sends
 * the queue; a printer that does not answer leaves the jobs waiting and says why.
 */
export async function printOnRegister(
  db: Db,
  register: number,
  documents: readonly ReceiptDocument[],
  options: { readonly openDrawer: boolean; readonly now: () => Date; readonly send?: PrinterSend },
): Promise<PrintOutcome> {
  const printer = await registerPrinterOf(db, register);
  if (printer.target.kind === 'none' || printer.target.kind === 'browser') {
    return { printer: printer.target.kind, jobs: [], error: null };
  }
  const jobs = documents.map((doc, i) => ({
    label: labelOf(doc),
    bytes: renderEscPos(doc, { columns: printer.columns, openDrawer: options.openDrawer && i === 0 }),
  }));
  if (jobs.length === 0 && options.openDrawer)
    jobs.push({ label: 'Ouverture du tiroir', bytes: drawerPulseEscPos() });
  if (jobs.length === 0) return { printer: 'queue', jobs: [], error: null };
  const ids = await enqueuePrintJobs(db, register, printer.target, jobs, options.now());
  const drained: DrainResult = await drainPrintQueue(db, register, {
    now: options.now,
    ...(options.send === undefined ? {} : { send: options.send }),
  });
  return { printer: 'queue', jobs: ids, error: drained.error };
}
