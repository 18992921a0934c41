/**
 * The store's side of the upward path (`comptoir sync`, docs/multi-store.md § Transport): enrol once
 * with a one-time code, then upload every register's records the central does not hold yet, in batches,
 * retrying network failures and server errors with exponential backoff. The position is the central's
 * (`GET /central/v1/heads`), so a sync interrupted at any point resumes where the central stands.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Chain } from '../fiscal/record.ts';
import { CHAINS } from '../fiscal/record.ts';
import { type Db, journalRegisters, readJournal } from '../store/journal/core.ts';
import { listPublicKeys } from '../store/journal/keys.ts';
import type { StreamHead } from './ingest.ts';

/** The store's link to the central, kept in `<data>/central.json` (mode 0600). */
export interface CentralLink {
  readonly url: string;
  readonly token: string;
  readonly store: string;
}

export const LINK_FILE = 'central.json';

/** Records per upload. */
export const SYNC_BATCH = 500;

/** The waits between tries (ms): 0.5 s, 1 s, 2 s, 4 s, 8 s, then the sync stops. */
export const BACKOFF_MS: readonly number[] = [500, 1000, 2000, 4000, 8000];

export class SyncError extends Error {
  override name = 'SyncError';
  constructor(
    message: string,
    readonly code = 'SYNC_FAILED',
  ) {
    super(message);
  }
}

export interface SyncTransport {
  readonly fetch?: typeof fetch;
  /** The wait between tries (injected by the tests). */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly backoff?: readonly number[];
}

export function readLink(dataDir: string): CentralLink | undefined {
  const file = join(dataDir, LINK_FILE);
  if (!existsSync(file)) return undefined;
  try {
    const link = JSON.parse(readFileSync(file, 'utf8')) as Partial<CentralLink>;
    if (typeof link.url === 'string' && typeof link.token === 'string' && typeof link.store === 'string') {
      return { url: link.url, token: link.token, store: link.store };
    }
  } catch {}
  throw new SyncError(
    `Fichier ${file} illisible : supprimez-le puis inscrivez le magasin à nouveau (code délivré par le siège).`,
    'INVALID_LINK',
  );
}

function baseUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new SyncError(`Adresse de la centrale invalide : ${url}`, 'INVALID_URL');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new SyncError(`Adresse de la centrale invalide : ${url} (http:// ou https://)`, 'INVALID_URL');
  }
  return parsed.toString().replace(/\/$/, '');
}

/**
 * One request with retries: a network failure or a 5xx is tried again after each wait of the backoff;
 * a 4xx is a refusal, returned at once.
 */
async function call(
  url: string,
  init: RequestInit,
  transport: SyncTransport,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const doFetch = transport.fetch ?? fetch;
  const sleep = transport.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const waits = transport.backoff ?? BACKOFF_MS;
  let last = '';
  for (let attempt = 0; ; attempt++) {
    try {
      const response = await doFetch(url, init);
      const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
      if (response.status < 500) return { status: response.status, body };
      last = `erreur ${response.status} de la centrale${typeof body.message === 'string' ? ` : ${body.message}` : ''}`;
    } catch (error) {
      last = `centrale injoignable (${(error as Error).message})`;
    }
    const wait = waits[attempt];
    if (wait === undefined) {
      throw new SyncError(
        `Synchronisation interrompue après ${attempt + 1} essais : ${last}.`,
        'UNREACHABLE',
      );
    }
    await sleep(wait);
  }
}

function refusal(status: number, body: Record<string, unknown>): SyncError {
  const message = typeof body.message === 'string' ? body.message : `réponse ${status}`;
  return new SyncError(
    `Refusé par la centrale : ${message}`,
    typeof body.code === 'string' ? body.code : 'REFUSED',
  );
}

const json = (body: unknown, token?: string): RequestInit => ({
  method: 'POST',
  headers: {
    'content-type': 'application/json',
    ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
  },
  body: JSON.stringify(body),
});

function storeKeys(dataDir: string): { register: string; pem: string }[] {
  return listPublicKeys(dataDir).map((k) => ({ register: k.register, pem: k.pem }));
}

/** Enrols the store with a one-time code and writes `central.json`. */
export async function enrolWithCentral(
  dataDir: string,
  url: string,
  code: string,
  transport: SyncTransport = {},
): Promise<CentralLink> {
  const base = baseUrl(url);
  const { status, body } = await call(
    `${base}/central/v1/enrol`,
    json({ code, keys: storeKeys(dataDir) }),
    transport,
  );
  if (status !== 200) throw refusal(status, body);
  const link: CentralLink = { url: base, token: String(body.token), store: String(body.store) };
  writeFileSync(join(dataDir, LINK_FILE), `${JSON.stringify(link, null, 2)}\n`, { mode: 0o600 });
  return link;
}

export interface StreamReport {
  readonly register: string;
  readonly chain: Chain;
  readonly sent: number;
  readonly accepted: number;
  readonly skipped: number;
  /** The central's last sequence after the sync. */
  readonly sequence: number;
}

/** Uploads every record the central does not hold yet; returns what was sent per stream. */
export async function uploadJournal(
  db: Db,
  dataDir: string,
  link: CentralLink,
  transport: SyncTransport = {},
): Promise<StreamReport[]> {
  const headsAnswer = await call(
    `${link.url}/central/v1/heads`,
    { headers: { authorization: `Bearer ${link.token}` } },
    transport,
  );
  if (headsAnswer.status !== 200) throw refusal(headsAnswer.status, headsAnswer.body);
  const held = new Map<string, number>();
  for (const h of headsAnswer.body.heads as StreamHead[])
    held.set(`${h.register}\u0000${h.chain}`, h.sequence);
  const keys = storeKeys(dataDir);
  const reports: StreamReport[] = [];
  for (const register of await journalRegisters(db)) {
    for (const chain of CHAINS) {
      const from = held.get(`${register}\u0000${chain}`) ?? 0;
      let sent = 0;
      let accepted = 0;
      let skipped = 0;
      let last = from;
      let batch: unknown[] = [];
      const flush = async (): Promise<void> => {
        if (batch.length === 0) return;
        const { status, body } = await call(
          `${link.url}/central/v1/journal`,
          json({ records: batch, keys }, link.token),
          transport,
        );
        if (status !== 200) throw refusal(status, body);
        sent += batch.length;
        accepted += Number(body.accepted);
        skipped += Number(body.skipped);
        batch = [];
      };
      for await (const record of readJournal(db, { register, chain, fromSequence: from + 1 })) {
        batch.push(record);
        last = record.sequence;
        if (batch.length >= SYNC_BATCH) await flush();
      }
      await flush();
      if (sent > 0 || from > 0) reports.push({ register, chain, sent, accepted, skipped, sequence: last });
    }
  }
  return reports;
}
