/**
 * What the head office reads from the uploaded journals (docs/multi-store.md): `comptoir central status`
 * (per store and register: records held, last sequence per chain, last upload, alerts) and `comptoir
 * central verify` (`verifyJournal` of src/fiscal/verify.ts — the stores' own verifier — over every
 * uploaded journal, with the keys enrolled at the central).
 */
import type { KeyObject } from 'node:crypto';
import { sql } from 'kysely';
import type { JournalRecord } from '../fiscal/record.ts';
import { importPublicKeyPem } from '../fiscal/signing.ts';
import { type Problem, verifyJournal } from '../fiscal/verify.ts';
import type { CentralDb } from './database.ts';

export interface RegisterStatus {
  readonly store: string;
  readonly register: string;
  readonly records: number;
  /** The last sequence held per chain. */
  readonly lastSequence: Readonly<Record<string, number>>;
  /** ISO instant of the last accepted upload. */
  readonly lastUpload: string;
  readonly alerts: number;
}

export interface StoreStatus {
  readonly store: string;
  readonly enrolledAt: string | null;
  readonly registers: readonly RegisterStatus[];
  /** Alerts of the store (all registers). */
  readonly alerts: number;
}

export async function centralStatus(db: CentralDb): Promise<StoreStatus[]> {
  const stores = await db
    .selectFrom('central_stores')
    .select(['name', 'enrolled_at'])
    .orderBy('name')
    .execute();
  const streams = await db
    .selectFrom('central_journal')
    .select([
      'store',
      'register',
      'chain',
      sql<number>`count(*)::int`.as('records'),
      sql<number>`max(sequence)::int`.as('last'),
      sql<string>`max(received_at)`.as('received'),
    ])
    .groupBy(['store', 'register', 'chain'])
    .orderBy('store')
    .orderBy('register')
    .orderBy('chain')
    .execute();
  const alerts = await db
    .selectFrom('central_alerts')
    .select(['store', 'register', sql<number>`count(*)::int`.as('n')])
    .groupBy(['store', 'register'])
    .execute();
  const alertsOf = (store: string, register?: string): number =>
    alerts
      .filter((a) => a.store === store && (register === undefined || a.register === register))
      .reduce((n, a) => n + a.n, 0);
  return stores.map((s) => {
    const byRegister = new Map<string, { records: number; last: Record<string, number>; upload: string }>();
    for (const row of streams.filter((r) => r.store === s.name)) {
      const entry = byRegister.get(row.register) ?? { records: 0, last: {}, upload: '' };
      entry.records += row.records;
      entry.last[row.chain] = row.last;
      if (row.received > entry.upload) entry.upload = row.received;
      byRegister.set(row.register, entry);
    }
    return {
      store: s.name,
      enrolledAt: s.enrolled_at,
      alerts: alertsOf(s.name),
      registers: [...byRegister].map(([register, e]) => ({
        store: s.name,
        register,
        records: e.records,
        lastSequence: e.last,
        lastUpload: e.upload,
        alerts: alertsOf(s.name, register),
      })),
    };
  });
}

export interface StoreVerification {
  readonly store: string;
  readonly recordsChecked: number;
  readonly ok: boolean;
  readonly problems: readonly Problem[];
}

/**
 * Runs the stores' verifier over each store's uploaded journal (all its registers at once, in memory:
 * one store at a time).
 */
export async function verifyCentral(db: CentralDb): Promise<StoreVerification[]> {
  const stores = await db.selectFrom('central_stores').select('name').orderBy('name').execute();
  const results: StoreVerification[] = [];
  for (const { name } of stores) {
    const keys = new Map<string, KeyObject>();
    const keyRows = await db
      .selectFrom('central_keys')
      .select(['key_id', 'public_key_pem'])
      .where('store', '=', name)
      .execute();
    for (const k of keyRows) keys.set(k.key_id, importPublicKeyPem(k.public_key_pem));
    const rows = await db
      .selectFrom('central_journal')
      .select('record')
      .where('store', '=', name)
      .orderBy('register')
      .orderBy('chain')
      .orderBy('sequence')
      .execute();
    const records = rows.map((r) => JSON.parse(r.record) as JournalRecord);
    const report = verifyJournal(records, keys);
    results.push({ store: name, ...report });
  }
  return results;
}
