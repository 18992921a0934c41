/**
 * Test fixture for the journal (also for other capabilities' tests): an initialised store on one of
 * the test dialects, a data directory for keys and heads, a clock the test moves, and helpers to sell
 * a scenario and to verify the whole journal with the real verifier.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JournalRecord } from '../../fiscal/record.ts';
import { type VerificationReport, verifyJournal } from '../../fiscal/verify.ts';
import { readScenario } from '../../sales/scenario.ts';
import type { TicketInput } from '../../sales/ticket-input.ts';
import { DEPOT_CODE, initStore, STORE_CODE } from '../init.ts';
import { createRegister } from '../setup.ts';
import type { TestDatabase, TestDialect } from '../test-dialects.ts';
import type { Db, JournalContext } from './core.ts';
import { readJournal } from './core.ts';
import { flushHeads, readHeads } from './heads.ts';
import { removeKeyStore } from './key-store.ts';
import { ensureRegisterKeys, readPublicKeys } from './keys.ts';
import { type ValidatedTicket, type ValidateTicketInput, validateTicket } from './validate.ts';

export const TEST_VERSION = '0.1.0-test';

/** A ticket input from the scenario JSON of spec/ticket-scenario.md (throws on unreadable input). */
export function ticketOf(scenario: unknown): TicketInput {
  const reading = readScenario(scenario);
  if (!reading.ok) throw new Error(`Scénario illisible : ${JSON.stringify(reading.issues)}`);
  return reading.input;
}

export interface JournalFixture {
  readonly t: TestDatabase;
  readonly db: Db;
  readonly dataDir: string;
  readonly ctx: JournalContext;
  /** The fixture's clock: tests set or move it. */
  clock: Date;
  advance(minutes: number): void;
  sell(
    register: number,
    scenario: unknown,
    extra?: Partial<Omit<ValidateTicketInput, 'ticket'>>,
  ): Promise<ValidatedTicket>;
  records(): Promise<JournalRecord[]>;
  verify(): Promise<VerificationReport>;
  close(): Promise<void>;
}

let keyCounter = 0;

/** Opens a store with registers 1..`registers` (register 1 is init's), keys made for each. */
export async function openJournalFixture(dialect: TestDialect, registers = 1): Promise<JournalFixture> {
  const t = await dialect.open();
  const dataDir = mkdtempSync(join(tmpdir(), 'comptoir-journal-'));
  const start = new Date('2026-11-23T08:00:00Z');
  await initStore(t.db, { now: start, pins: { admin: '1234', cashier: '2345', seller: '3456' } });
  for (let n = 2; n <= registers; n++) {
    await createRegister(t.db, STORE_CODE, { number: n, name: `Caisse ${n}`, depotCode: DEPOT_CODE }, start);
  }
  for (let n = 1; n <= registers; n++) ensureRegisterKeys(dataDir, n);
  const fixture: JournalFixture = {
    t,
    db: t.db,
    dataDir,
    clock: start,
    ctx: { dataDir, now: () => fixture.clock, softwareVersion: TEST_VERSION, timeZone: 'Europe/Paris' },
    advance(minutes) {
      fixture.clock = new Date(fixture.clock.getTime() + minutes * 60_000);
    },
    sell(register, scenario, extra = {}) {
      keyCounter += 1;
      return validateTicket(t.db, fixture.ctx, {
        register,
        idempotencyKey: `test-${process.pid}-${keyCounter}`,
        cashier: 'CAISSE1',
        ...extra,
        ticket: ticketOf(scenario),
      });
    },
    async records() {
      const all: JournalRecord[] = [];
      for await (const r of readJournal(t.db)) all.push(r);
      return all;
    },
    async verify() {
      await flushHeads();
      return verifyJournal(await fixture.records(), readPublicKeys(dataDir), readHeads(dataDir));
    },
    async close() {
      // The heads are written after the commit, in the background: let them land before removing.
      await flushHeads();
      await t.close();
      rmSync(dataDir, { recursive: true, force: true, maxRetries: 5 });
      removeKeyStore(dataDir);
    },
  };
  return fixture;
}

/** One coffee at 1.50 (10 %) and a bottle at 12.90 (20 %), paid in cash with 20.00. */
export const SIMPLE_SALE = {
  lines: [
    { ref: 'CAFE', qty: '1', unitPrice: '1.50', vatRate: '10' },
    { ref: 'VIN', qty: '1', unitPrice: '12.90', vatRate: '20' },
  ],
  payments: [{ mode: 'CASH', amount: '20.00' }],
};
