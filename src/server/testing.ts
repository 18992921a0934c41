/**
 * Test helpers for the server: a real SQLite file with the demo store, the app listening on an
 * ephemeral port, and a small JSON client over real HTTP (node's fetch).
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import type { DemoCounts } from '../store/demo.ts';
import { addDemoShop, initStore } from '../store/init.ts';
import { flushHeads } from '../store/journal/heads.ts';
import type { JournalContext } from '../store/journal/index.ts';
import { copyKeyStore, removeKeyStore } from '../store/journal/key-store.ts';
import { openDatabase } from '../store/open-database.ts';
import { createRegister, createUser } from '../store/setup.ts';
import { type MemoryEvents, memoryEvents, printOnlyReceipts, teeEvents } from './adapters.ts';
import { type App, buildApp } from './app.ts';
import { parseConfig, type ServerConfigInput } from './config.ts';
import type { AppContext } from './context.ts';
import { journalBooks, journalEvents, journalHeads, journalHeldTickets } from './journal-adapters.ts';
import type { Db, ReceiptDelivery } from './ports.ts';
import type { TicketView } from './ticket-view.ts';
import { VERSION } from './version.ts';

export const PINS = { admin: '1111', cashier: '2222', seller: '3333' } as const;
export const MANAGER = { code: 'RESP', pin: '4444' } as const;

/** The journal context of a test server's data directory. */
export function journalContext(dir: string, clock: () => Date = () => new Date()): JournalContext {
  return { dataDir: dir, now: clock, softwareVersion: VERSION };
}

/** Counts the journal's records of a chain (JET, TICKET…). */
export async function countRecords(db: Db, chain: string): Promise<number> {
  const row = await db
    .selectFrom('journal')
    .select(sql<number>`count(*)`.as('n'))
    .where('chain', '=', chain)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export interface TestServer {
  readonly app: App;
  readonly context: AppContext;
  readonly db: Db;
  readonly url: string;
  readonly dir: string;
  readonly events: MemoryEvents;
  close(keepFiles?: boolean): Promise<void>;
}

/**
 * Fills an empty database with the demo store, a manager (RESP), registers 1 to `registers` and a
 * discount limit of 10 % on register 1.
 */
export async function populateStore(db: Db, registers = 4, demo?: DemoCounts): Promise<void> {
  const now = new Date();
  if (demo === undefined) await initStore(db, { now, pins: PINS, demoSeed: 1 });
  else {
    await initStore(db, { now, pins: PINS });
    await addDemoShop(db, 1, now, demo);
  }
  await createUser(db, { code: MANAGER.code, name: 'Responsable', role: 'manager', pin: MANAGER.pin }, now);
  for (let number = 2; number <= registers; number += 1) {
    await createRegister(db, 'MAG1', { number, name: `Caisse ${number}`, depotCode: 'DEP1' }, now);
  }
  await db
    .updateTable('registers')
    .set({ settings: JSON.stringify({ discountLimitPercent: 1000 }) })
    .where('number', '=', 1)
    .execute();
}

/** Creates the demo store of `populateStore` in a SQLite file of `dir`. */
export async function makeStore(dir: string, registers = 4, demo?: DemoCounts): Promise<void> {
  const db = await openDatabase({ engine: 'sqlite', file: join(dir, 'comptoir.db') });
  await populateStore(db, registers, demo);
  await db.destroy();
}

/** A template store made once per test file; each server gets a copy of it. */
export async function storeTemplate(registers = 4): Promise<{ dir: string; remove(): void }> {
  const dir = mkdtempSync(join(tmpdir(), 'comptoir-template-'));
  await makeStore(dir, registers);
  return {
    dir,
    remove: () => {
      rmSync(dir, { recursive: true, force: true });
      removeKeyStore(dir);
    },
  };
}

export function copyStore(template: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'comptoir-server-'));
  cpSync(template, dir, { recursive: true });
  copyKeyStore(template, dir);
  return dir;
}

