/**
 * Verification of the live journal (`comptoir verify`): every record read page by page, register by
 * register and chain by chain (key history first, then closures, then the rest), its signature
 * checked on the worker pool while this thread rebuilds its signed text, then the streaming checks
 * (src/fiscal/journal-check.ts). Only a few pages are ever in memory.
 */
import type { KeyObject } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import { JournalChecker, STREAM_CHAIN_ORDER } from '../fiscal/journal-check.ts';
import type { Chain, ChainHead, JournalRecord, RecordFields } from '../fiscal/record.ts';
import { checkSignedTexts, type VerificationReport, verifySignatures } from '../fiscal/verify.ts';
import { startVerifyPool, type VerifyPool } from './journal-verify-pool.ts';
import type { Database, JournalTable } from './schema.ts';

type Db = Kysely<Database>;

/** A journal row read back as a record: its payload parsed, nothing checked (that is the verifier's). */
export function journalRowToRecord(row: JournalTable): JournalRecord {
  const fields = {
    format: row.format,
    register: row.register,
    chain: row.chain,
    sequence: Number(row.sequence),
    type: row.type,
    timestamp: { utc: row.stamp_utc, offset: row.stamp_offset },
    softwareVersion: row.software_version,
    keyId: row.key_id,
    payload: JSON.parse(row.payload) as unknown,
    previousSignature: row.previous_signature,
  } as RecordFields;
  return { ...fields, signedText: row.signed_text, signature: row.signature } as JournalRecord;
}

export interface ChainSlice {
  readonly register: string;
  readonly chain: Chain;
  /** Sequences from `from` to `to` (included). */
  readonly from?: number;
  readonly to?: number;
  /** Stamps after `afterUtc` (excluded) up to `untilUtc` (included). */
  readonly afterUtc?: string;
  readonly untilUtc?: string;
}

/** The records of one register × chain in ascending sequence, one page at a time. */
export async function* readChainPages(
  db: Db,
  slice: ChainSlice,
  pageSize = 4000,
): AsyncGenerator<JournalRecord[]> {
  let after = (slice.from ?? 1) - 1;
  for (;;) {
    let query = db
      .selectFrom('journal')
      .selectAll()
      .where('register', '=', slice.register)
      .where('chain', '=', slice.chain)
      .where('sequence', '>', after);
    if (slice.to !== undefined) query = query.where('sequence', '<=', slice.to);
    if (slice.afterUtc !== undefined && slice.afterUtc !== '')
      query = query.where('stamp_utc', '>', slice.afterUtc);
    if (slice.untilUtc !== undefined) query = query.where('stamp_utc', '<=', slice.untilUtc);
    const rows = await query.orderBy('sequence').limit(pageSize).execute();
    if (rows.length === 0) return;
    yield rows.map(journalRowToRecord);
    if (rows.length < pageSize) return;
    after = Number((rows[rows.length - 1] as JournalTable).sequence);
  }
}

/** The registers that have journal records. */
export async function registersInJournal(db: Db): Promise<string[]> {
  const rows = await db.selectFrom('journal').select('register').distinct().orderBy('register').execute();
  return rows.map((r) => r.register);
}

export async function countJournal(db: Db, register?: string): Promise<number> {
  let query = db.selectFrom('journal').select(sql<number>`count(*)`.as('n'));
  if (register !== undefined) query = query.where('register', '=', register);
  return Number((await query.executeTakeFirstOrThrow()).n);
}

/** Below this many records, signatures are verified on the calling thread. */
export const SMALL_JOURNAL = 5000;

export interface LiveVerifyOptions {
  /** One register only; all by default. */
  readonly register?: string;
  readonly publicKeysById: ReadonlyMap<string, KeyObject>;
  /** The heads kept outside the database. */
  readonly expectedHeads: readonly ChainHead[];
  /**
   * A running pool; otherwise one is started (and stopped) for this run, unless the journal is small
   * (`SMALL_JOURNAL`) and no number of workers is asked for.
   */
  readonly pool?: VerifyPool;
  readonly workers?: number;
  readonly pageSize?: number;
  readonly onProgress?: ((done: number, total: number) => void) | undefined;
}

/** Verifies the live journal, streaming; the report lists every broken record. */
export async function verifyLiveJournal(db: Db, options: LiveVerifyOptions): Promise<VerificationReport> {
  const registers = options.register === undefined ? await registersInJournal(db) : [options.register];
  const heads = options.expectedHeads.filter(
    (h) => options.register === undefined || h.register === options.register,
  );
  // A register whose every record was deleted is still known from its heads file.
  for (const h of heads) if (!registers.includes(h.register)) registers.push(h.register);
  const total = await countJournal(db, options.register);
  const checker = new JournalChecker({ publicKeysById: options.publicKeysById, expectedHeads: heads });
  // Starting worker threads costs more than verifying a small journal on this thread.
  const small = options.pool === undefined && options.workers === undefined && total < SMALL_JOURNAL;
  const pool: VerifyPool =
    options.pool ??
    (small
      ? {
          size: 1,
          verifySignatures: async (items) => verifySignatures(items, options.publicKeysById),
          close: async () => {},
        }
      : await startVerifyPool(options.publicKeysById, {
          batchSize: 1000,
          ...(options.workers === undefined ? {} : { size: options.workers }),
        }));
  let done = 0;
  try {
    for (const register of registers) {
      for (const chain of STREAM_CHAIN_ORDER) {
        // Two pages in flight: the workers verify one while this thread reads and checks the other.
        let previous:
          | { page: JournalRecord[]; signatures: Promise<Uint8Array>; texts: Uint8Array }
          | undefined;
        const settle = async (): Promise<void> => {
          if (previous === undefined) return;
          checker.add(previous.page, await previous.signatures, previous.texts);
          done += previous.page.length;
          options.onProgress?.(done, total);
          previous = undefined;
        };
        for await (const page of readChainPages(db, { register, chain }, options.pageSize)) {
          const signatures = pool.verifySignatures(page);
          const texts = checkSignedTexts(page);
          await settle();
          previous = { page, signatures, texts };
        }
        await settle();
      }
    }
  } finally {
    if (options.pool === undefined) await pool.close();
  }
  return checker.finish();
}
