/**
 * The store server's own sync (docs/multi-store.md § Transport): when the store is enrolled
 * (`central.json`), `comptoir serve` uploads what is new every `COMPTOIR_SYNC_MINUTES` (default 5),
 * never two runs at once; a failure is logged and the next run starts again from the central's heads.
 */
import type { Db } from '../store/journal/core.ts';
import { readLink, type StreamReport, type SyncTransport, uploadJournal } from './sync.ts';

export const SYNC_EVERY_MINUTES = 5;

export interface ScheduledSync {
  /** One run now (what the timer does); undefined when a run was already under way. */
  runNow(): Promise<StreamReport[] | undefined>;
  /** Stops the timer and waits for a run under way. */
  stop(): Promise<void>;
}

/** The period from `COMPTOIR_SYNC_MINUTES` (a positive number of minutes), in ms; throws when invalid. */
export function syncPeriodMs(env: Readonly<Record<string, string | undefined>>): number {
  const text = env.COMPTOIR_SYNC_MINUTES;
  if (text === undefined || text === '') return SYNC_EVERY_MINUTES * 60_000;
  const minutes = Number(text);
  if (!Number.isFinite(minutes) || minutes <= 0) {
    throw new Error(`COMPTOIR_SYNC_MINUTES invalide : ${text} (un nombre de minutes positif)`);
  }
  return Math.round(minutes * 60_000);
}

/**
 * Starts the periodic sync of an enrolled store; undefined when the store is not enrolled (or its
 * `central.json` is unreadable, which is logged).
 */
export function scheduleSync(
  db: Db,
  dataDir: string,
  options: { everyMs: number; log: (line: string) => void; transport?: SyncTransport },
): ScheduledSync | undefined {
  let link: ReturnType<typeof readLink>;
  try {
    link = readLink(dataDir);
  } catch (error) {
    // The store sells without the head office: a broken link file is said, not fatal.
    options.log(`Synchronisation avec le siège impossible : ${(error as Error).message}`);
    return undefined;
  }
  if (link === undefined) return undefined;
  let running: Promise<StreamReport[] | undefined> | undefined;
  const runNow = (): Promise<StreamReport[] | undefined> => {
    if (running !== undefined) return Promise.resolve(undefined);
    running = uploadJournal(db, dataDir, link, options.transport)
      .then(
        (reports) => {
          const sent = reports.reduce((n, r) => n + r.sent, 0);
          if (sent > 0) options.log(`Synchronisation avec le siège : ${sent} enregistrement(s) envoyé(s).`);
          return reports;
        },
        (error: unknown) => {
          options.log(
            `Synchronisation avec le siège en échec (nouvel essai plus tard) : ${(error as Error).message}`,
          );
          return undefined;
        },
      )
      .finally(() => {
        running = undefined;
      });
    return running;
  };
  const timer = setInterval(() => void runNow(), options.everyMs);
  timer.unref();
  return {
    runNow,
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
