/**
 * The journal's storage core: a register's records are appended inside one transaction that holds
 * that register's lock (a row of `journal_registers`, `SELECT … FOR UPDATE` on PostgreSQL), so that
 * registers never wait on each other; the chain heads are read back from the journal itself, and the
 * heads file beside the database is advanced after the commit.
 */
import { type Kysely, sql, type Transaction } from 'kysely';
import { canonicalJson } from '../../fiscal/canonical-json.ts';
import { appendRecord, ChainError } from '../../fiscal/chain.ts';
import { ClosureError, type ClosureState, openClosureState, trackRecord } from '../../fiscal/closure.ts';
import {
  CHAIN_OF_TYPE,
  CHAINS,
  type Chain,
  type ChainHead,
  instantOf,
  JET_CODES,
  JET_LABELS,
  type JournalRecord,
  type RecordDraft,
  type RecordFields,
  type Stamp,
  stampOf,
} from '../../fiscal/record.ts';
import { frenchUtc } from '../../fiscal/rules-check.ts';
import { sqlFamilyOf } from '../engine.ts';
import type { Database, JournalRegistersTable, JournalTable } from '../schema.ts';
import { cachedRows, runRaw } from './cached-query.ts';
import { JournalError } from './errors.ts';
import { scheduleHeads } from './heads.ts';
import {
  abortNextKey,
  commitNextKey,
  enrolledChecked,
  ensureRegisterKeys,
  hasRegisterKey,
  loadRegisterKey,
  pendingNextKey,
} from './keys.ts';
import { DEFAULT_TIME_ZONE, localStamp } from './time.ts';

export type Db = Kysely<Database>;
export type Trx = Transaction<Database>;

/** What every journal write needs from its caller: where the keys and heads live, and the clock. */
export interface JournalContext {
  readonly dataDir: string;
  /** The clock: tests pass a fixed or stepping one. */
  readonly now: () => Date;
  /** The software version written in every record. */
  readonly softwareVersion: string;
  /** The store's IANA time zone (offset of stamps, local day of closures); Europe/Paris by default. */
  readonly timeZone?: string;
}

/** A register's running fiscal state, kept in `journal_registers`. */
export interface RegisterState {
  readonly register: string;
  readonly currency: string;
  closure: ClosureState;
  firstSaleAt: string | null;
  lastDayClosureAt: string | null;
  perpetualTotal: number;
  perpetualTotalAbs: number;
}

export function recordToRow(r: JournalRecord): JournalTable {
  const ref =
    r.type === 'CANCELLATION' ? r.payload.cancels : r.type === 'DUPLICATE' ? r.payload.original : undefined;
  const total =
    r.type === 'TICKET' || r.type === 'CANCELLATION' || r.type === 'TRAINING' || r.type === 'BILL'
      ? r.payload.totalTtc
      : null;
  return {
    register: r.register,
    chain: r.chain,
    sequence: r.sequence,
    type: r.type,
    stamp_utc: r.timestamp.utc,
    stamp_offset: r.timestamp.offset,
    format: r.format,
    software_version: r.softwareVersion,
    key_id: r.keyId,
    payload: canonicalJson(r.payload),
    previous_signature: r.previousSignature,
    signed_text: r.signedText,
    signature: r.signature,
    ref_chain: ref?.chain ?? null,
    ref_sequence: ref?.sequence ?? null,
    total_ttc: total,
  };
}

