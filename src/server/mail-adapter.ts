/**
 * The receipt delivery of the real server: paper is printed by the register, e-mail goes through the
 * durable outbox (the sale's documents rebuilt from the fiscal journal, seed 000's table), and the
 * outbox worker runs inside the server until it stops.
 */

import { resolveReceiptChoice } from '../mail/choice.ts';
import { MailError } from '../mail/errors.ts';
import { journalSaleSource } from '../mail/journal-sale-source.ts';
import { dispatchSale } from '../mail/sale-mail.ts';
import { runWorker, storeTransports } from '../mail/worker.ts';
import type { JournalContext } from '../store/journal/index.ts';
import { ApiError } from './errors.ts';
import type { Db, ReceiptDelivery } from './ports.ts';

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
          ...(options.pollMs === undefined ? {} : { pollMs: options.pollMs }),
          ...(options.log === undefined ? {} : { log: options.log }),
        }).then(
          () => undefined,
          (error: unknown) => options.log?.(`Envoi des e-mails arrêté : ${String(error)}`),
        );
  const source = journalSaleSource(db, {
    dataDir: options.journal.dataDir,
    software: options.software,
    now: options.journal.now,
  });
  return {
    async deliver(database, request) {
      if (request.choice === 'print' || request.choice === 'none')
        return { printed: request.choice === 'print', queued: null };
      try {
        const outcome = resolveReceiptChoice('email', request.email ?? '');
        if (outcome.action !== 'email') return { printed: true, queued: null };
        const dispatched = await dispatchSale(database, source, {
          ticket: `${request.sale.register}-${request.sale.number}`,
          outcome,
          option: request.option ?? 'ticket',
          now: request.now,
        });
        const first = dispatched.queued[0];
        return {
          printed: request.choice === 'both',
          queued: first === undefined ? null : String(first.id),
        };
      } catch (error) {
        if (error instanceof MailError) throw new ApiError(422, error.code, error.message, error.field);
        throw error;
      }
    },
    async stop() {
      controller.abort();
      await worker;
      transports.close();
    },
  };
}
