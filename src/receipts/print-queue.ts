/**
 * The print queue of each register's printer (issue 15, migration 0017): a document to print is a
 * job written first, then sent. A printer that is off or out of paper leaves its job waiting (and
 * the jobs after it, so that paper comes out in order); a retry sends it again. A job prints once:
 * a sender claims it (`waiting` → `sending`) in one conditional update before writing a byte, so two
 * senders never both print it; a job whose sending was cut off is never sent again by itself.
 * Edges: the database and the printer's socket or device.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';
import { type PrinterTarget, parsePrinterTarget, printerTargetText } from './printer-target.ts';
import { PrinterError, sendToTcpPrinter, writeToDevice } from './printer-transport.ts';

type Db = Kysely<Database>;

export interface PrintJobInput {
  /** What it is, in French (« Ticket n° 1-12 »). */
  readonly label: string;
  readonly bytes: Uint8Array;
}

export interface PrintJob {
  readonly id: number;
  readonly register: number;
  readonly target: string;
  readonly label: string;
  readonly status: 'waiting' | 'sending' | 'printed' | 'cancelled';
  readonly attempts: number;
  readonly lastError: string | null;
  readonly createdAt: string;
  readonly printedAt: string | null;
}

/** Sends bytes to a printer; the real one by default, a stand-in in tests. */
export type PrinterSend = (target: PrinterTarget, bytes: Uint8Array) => Promise<void>;

export const sendToPrinter: PrinterSend = async (target, bytes) => {
  switch (target.kind) {
    case 'tcp':
      return sendToTcpPrinter({ host: target.host, port: target.port, timeoutMs: 3000 }, bytes);
    case 'file':
      return writeToDevice(target.path, bytes);
    default:
      throw new PrinterError('Cette imprimante s’imprime depuis le navigateur de la caisse');
  }
};

/** Queues documents for `target` (a `tcp://` or `file:` printer), in order; their ids. */
export async function enqueuePrintJobs(
  db: Db,
  register: number,
  target: PrinterTarget,
  jobs: readonly PrintJobInput[],
  now: Date,
): Promise<number[]> {
  if (target.kind !== 'tcp' && target.kind !== 'file') {
    throw new PrinterError(
      'Seule une imprimante réseau (tcp://) ou un fichier (file:) a une file d’impression',
    );
  }
  const ids: number[] = [];
  for (const job of jobs) {
    const row = await db
      .insertInto('print_jobs')
      .values({
        register_number: register,
        target: printerTargetText(target),
        label: job.label,
        bytes: Buffer.from(job.bytes).toString('base64'),
        status: 'waiting',
        created_at: now.toISOString(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    ids.push(Number(row.id));
  }
  return ids;
}

export interface DrainResult {
  /** The ids printed by this pass, in order. */
  readonly printed: readonly number[];
  /** The printer's error when a job had to wait (null when the queue is empty). */
  readonly error: string | null;
}

const draining = new Map<number, Promise<DrainResult>>();

/**
 * Sends the register's waiting jobs in order until one fails (it waits, with its error). Passes for
 * one register are chained in this process, so that the paper comes out in order.
 */
export function drainPrintQueue(
  db: Db,
  register: number,
  options: { readonly now: () => Date; readonly send?: PrinterSend },
): Promise<DrainResult> {
  const previous = draining.get(register) ?? Promise.resolve({ printed: [], error: null });
  const next = previous.then(
    () => drainOnce(db, register, options),
    () => drainOnce(db, register, options),
  );
  draining.set(register, next);
  void next.finally(() => {
    if (draining.get(register) === next) draining.delete(register);
  });
  return next;
}

async function drainOnce(
  db: Db,
  register: number,
  options: { readonly now: () => Date; readonly send?: PrinterSend },
): Promise<DrainResult> {
  const send = options.send ?? sendToPrinter;
  const printed: number[] = [];
  for (;;) {
    const first = await db
      .selectFrom('print_jobs')
      .select(['id', 'target', 'bytes'])
      .where('register_number', '=', register)
      .where('status', '=', 'waiting')
      .orderBy('id')
      .limit(1)
      .executeTakeFirst();
    if (first === undefined) return { printed, error: null };
    const claimed = await db
      .updateTable('print_jobs')
      .set((eb) => ({ status: 'sending', attempts: eb('attempts', '+', 1) }))
      .where('id', '=', first.id)
      .where('status', '=', 'waiting')
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) !== 1) continue;
    try {
      await send(parsePrinterTarget(first.target), Buffer.from(first.bytes, 'base64'));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      await db
        .updateTable('print_jobs')
        .set({ status: 'waiting', last_error: message })
        .where('id', '=', first.id)
        .execute();
      return { printed, error: message };
    }
    await db
      .updateTable('print_jobs')
      .set({ status: 'printed', printed_at: options.now().toISOString(), last_error: null })
      .where('id', '=', first.id)
      .execute();
    printed.push(Number(first.id));
  }
}

function jobOf(row: {
  id: number;
  register_number: number;
  target: string;
  label: string;
  status: string;
  attempts: number;
  last_error: string | null;
  created_at: string;
  printed_at: string | null;
}): PrintJob {
  return {
    id: Number(row.id),
    register: Number(row.register_number),
    target: row.target,
    label: row.label,
    status: row.status as PrintJob['status'],
    attempts: Number(row.attempts),
    lastError: row.last_error,
    createdAt: row.created_at,
    printedAt: row.printed_at,
  };
}

const JOB_COLUMNS = [
  'id',
  'register_number',
  'target',
  'label',
  'status',
  'attempts',
  'last_error',
  'created_at',
  'printed_at',
] as const;

/** The register's jobs not printed yet (waiting, or cut off while sending), oldest first. */
export async function pendingPrintJobs(db: Db, register: number): Promise<PrintJob[]> {
  const rows = await db
    .selectFrom('print_jobs')
    .select(JOB_COLUMNS)
    .where('register_number', '=', register)
    .where('status', 'in', ['waiting', 'sending'])
    .orderBy('id')
    .execute();
  return rows.map(jobOf);
}

/** One job by id, or undefined. */
export async function printJob(db: Db, id: number): Promise<PrintJob | undefined> {
  const row = await db.selectFrom('print_jobs').select(JOB_COLUMNS).where('id', '=', id).executeTakeFirst();
  return row === undefined ? undefined : jobOf(row);
}

/** « Une autre imprimante »: the register's waiting jobs go to `target` instead. */
export async function moveWaitingJobs(db: Db, register: number, target: PrinterTarget): Promise<number> {
  if (target.kind !== 'tcp' && target.kind !== 'file') {
    throw new PrinterError(
      'Seule une imprimante réseau (tcp://) ou un fichier (file:) reçoit une file d’impression',
    );
  }
  const result = await db
    .updateTable('print_jobs')
    .set({ target: printerTargetText(target) })
    .where('register_number', '=', register)
    .where('status', '=', 'waiting')
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** A waiting job given up (the customer took the PDF or the e-mail instead): never printed. */
export async function cancelPrintJob(db: Db, register: number, id: number): Promise<boolean> {
  const result = await db
    .updateTable('print_jobs')
    .set({ status: 'cancelled' })
    .where('id', '=', id)
    .where('register_number', '=', register)
    .where('status', '=', 'waiting')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