/** A journal row read back as a record (its payload parsed, nothing checked: that is the verifier's). */
export function rowToRecord(row: JournalTable): JournalRecord {
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

/** The last record's head of a register × chain, from the journal. */
export async function headOf(db: Db, register: string, chain: Chain): Promise<ChainHead | undefined> {
  const [row] = await cachedRows<{ sequence: number; signature: string }>(
    db,
    'journal.head',
    [register, chain, 1],
    () =>
      db
        .selectFrom('journal')
        .select(['sequence', 'signature'])
        .where('register', '=', register)
        .where('chain', '=', chain)
        .orderBy('sequence', 'desc')
        .limit(1),
  );
  return row === undefined
    ? undefined
    : { register, chain, sequence: Number(row.sequence), signature: row.signature };
}

export async function getRecord(
  db: Db,
  register: string,
  chain: Chain,
  sequence: number,
): Promise<JournalRecord | undefined> {
  const row = await db
    .selectFrom('journal')
    .selectAll()
    .where('register', '=', register)
    .where('chain', '=', chain)
    .where('sequence', '=', sequence)
    .executeTakeFirst();
  return row === undefined ? undefined : rowToRecord(row);
}

function parseState(row: JournalRegistersTable): RegisterState {
  return {
    register: row.register,
    currency: row.currency,
    closure: JSON.parse(row.closure_state) as ClosureState,
    firstSaleAt: row.first_sale_at,
    lastDayClosureAt: row.last_day_closure_at,
    perpetualTotal: Number(row.perpetual_total),
    perpetualTotalAbs: Number(row.perpetual_total_abs),
  };
}

/**
 * Takes the register's lock for the rest of the transaction and returns its state (created the first
 * time). The first statement is a write, so that SQLite takes its write lock at once.
 */
async function lockRegister(trx: Trx, register: string, currency: string, stamp: Stamp, now: Date) {
  const values = {
    register,
    currency,
    closure_state: JSON.stringify(openClosureState(register, currency, stamp)),
    first_sale_at: null,
    last_day_closure_at: null,
    perpetual_total: 0,
    perpetual_total_abs: 0,
    updated_at: now.toISOString(),
  };
  await cachedRows(trx, 'journal_registers.create', Object.values(values), () =>
    trx
      .insertInto('journal_registers')
      .values(values)
      .onConflict((oc) => oc.column('register').doNothing()),
  );
  const [row] = await cachedRows<JournalRegistersTable>(trx, 'journal_registers.lock', [register], () => {
    const query = trx.selectFrom('journal_registers').selectAll().where('register', '=', register);
    return sqlFamilyOf(trx as unknown as Kysely<unknown>) === 'postgres' ? query.forUpdate() : query;
  });
  if (row === undefined) throw new Error(`État de la caisse ${register} introuvable.`);
  return parseState(row);
}

/** The register's state without locking it (reports, the CLI). */
export async function readRegisterState(db: Db, register: string): Promise<RegisterState | undefined> {
  const row = await db
    .selectFrom('journal_registers')
    .selectAll()
    .where('register', '=', register)
    .executeTakeFirst();
  return row === undefined ? undefined : parseState(row);
}

const versionsChecked = new Set<string>();

/** The records appended by one transaction of one register; heads are advanced after the commit. */
export class RegisterBatch {
  readonly heads = new Map<Chain, ChainHead>();
  readonly appended: JournalRecord[] = [];
  /** Set when this batch compared the software version; kept after the commit. */
  checkedVersion: string | undefined;
  private stateChanged = false;

  /**
   * Heads read from the journal in this transaction (or known from an earlier write of the same
   * commit group), undefined for an empty chain; `heads` holds those this batch moved.
   */
  readonly readHeads: Map<Chain, ChainHead | undefined>;

  constructor(
    readonly trx: Trx,
    readonly ctx: JournalContext,
    readonly state: RegisterState,
    readonly now: Date,
    readonly stamp: Stamp,
    known?: ReadonlyMap<Chain, ChainHead | undefined>,
  ) {
    this.readHeads = new Map(known);
  }

  get register(): string {
    return this.state.register;
  }

  private async head(chain: Chain): Promise<ChainHead | undefined> {
    if (this.heads.has(chain)) return this.heads.get(chain);
    if (this.readHeads.has(chain)) return this.readHeads.get(chain);
    const head = await headOf(this.trx, this.register, chain);
    this.readHeads.set(chain, head);
    return head;
  }

  /** Signs and inserts `draft` as the next record of its chain; the closure state follows it. */
  async append(draft: RecordDraft): Promise<JournalRecord> {
    if (draft.type !== 'JET' || draft.payload.code !== JET_CODES.DATA_INITIALISATION) {
      if ((await this.head('JET')) === undefined) await this.initialise();
      else if (draft.type !== 'JET' || draft.payload.code !== JET_CODES.VERSION_CHANGE) {
        await this.checkVersion();
      }
    }
    const chain = CHAIN_OF_TYPE[draft.type];
    const previous = await this.head(chain);
    const { signer } = loadRegisterKey(this.ctx.dataDir, this.register);
    let appended: ReturnType<typeof appendRecord>;
    try {
      appended = appendRecord(previous, draft, signer, this.stamp);
    } catch (error) {
      if (error instanceof ChainError) throw new JournalError('INVALID_INPUT', error.message);
      throw error;
    }
    const row = recordToRow(appended.record);
    await cachedRows(this.trx, 'journal.insert', Object.values(row), () =>
      this.trx.insertInto('journal').values(row),
    );
    this.heads.set(chain, appended.head);
    this.appended.push(appended.record);
    try {
      this.state.closure = trackRecord(this.state.closure, appended.record);
    } catch (error) {
      // The register's running totals do not follow its journal: records were deleted or altered
      // behind the software's back. Refused (rolled back), then journaled by withRegister.
      if (error instanceof ClosureError) {
        throw new JournalError(
          'JOURNAL_INCONSISTENT',
          `Journal de la caisse ${this.register} incohérent avec ses totaux en cours (${error.message}) : ` +
            'des enregistrements ont pu être supprimés ou modifiés. Enregistrement refusé ; lancez ' +
            '« comptoir verify » et prévenez le responsable.',
        );
      }
      throw error;
    }
    this.stateChanged = true;
    return appended.record;
  }

  /**
   * The first write of this process on a register compares the software version with the one of the
   * register's last JET record, and journals a version change (JET 1060) when they differ.
   */
  private async checkVersion(): Promise<void> {
    const key = `${this.ctx.dataDir}\u0000${this.register}\u0000${this.ctx.softwareVersion}`;
    if (versionsChecked.has(key)) return;
    const head = await this.head('JET');
    if (head !== undefined) {
      const last = await this.trx
        .selectFrom('journal')
        .select('software_version')
        .where('register', '=', this.register)
        .where('chain', '=', 'JET')
        .where('sequence', '=', head.sequence)
        .executeTakeFirst();
      if (last !== undefined && last.software_version !== this.ctx.softwareVersion) {
        await this.append({
          register: this.register,
          type: 'JET',
          softwareVersion: this.ctx.softwareVersion,
          payload: {
            code: JET_CODES.VERSION_CHANGE,
            description: JET_LABELS.VERSION_CHANGE,
            operator: 'SYSTEME',
            data: `${last.software_version} → ${this.ctx.softwareVersion}`,
          },
        });
      }
    }
    this.checkedVersion = key; // remembered once the transaction commits
  }

  /** A register's first record: JET 260, signed by its first key (the verifier trusts it from there). */
  private async initialise(): Promise<void> {
    const { keyId } = loadRegisterKey(this.ctx.dataDir, this.register);
    await this.append({
      register: this.register,
      type: 'JET',
      softwareVersion: this.ctx.softwareVersion,
      payload: {
        code: JET_CODES.DATA_INITIALISATION,
        description: JET_LABELS.DATA_INITIALISATION,
        operator: 'SYSTEME',
        data: `clé ${keyId}`,
      },
    });
  }

  markStateChanged(): void {
    this.stateChanged = true;
  }

  async saveState(): Promise<void> {
    if (!this.stateChanged) return;
    const values = {
      closure_state: JSON.stringify(this.state.closure),
      first_sale_at: this.state.firstSaleAt,
      last_day_closure_at: this.state.lastDayClosureAt,
      perpetual_total: this.state.perpetualTotal,
      perpetual_total_abs: this.state.perpetualTotalAbs,
      updated_at: this.now.toISOString(),
    };
    await cachedRows(this.trx, 'journal_registers.save', [...Object.values(values), this.register], () =>
      this.trx.updateTable('journal_registers').set(values).where('register', '=', this.register),
    );
  }
}

/**
 * Runs `fn` in a transaction holding `register`'s lock, then advances the heads file with what it
 * appended. A refusal thrown by `fn` rolls everything back: nothing is written, no head moves.
 */
export async function withRegister<T>(
  db: Db,
  ctx: JournalContext,
  register: string,
  currency: string,
  fn: (batch: RegisterBatch) => Promise<T>,
): Promise<T> {
  if (db.isTransaction) {
    throw new Error('Le journal ouvre sa propre transaction : passez la base, pas une transaction.');
  }
  await ensureKeysFor(db, ctx, register);
  const work = async (trx: Trx) => {
    const now = ctx.now();
    const stamp = localStamp(now, ctx.timeZone ?? DEFAULT_TIME_ZONE);
    // An earlier write of the same commit group already holds the lock and knows the state and heads:
    // what it left is what the database holds (a refused write rolls back to its savepoint and leaves
    // nothing here).
    const group = groupStates.get(trx);
    const known = group?.get(register);
    const state =
      known === undefined ? await lockRegister(trx, register, currency, stamp, now) : { ...known.state };
    // Signed time never goes backwards within a register (issue 11 item 3).
    const lastUtc = known === undefined ? await lastStampOf(trx, register) : known.lastUtc;
    if (lastUtc !== undefined && stamp.utc < lastUtc) throw new ClockBehind(register, now, lastUtc);
    const batch = new RegisterBatch(trx, ctx, state, now, stamp, known?.heads);
    const value = await fn(batch);
    await batch.saveState();
    if (group !== undefined) {
      const heads = new Map(batch.readHeads);
      for (const [chain, head] of batch.heads) heads.set(chain, head);
      const after = batch.appended.length > 0 ? stamp.utc : lastUtc;
      group.set(register, { state: { ...batch.state }, heads, lastUtc: after });
    }
    return { value, batch };
  };
  let done: { value: T; batch: RegisterBatch };
  try {
    done =
      sqlFamilyOf(db as unknown as Kysely<unknown>) === 'sqlite'
        ? await groupCommit(db, work)
        : await db.transaction().execute(work);
  } catch (error) {
    if (error instanceof ClockBehind) {
      await journalClockBehind(db, ctx, register, currency, error);
      throw new JournalError('CLOCK_BEHIND', error.message);
    }
    if (error instanceof JournalError && error.code === 'JOURNAL_INCONSISTENT') {
      await reportInconsistency(db, ctx, register, currency, error.message);
    }
    throw error;
  }
  const { value, batch } = done;
  scheduleHeads(ctx.dataDir, register, batch.heads.values(), {
    writtenAt: batch.stamp.utc,
    create: batch.appended.some((r) => r.type === 'JET' && r.payload.code === JET_CODES.DATA_INITIALISATION),
  });
  if (batch.checkedVersion !== undefined) versionsChecked.add(batch.checkedVersion);
  return value;
}

/** `dataDir\0register` whose inconsistency this process journaled (once each). */
const inconsistenciesReported = new Set<string>();

/**
 * Journals an inconsistency found while writing (JET 90, integrity flaw), once per register and
 * process, in its own transaction: the refused write was rolled back.
 */
async function reportInconsistency(
  db: Db,
  ctx: JournalContext,
  register: string,
  currency: string,
  message: string,
): Promise<void> {
  const key = `${ctx.dataDir}\u0000${register}`;
  if (inconsistenciesReported.has(key)) return;
  inconsistenciesReported.add(key);
  try {
    await withRegister(db, ctx, register, currency, (batch) =>
      batch.append({
        register,
        type: 'JET',
        softwareVersion: ctx.softwareVersion,
        payload: {
          code: JET_CODES.INTEGRITY_FLAW,
          description: JET_LABELS.INTEGRITY_FLAW,
          operator: 'SYSTEME',
          data: message,
        },
      }),
    );
  } catch {
    // The journal cannot take even the event (its JET chain is damaged too): the refusal stands.
  }
}

/** The latest stamp of a register's records (the last record of each chain), undefined when none. */
export async function lastStampOf(trx: Db | Trx, register: string): Promise<string | undefined> {
  const heads = CHAINS.map(
    (chain) =>
      sql`select (select stamp_utc from journal where register = ${register} and chain = ${chain} order by sequence desc limit 1) as s`,
  );
  const { rows } = await sql<{ latest: string | null }>`select max(s) as latest from (${sql.join(
    heads,
    sql` union all `,
  )}) as heads`.execute(trx);
  return rows[0]?.latest ?? undefined;
}

/** Refusal of a write whose clock is behind the register's last signed record. */
class ClockBehind extends Error {
  constructor(
    readonly register: string,
    readonly clock: Date,
    readonly lastUtc: string,
  ) {
    super(
      `Horloge en retard : il est ${frenchUtc(stampOf(clock, 0).utc)} sur ce poste, mais le dernier ` +
        `enregistrement de la caisse ${register} est daté du ${frenchUtc(lastUtc)}. Rien n’est signé ` +
        'avant que l’heure du poste soit corrigée.',
    );
  }
}

/** (register, last stamp) pairs already journaled by this process: one JET per clock incident. */
const clockIncidents = new Set<string>();

/**
 * Journals a refused signature for a clock behind the last record (JET 1120), stamped with the last
 * record's time (never earlier), once per incident.
 */
async function journalClockBehind(
  db: Db,
  ctx: JournalContext,
  register: string,
  currency: string,
  error: ClockBehind,
): Promise<void> {
  const key = `${ctx.dataDir}\u0000${register}\u0000${error.lastUtc}`;
  if (clockIncidents.has(key)) return;
  clockIncidents.add(key);
  const at = instantOf({ utc: error.lastUtc, offset: '+0000' });
  try {
    await withRegister(db, { ...ctx, now: () => at }, register, currency, (batch) =>
      batch.append({
        register,
        type: 'JET',
        softwareVersion: ctx.softwareVersion,
        payload: {
          code: JET_CODES.CLOCK_BEHIND,
          description: JET_LABELS.CLOCK_BEHIND,
          operator: 'SYSTEME',
          data: `horloge ${stampOf(error.clock, 0).utc} < dernier enregistrement ${error.lastUtc}`,
        },
      }),
    );
  } catch {
    clockIncidents.delete(key);
  }
}

interface GroupJob {
  readonly run: (trx: Trx) => Promise<unknown>;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

interface CommitGroup {
  readonly queue: GroupJob[];
  running: boolean;
}

const groups = new WeakMap<Db, CommitGroup>();

/** Per commit group's transaction, each register's state and heads after its last accepted write. */
const groupStates = new WeakMap<
  Trx,
  Map<
    string,
    { state: RegisterState; heads: ReadonlyMap<Chain, ChainHead | undefined>; lastUtc: string | undefined }
  >
>();
const MAX_GROUP = 256;

/**
 * Group commit for SQLite (one writer, one fsync per commit): the journal writes that arrive while a
 * commit is under way share the next transaction, each inside its own savepoint, so that a refused
 * write is rolled back alone and every accepted one costs a fraction of an fsync. A lone write is
 * committed on the next turn of the event loop: no added latency. (PostgreSQL commits concurrent
 * transactions in parallel.)
 */
function groupCommit<T>(db: Db, run: (trx: Trx) => Promise<T>): Promise<T> {
  let group = groups.get(db);
  if (group === undefined) {
    group = { queue: [], running: false };
    groups.set(db, group);
  }
  const g = group;
  return new Promise<T>((resolve, reject) => {
    g.queue.push({ run, resolve: resolve as (value: unknown) => void, reject });
    if (!g.running) {
      // Started on the next turn of the event loop, so that the writes already on their way (their
      // reads before the transaction are done) join this first group instead of waiting for its fsync.
      g.running = true;
      setImmediate(() => void runGroups(db, g));
    }
  });
}

async function runGroups(db: Db, group: CommitGroup): Promise<void> {
  try {
    while (group.queue.length > 0) {
      const jobs = group.queue.splice(0, MAX_GROUP);
      const outcomes: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
      try {
        await db.transaction().execute(async (trx) => {
          groupStates.set(trx, new Map());
          for (const job of jobs) {
            await runRaw(trx, 'savepoint journal_write');
            try {
              const value = await job.run(trx);
              await runRaw(trx, 'release savepoint journal_write');
              outcomes.push({ ok: true, value });
            } catch (error) {
              await runRaw(trx, 'rollback to savepoint journal_write');
              await runRaw(trx, 'release savepoint journal_write');
              outcomes.push({ ok: false, error });
            }
          }
        });
      } catch (error) {
        for (const job of jobs) job.reject(error);
        continue;
      }
      jobs.forEach((job, i) => {
        const outcome = outcomes[i];
        if (outcome?.ok === true) job.resolve(outcome.value);
        else job.reject(outcome === undefined ? new Error('Écriture non exécutée.') : outcome.error);
      });
    }
  } finally {
    group.running = false;
  }
}

/**
 * A register with no journal yet gets its keys on its first record; a register that has records but
 * lost its key is refused (a new key would not be trusted by the verifier).
 */
async function ensureKeysFor(db: Db, ctx: JournalContext, register: string): Promise<void> {
  const next = pendingNextKey(ctx.dataDir, register);
  if (next !== undefined) {
    // A rotation was interrupted: the journal says whether it was committed.
    const head = await headOf(db, register, 'JET');
    const last = head === undefined ? undefined : await getRecord(db, register, 'JET', head.sequence);
    if (
      last?.type === 'JET' &&
      last.payload.code === JET_CODES.KEY_ROTATION &&
      last.payload.data === next.keyId
    ) {
      commitNextKey(ctx.dataDir, register, next);
    } else {
      abortNextKey(ctx.dataDir, register);
    }
  }
  if (hasRegisterKey(ctx.dataDir, register)) {
    await checkEnrolled(db, ctx, register, loadRegisterKey(ctx.dataDir, register).keyId);
    return;
  }
  if ((await headOf(db, register, 'JET')) !== undefined) {
    throw new JournalError(
      'KEYS_MISSING',
      `Clé de signature introuvable pour la caisse ${register} alors que son journal existe : ` +
        'restaurez le coffre de clés de la sauvegarde (COMPTOIR_KEYS).',
    );
  }
  ensureRegisterKeys(ctx.dataDir, register);
}

/**
 * The key a register's journal has enrolled: the one named by its last key rotation (JET 1080), else by
 * its initialisation (JET 260, « clé <id> »); undefined for a register without records.
 */
export async function enrolledKeyId(db: Db, register: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('journal')
    .select(['payload'])
    .where('register', '=', register)
    .where('chain', '=', 'JET')
    .where((eb) =>
      eb.or([
        eb('payload', 'like', `{"code":${JET_CODES.KEY_ROTATION},%`),
        eb('payload', 'like', `{"code":${JET_CODES.DATA_INITIALISATION},%`),
      ]),
    )
    .orderBy('sequence', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (row === undefined) return undefined;
  const payload = JSON.parse(row.payload) as { code: number; data: string };
  return payload.code === JET_CODES.KEY_ROTATION ? payload.data : payload.data.replace(/^clé /, '');
}

/**
 * Refuses to sign with a key the register's journal has not enrolled (a key pair swapped behind the
 * journal's back): the verifier would not trust it, and the journal would be signed by a stranger.
 */
async function checkEnrolled(db: Db, ctx: JournalContext, register: string, keyId: string): Promise<void> {
  const id = `${ctx.dataDir}\u0000${register}\u0000${keyId}`;
  if (enrolledChecked.has(id)) return;
  const enrolled = await enrolledKeyId(db, register);
  if (enrolled !== undefined && enrolled !== keyId) {
    throw new JournalError(
      'KEY_NOT_ENROLLED',
      `La clé de signature chargée pour la caisse ${register} (${keyId}) n’est pas celle que son journal ` +
        `a enregistrée (${enrolled}) : signature refusée. Restaurez la clé de la caisse depuis le coffre ` +
        'de clés de la sauvegarde.',
    );
  }
  enrolledChecked.add(id);
}

export interface ReadJournalOptions {
  readonly register?: string;
  readonly chain?: Chain;
  /** First sequence to read (per chain). */
  readonly fromSequence?: number;
  /** Rows per query (default 2000). */
  readonly pageSize?: number;
}

/**
 * Every record, ordered by register, chain and sequence (each register × chain in ascending sequence,
 * as the verifier wants them), read page by page so that a large journal never sits in memory whole.
 */
export async function* readJournal(db: Db, options: ReadJournalOptions = {}): AsyncGenerator<JournalRecord> {
  const pageSize = options.pageSize ?? 2000;
  let last: { register: string; chain: string; sequence: number } | undefined;
  for (;;) {
    let query = db.selectFrom('journal').selectAll();
    if (options.register !== undefined) query = query.where('register', '=', options.register);
    if (options.chain !== undefined) query = query.where('chain', '=', options.chain);
    if (options.fromSequence !== undefined) query = query.where('sequence', '>=', options.fromSequence);
    if (last !== undefined) {
      const { register, chain, sequence } = last;
      query = query.where(sql<boolean>`(register, chain, sequence) > (${register}, ${chain}, ${sequence})`);
    }
    const rows = await query
      .orderBy('register')
      .orderBy('chain')
      .orderBy('sequence')
      .limit(pageSize)
      .execute();
    for (const row of rows) yield rowToRecord(row);
    const end = rows[rows.length - 1];
    if (end === undefined || rows.length < pageSize) return;
    last = { register: end.register, chain: end.chain, sequence: Number(end.sequence) };
  }
}

/** The registers that have a journal. */
export async function journalRegisters(db: Db): Promise<string[]> {
  const rows = await db.selectFrom('journal_registers').select('register').orderBy('register').execute();
  return rows.map((r) => r.register);
}
