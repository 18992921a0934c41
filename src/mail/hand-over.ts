/**
 * Handing a validated sale's documents over (issue 11 item 6, issue 15): each document the customer
 * takes issues its original once (`dispatchSale`), every other copy is a DUPLICATE record — the
 * « Ticket + Ticket » option, the paper ticket of `both`, and the extra copies the register's
 * « Copies » setting asks for. What goes on paper is sent to the register's printer (its print queue),
 * with the drawer pulse when the sale was paid with a mode that opens the drawer. Used by the server
 * (the register's receipt choice) and by `comptoir sell` (a scenario's `receipt`).
 */
import type { ReceiptDocument } from '../receipts/document.ts';
import { documentFromRecord } from '../receipts/from-journal.ts';
import { documentSourceOf, loadRecord } from '../receipts/journal-source.ts';
import type { PrinterSend } from '../receipts/print-queue.ts';
import { opensDrawer, type PrintOutcome, printOnRegister } from '../receipts/print-sale.ts';
import { type JournalContext, recordDuplicate } from '../store/journal/index.ts';
import { readRegisterSettings } from '../store/setup.ts';
import { type ReceiptOutcome, resolveReceiptChoice } from './choice.ts';
import type { TicketOption } from './dispatch.ts';
import { journalSaleSource } from './journal-sale-source.ts';
import type { Db } from './outbox.ts';
import { dispatchSale } from './sale-mail.ts';

/** The reasons journaled with the copies a receipt choice prints besides the originals. */
export const OPTION_COPY_REASON = 'Option Ticket + Ticket';
export const PAPER_COPY_REASON = 'Ticket papier, original envoyé par e-mail';
export const SETTING_COPY_REASON = 'Exemplaire supplémentaire (réglage « Copies »)';

export type HandOverChoice = 'print' | 'email' | 'both' | 'none';

export interface HandOverRequest {
  readonly sale: { readonly register: number; readonly number: number };
  readonly choice: HandOverChoice;
  readonly option?: TicketOption;
  readonly email: string | null;
  readonly now: Date;
  readonly operator: string;
}

export interface HandOverResult {
  readonly printed: boolean;
  readonly queued: string | null;
  readonly duplicates?: readonly number[];
  /** What the register's printer did (absent when nothing went to paper and the drawer stays shut). */
  readonly print?: PrintOutcome;
}

export interface HandOverOptions {
  readonly journal: JournalContext;
  readonly software: { readonly name: string; readonly version: string };
  /** Sends bytes to a printer (tests); the real transports by default. */
  readonly send?: PrinterSend;
}

export async function handOver(
  db: Db,
  options: HandOverOptions,
  request: HandOverRequest,
): Promise<HandOverResult> {
  const { journal, software } = options;
  const emailed = request.choice === 'email' || request.choice === 'both';
  const outcome: ReceiptOutcome = emailed
    ? resolveReceiptChoice('email', request.email ?? '')
    : resolveReceiptChoice(request.choice === 'print' ? 'print' : 'none', '');
  const source = journalSaleSource(db, { dataDir: journal.dataDir, software, now: journal.now });
  const { register, number } = request.sale;
  const dispatched = await dispatchSale(db, source, {
    ticket: `${register}-${number}`,
    outcome,
    option: request.option ?? 'ticket',
    now: request.now,
    operator: request.operator,
  });
  const paper: ReceiptDocument[] = dispatched.print.flatMap((p) =>
    'document' in p && p.role !== 'ticket-duplicate' ? [p.document] : [],
  );
  const reasons = dispatched.print.flatMap((p) =>
    p.role === 'ticket-duplicate' ? [OPTION_COPY_REASON] : [],
  );
  if (request.choice === 'both' && outcome.action === 'email') reasons.push(PAPER_COPY_REASON);
  const ticketOnPaper =
    reasons.includes(PAPER_COPY_REASON) || dispatched.print.some((p) => p.role === 'ticket');
  const settingsRow = await db
    .selectFrom('registers')
    .select('settings')
    .where('number', '=', register)
    .executeTakeFirst();
  const copies = settingsRow === undefined ? 1 : readRegisterSettings(settingsRow.settings).receipt.copies;
  if (ticketOnPaper) for (let c = 1; c < copies; c += 1) reasons.push(SETTING_COPY_REASON);
  const original = await loadRecord(db, register, { chain: 'TICKET', sequence: number });
  const duplicates: number[] = [];
  for (const reason of reasons) {
    const copy = await recordDuplicate(db, journal, {
      register,
      original: { sequence: number },
      reason,
      operator: request.operator,
    });
    duplicates.push(copy.sequence);
    paper.push(
      documentFromRecord(await documentSourceOf(db, register, [copy, original], 'ticket', software)),
    );
  }
  const drawer = await opensDrawer(db, original);
  const print =
    paper.length === 0 && !drawer
      ? undefined
      : await printOnRegister(db, register, paper, {
          openDrawer: drawer,
          now: journal.now,
          ...(options.send === undefined ? {} : { send: options.send }),
        });
  const first = dispatched.queued[0];
  return {
    printed: request.choice === 'print' || request.choice === 'both' || outcome.action === 'print',
    queued: first === undefined ? null : String(first.id),
    ...(duplicates.length === 0 ? {} : { duplicates }),
    ...(print === undefined ? {} : { print }),
  };
}