export async function startTestServer(
  options: {
    dir?: string;
    template?: string;
    /** Without `dir` or `template`: the registers of the store made for this server (default 4). */
    registers?: number;
    config?: ServerConfigInput;
    /** The receipt delivery (default: paper only), built on the server's database and journal. */
    receipts?: (db: Db, journal: JournalContext) => ReceiptDelivery;
    /** The journal's and the server's clock (default: the system clock). */
    clock?: () => Date;
    /**
     * The server engine besides SQLite (PostgreSQL when a server answers, PGlite otherwise, as
     * `src/store/test-dialects.ts` chooses): a fresh database with the store of `populateStore`.
     */
    engine?: 'postgres';
    /** A smaller demo shop than the full one (made faster), for the store made for this server. */
    demo?: DemoCounts;
  } = {},
): Promise<TestServer> {
  let dir = options.dir;
  let db: Db;
  let engine = 'sqlite';
  let closeDatabase = async () => db.destroy();
  if (options.engine === 'postgres') {
    const { DIALECTS } = await import('../store/test-dialects.ts');
    const dialect = DIALECTS.find((d) => d.name !== 'sqlite');
    if (dialect === undefined) throw new Error('aucun moteur PostgreSQL pour les tests');
    const database = await dialect.open();
    await populateStore(database.db, options.registers, options.demo);
    db = database.db;
    engine = database.engine;
    closeDatabase = () => database.close();
    dir = mkdtempSync(join(tmpdir(), 'comptoir-server-'));
  } else {
    if (dir === undefined && options.template !== undefined) dir = copyStore(options.template);
    if (dir === undefined) {
      dir = mkdtempSync(join(tmpdir(), 'comptoir-server-'));
      await makeStore(dir, options.registers, options.demo);
    }
    db = await openDatabase({ engine: 'sqlite', file: join(dir, 'comptoir.db') });
  }
  const events = memoryEvents();
  const config = parseConfig({ port: 0, ...options.config }, 'test');
  const journal = journalContext(dir, options.clock);
  const { app, context } = await buildApp({
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    db,
    engine,
    config,
    books: journalBooks(journal),
    events: teeEvents(events, journalEvents(journal)),
    held: journalHeldTickets,
    receipts: options.receipts?.(db, journal) ?? printOnlyReceipts(journal),
    journal,
    probes: { journalHead: journalHeads },
  });
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  const directory = dir;
  return {
    app,
    context,
    db,
    url: address,
    dir: directory,
    events,
    async close(keepFiles = false) {
      await app.close();
      await flushHeads(); // written in the background after each commit: let them land first
      await closeDatabase();
      if (!keepFiles) {
        rmSync(directory, { recursive: true, force: true, maxRetries: 5 });
        removeKeyStore(directory);
      }
    },
  };
}

export interface Answer<T = Record<string, unknown>> {
  readonly status: number;
  readonly body: T;
}

/** A JSON request over real HTTP; `body` as a string is sent verbatim (malformed JSON tests). */
export async function call<T = Record<string, unknown>>(
  url: string,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Answer<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.body !== undefined) {
    body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  const response = await fetch(`${url}${path}`, { method, headers, ...(body === undefined ? {} : { body }) });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {}
  return { status: response.status, body: parsed as T };
}

export async function login(url: string, userCode: string, pin: string, register = 1): Promise<string> {
  const answer = await call<{ token: string }>(url, 'POST', '/api/session', {
    body: { userCode, pin, register },
  });
  if (answer.status !== 200) throw new Error(`connexion refusée : ${JSON.stringify(answer.body)}`);
  return answer.body.token;
}

/** A validated one-line sale (BOI0001 paid by card), for `customer` when given: the validated ticket. */
export async function validatedSale(
  url: string,
  token: string,
  idempotencyKey: string,
  customer?: string,
): Promise<TicketView> {
  const post = async (path: string, body?: unknown): Promise<TicketView> => {
    const answer = await call<TicketView>(url, 'POST', path, {
      token,
      ...(body === undefined ? {} : { body }),
    });
    if (answer.status !== 200) throw new Error(`${path} : ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body;
  };
  const { id } = await post('/api/tickets', {});
  if (customer !== undefined) await post(`/api/tickets/${id}/customer`, { text: customer });
  await post(`/api/tickets/${id}/lines`, { text: 'BOI0001' });
  const total = await post(`/api/tickets/${id}/total`);
  await post(`/api/tickets/${id}/payments`, { mode: 'CARD', amount: total.totals.ttc });
  return post(`/api/tickets/${id}/validate`, { idempotencyKey });
}

/** Polls `probe` until it gives a value (work done in the background: the outbox worker). */
export async function waitFor<T>(what: string, probe: () => T | undefined, timeoutMs = 20_000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() - start > timeoutMs) throw new Error(`attente dépassée : ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A GET whose answer may be a file (PDF, archive) or the JSON error. */
export async function download(url: string, path: string, token: string) {
  const response = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  const bytes = Buffer.from(await response.arrayBuffer());
  return {
    status: response.status,
    headers: response.headers,
    bytes,
    json: () => JSON.parse(bytes.toString('utf8')) as { code: string; message: string },
  };
}
