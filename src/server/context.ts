/** What every route gets: the database, the services and the ports. */
import type { Right } from '../store/validation.ts';
import type { ServerConfig } from './config.ts';
import type { Books, Db, EventJournal, ReceiptDelivery } from './ports.ts';
import type { Authorization, Granted, Rights } from './rights.ts';
import type { Session, SessionService } from './sessions.ts';
import type { TicketService } from './ticket-service.ts';

/** Optional read-outs for `GET /api/health`, given by the journal and the outbox when present. */
export interface HealthProbes {
  readonly journalHead?: (db: Db) => Promise<unknown>;
  readonly outboxBacklog?: (db: Db) => Promise<number>;
}

export interface AppContext {
  readonly db: Db;
  readonly engine: string;
  readonly config: ServerConfig;
  readonly clock: () => Date;
  readonly sessions: SessionService;
  readonly rights: Rights;
  readonly tickets: TicketService;
  readonly books: Books;
  readonly events: EventJournal;
  readonly receipts: ReceiptDelivery;
  readonly probes: HealthProbes;
}

/** The session of the request; routes are authenticated unless marked public. */
export function sessionOf(request: { session: Session | null }): Session {
  if (request.session === null) throw new Error('route sans session');
  return request.session;
}

export type RequireRight = (
  right: Right,
  authorization: Authorization | undefined,
  subject: string,
) => Promise<Granted>;
