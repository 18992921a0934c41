/**
 * The receipt delivery of the real server: paper is printed by the register, e-mail goes through the
 * durable outbox (the sale's documents rebuilt from the fiscal journal, seed 000's table), and the
 * outbox worker runs inside the server until it stops. Either way each document handed over issues
 * its original once, and a second copy printed with it is a journaled duplicate (issue 11 item 6).
 */

import { type ReceiptOutcome, resolveReceiptChoice } from '../mail/choice.ts';
import { MailError } from '../mail/errors.ts';
import { journalSaleSource } from '../mail/journal-sale-source.ts';
import { dispatchSale } from '../mail/sale-mail.ts';
import { runWorker, storeTransports } from '../mail/worker.ts';
import { type JournalContext, recordDuplicate } from '../store/journal/index.ts';
import { ApiError } from './errors.ts';
import type { Db, ReceiptOutcome as DeliveryOutcome, ReceiptDelivery, ReceiptRequest } from './ports.ts';

/** The reasons journaled with the copies a receipt choice prints besides the originals. */
export const OPTION_COPY_REASON = 'Option Ticket + Ticket';
export const PAPER_COPY_REASON = 'Ticket papier, original envoyé par e-mail';

/**
 * Hands a validated sale's documents over (`print`, `email`, `both`, `none`; `email` and `both` only
 * when `queue` is true): the originals are issued in the transaction that queues the e-mails, then the
 * printed copies (« Ticket + Ticket », the paper ticket of `both`) are journaled as duplicates by the
 * register's user.
 */
export async function handOverSale(
  database: Db,
  journal: JournalContext,
  software: { readonly name: string; readonly version: string },
  request: ReceiptRequest,
  queue: boolean,
): Promise<DeliveryOutcome> {
  const emailed = request.choice === 'email' || request.choice === 'both';
  if (emailed && !queue) {
    throw new ApiError(503, 'MAIL_UNAVAILABLE', 'Envoi par e-mail indisponible sur ce serveur');
  }
  try {
    const outcome: ReceiptOutcome = emailed
      ? resolveReceiptChoice('email', request.email ?? '')
      : resolveReceiptChoice(request.choice === 'print' ? 'print' : 'none', '');
    const source = journalSaleSource(database, { dataDir: journal.dataDir, software, now: journal.now });
    const dispatched = await dispatchSale(database, source, {
      ticket: `${request.sale.register}-${request.sale.number}`,
      outcome,
      option: request.option ?? 'ticket',
      now: request.now,
      operator: request.operator,
    });
    const reasons = dispatched.print.flatMap((p) =>
      p.role === 'ticket-duplicate' ? [OPTION_COPY_REASON] : [],
    );
    if (request.choice === 'both' && outcome.action === 'email') reasons.push(PAPER_COPY_REASON);
    const duplicates: number[] = [];
    for (const reason of reasons) {
      const copy = await recordDuplicate(database, journal, {
        register: request.sale.register,
        original: { sequence: request.sale.number },
        reason,
        operator: request.operator,
      });
      duplicates.push(copy.sequence);
    }
    const first = dispatched.queued[0];
    return {
      printed: request.choice === 'print' || request.choice === 'both' || outcome.action === 'print',
      queued: first === undefined ? null : String(first.id),
      ...(duplicates.length === 0 ? {} : { duplicates }),
    };
  } catch (error) {
    if (error instanceof MailError) throw new ApiError(422, error.code, error.message, error.field);
    throw error;
  }
}

export interface MailReceiptOptions {
  readonly journal: JournalContext;
  readonly software: { readonly name: string; readonly version: string };
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Runs the outbox worker in the server (default true); off for tests that drive it themselves. */
  readonly worker?: boolean;
  readonly pollMs?: number;
  readonly log?: (line: string) => void;
}

/** Queues the e-mailed receipts of validated sales; `stop()` ends the worker after its current pass. */
export function mailReceipts(db: Db, options: MailReceiptOptions): ReceiptDelivery {
  const controller = new AbortController();
  const transports = storeTransports(db, options.env, { pool: true });
  const worker =
    options.worker === false
      ? Promise.resolve()
      : runWorker({
          db,
          transports,
          signal: controller.signal,
          // The journal's clock: what is queued at its time is due at its time.
          clock: options.journal.now,
          ...(options.pollMs === undefined ? {} : { pollMs: options.pollMs }),
          ...(options.log === undefined ? {} : { log: options.log }),
        }).then(
          () => undefined,
          (error: unknown) => options.log?.(`Envoi des e-mails arrêté : ${String(error)}`),
        );
  return {
    deliver: (database, request) => handOverSale(database, options.journal, options.software, request, true),
    async stop() {
      controller.abort();
      await worker;
      transports.close();
    },
  };
}
