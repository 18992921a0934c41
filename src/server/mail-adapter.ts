/**
 * The receipt delivery of the real server: paper is printed by the register, e-mail goes through the
 * durable outbox (the sale's documents rebuilt from the fiscal journal, seed 000's table), and the
 * outbox worker runs inside the server until it stops. Either way each document handed over issues
 * its original once, and a second copy printed with it is a journaled duplicate (issue 11 item 6).
 */

import { MailError } from '../mail/errors.ts';
import { handOver } from '../mail/hand-over.ts';
import { runWorker, storeTransports } from '../mail/worker.ts';
import type { JournalContext } from '../store/journal/index.ts';
import { ApiError } from './errors.ts';
import type { Db, ReceiptOutcome as DeliveryOutcome, ReceiptDelivery, ReceiptRequest } from './ports.ts';

export { OPTION_COPY_REASON, PAPER_COPY_REASON, SETTING_COPY_REASON } from '../mail/hand-over.ts';

/**
 * Hands a validated sale's documents over (`print`, `email`, `both`, `none`; `email` and `both` only
 * when `queue` is true): `handOver` issues the originals, journals every other copy as a duplicate
 * and sends the paper to the register's printer (issue 15).
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
    return await handOver(database, { journal, software }, request);
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
