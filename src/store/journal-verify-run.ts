/**
 * Verification of the live journal (`comptoir verify`): every record read page by page, register by
 * register and chain by chain (key history first, then closures, then the rest), its signature
 * checked on the worker pool while this thread rebuilds its signed text, then the streaming checks
 * (src/fiscal/journal-check.ts). Only a few pages are ever in memory.
 */
import type { KeyObject } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import { JournalChecker, STREAM_CHAIN_ORDER } from '../fiscal/journal-check.ts';
import {
  type Chain,
  type ChainHead,
  instantOf,
  JET_CODES,
  type JournalRecord,
  type RecordFields,
} from '../fiscal/record.ts';
import {
  checkSignedTexts,
  PROBLEM_LABELS,
  type Problem,
  type ProblemCode,
  type VerificationReport,
  verifySignatures,
} from '../fiscal/verify.ts';
import { type HeadsWitness, headsAndAnchorProblems } from './journal/anchors.ts';
import type { JournalContext } from './journal/core.ts';
import { flushHeads } from './journal/heads.ts';
import { checkInstrumentRecords } from './journal/instruments-check.ts';
import { readPublicKeys } from './journal/keys.ts';
import { appendJet } from './journal/operations.ts';
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

export interface VerificationRun {
  readonly report: VerificationReport;
  /** The registers whose JET event could not be written, and why (the report stands). */
  readonly unjournaled: readonly { readonly register: string; readonly message: string }[];
}

/** `CHAIN n° SEQ CODE`, the problems named in the JET events of a run (the first five). */
function problemList(problems: readonly Problem[]): string {
  return problems
    .slice(0, 5)
    .map((p) => `${p.chain} n° ${p.sequence} ${p.code}`)
    .join(' ; ');
}

/**
 * A verification run as `comptoir verify` and the API do it: the live journal verified against the
 * public keys and the heads files of the data directory, then the run and its result journaled on
 * each register concerned (JET 1070, items 18 and 45: « N enregistrement(s) contrôlé(s), M
 * anomalie(s) sur la caisse R[ : CHAIN n° SEQ CODE ; …] »), and an alteration found as JET 90.
 */
export async function runLiveVerification(
  db: Db,
  ctx: JournalContext,
  options: {
    readonly register?: string;
    readonly operator?: string;
    readonly onProgress?: LiveVerifyOptions['onProgress'];
    /** Witnesses read besides the context's (`comptoir verify --anchors DIR`). */
    readonly anchors?: readonly HeadsWitness[];
  } = {},
): Promise<VerificationRun> {
  const { register } = options;
  const operator = options.operator ?? 'SYSTEME';
  // The heads of this process's own commits are written after them: wait for them.
  await flushHeads();
  // The heads file of each register (missing, unsigned…) and the anchors of the witnesses that can
  // be read back (issue 11 item 2).
  const extra: Problem[] = [];
  const expectedHeads: ChainHead[] = [];
  const witnesses = [...(ctx.witnesses ?? []), ...(options.anchors ?? [])];
  for (const name of register === undefined ? await registersInJournal(db) : [register]) {
    const found = await headsAndAnchorProblems(db, ctx.dataDir, name, witnesses);
    extra.push(...found.problems);
    expectedHeads.push(...found.heads);
  }
  const live = await verifyLiveJournal(db, {
    ...(register === undefined ? {} : { register }),
    publicKeysById: readPublicKeys(ctx.dataDir, register),
    expectedHeads,
    onProgress: options.onProgress,
  });
  // The instruments' ledger and the returns' index against the signed records (issue 14).
  const ledger = await checkInstrumentRecords(db, register);
  const problems = [...extra, ...live.problems, ...ledger];
  const report: VerificationReport = { ...live, ok: problems.length === 0, problems };
  const registers = new Set(report.problems.map((p) => p.register));
  const all = register === undefined ? await registersInJournal(db) : [register];
  const unjournaled: { register: string; message: string }[] = [];
  for (const name of new Set([...all, ...registers])) {
    const mine = report.problems.filter((p) => p.register === name);
    const summary = `${report.recordsChecked} enregistrement(s) contrôlé(s), ${mine.length} anomalie(s) sur la caisse ${name}`;
    try {
      await appendJet(
        db,
        ctx,
        Number(name),
        'VERIFICATION_RUN',
        mine.length === 0 ? summary : `${summary} : ${problemList(mine)}`,
        operator,
      );
      if (mine.length > 0) {
        await appendJet(
          db,
          ctx,
          Number(name),
          'INTEGRITY_FLAW',
          `${mine.length} anomalie(s) : ${problemList(mine)}`,
          operator,
        );
      }
    } catch (error) {
      unjournaled.push({ register: name, message: (error as Error).message });
    }
  }
  return { report, unjournaled };
}

export interface RecordedVerification {
  readonly register: string;
  readonly ranAt: Date;
  readonly operator: string;
  readonly ok: boolean;
  readonly checked: number;
  /** On this register; at most the five named in the event, `count` says how many there were. */
  readonly problems: readonly Problem[];
  readonly count: number;
}

const RUN_TEXT =
  /^(\d+) enregistrement\(s\) contrôlé\(s\), (\d+) anomalie\(s\) sur la caisse [^ :]+(?: : (.*))?$/;
const PROBLEM_TEXT = /^([A-Z]+) n° (\d+) ([A-Z_]+)$/;

/** A run read back from its JET 1070 event (undefined when the text is not a run's). */
export function recordedVerification(record: JournalRecord): RecordedVerification | undefined {
  if (record.type !== 'JET' || record.payload.code !== JET_CODES.VERIFICATION_RUN) return undefined;
  const match = RUN_TEXT.exec(record.payload.data);
  if (match === null) return undefined;
  const problems: Problem[] = [];
  for (const part of (match[3] ?? '').split(' ; ')) {
    const p = PROBLEM_TEXT.exec(part);
    if (p === null) continue;
    const code = p[3] as ProblemCode;
    if (!(code in PROBLEM_LABELS)) continue;
    problems.push({
      register: record.register,
      chain: p[1] as Chain,
      sequence: Number(p[2]),
      code,
      message: PROBLEM_LABELS[code],
    });
  }
  const count = Number(match[2]);
  return {
    register: record.register,
    ranAt: instantOf(record.timestamp),
    operator: record.payload.operator,
    ok: count === 0,
    checked: Number(match[1]),
    problems,
    count,
  };
}
