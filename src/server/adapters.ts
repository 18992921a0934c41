/**
 * Ports' implementations that are not the journal's: events kept in memory (tests) or sent to two
 * journals at once, and a receipt delivery on paper only that refuses e-mail (no outbox).
 */
import type { JournalContext } from '../store/journal/index.ts';
import { handOverSale } from './mail-adapter.ts';
import type { EventJournal, ReceiptDelivery, TechnicalEvent } from './ports.ts';
import { VERSION } from './version.ts';

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

/**
 * Receipts on paper only: the choice issues the originals of what the register prints (and journals
 * the printed duplicate of « Ticket + Ticket »); e-mail is refused (503 MAIL_UNAVAILABLE).
 */
export function printOnlyReceipts(journal: JournalContext): ReceiptDelivery {
  const software = { name: 'Comptoir', version: VERSION };
  return {
    deliver: (db, request) => handOverSale(db, journal, software, request, false),
    async stop() {},
  };
}
