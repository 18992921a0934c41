/**
 * Ports' implementations that are not the journal's: events kept in memory (tests) or sent to two
 * journals at once, and a receipt delivery that records the choice and refuses e-mail (no outbox).
 */
import { ApiError } from './errors.ts';
import type { EventJournal, ReceiptDelivery, TechnicalEvent } from './ports.ts';

/** Events sent to each journal in turn. */
export function teeEvents(...journals: readonly EventJournal[]): EventJournal {
  return {
    async record(db, event) {
      for (const journal of journals) await journal.record(db, event);
    },
  };
}

export interface MemoryEvents extends EventJournal {
  readonly events: TechnicalEvent[];
}

export function memoryEvents(): MemoryEvents {
  const events: TechnicalEvent[] = [];
  return {
    events,
    async record(_db, event) {
      events.push(event);
    },
  };
}

export const printOnlyReceipts: ReceiptDelivery = {
  async deliver(_db, request) {
    if (request.choice === 'email' || request.choice === 'both') {
      throw new ApiError(503, 'MAIL_UNAVAILABLE', 'Envoi par e-mail indisponible sur ce serveur');
    }
    return { printed: request.choice === 'print', queued: null };
  },
  async stop() {},
};
