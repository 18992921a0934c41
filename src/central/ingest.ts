/**
 * The upward path (docs/multi-store.md § Upward): a batch of a store's journal records is accepted in
 * one transaction, or refused whole. Each record must follow the record held before it in its
 * store × register × chain (sequence + 1, link to its signature), carry a signed text rebuilt from its
 * fields, and verify with a key enrolled for its register — with the verifier functions of
 * `src/fiscal/verify.ts`. A record already held byte for byte is skipped; a different one under a held
 * sequence is a fork, refused with an alert. The central never renumbers, re-signs or edits.
 */
import type { KeyObject } from 'node:crypto';
import { canonicalJson } from '../fiscal/canonical-json.ts';
import { CHAIN_OF_TYPE, CHAINS, type Chain, JET_CODES, type JournalRecord } from '../fiscal/record.ts';
import { importPublicKeyPem, keyIdOf } from '../fiscal/signing.ts';
import {
  checkSignedTexts,
  SIGNATURE_OK,
  SIGNATURE_UNKNOWN_KEY,
  TEXT_MISMATCH,
  TEXT_OK,
  verifySignatures,
} from '../fiscal/verify.ts';
import type { CentralDb } from './database.ts';
import { CentralError, type OfferedKey, REGISTER_NAME } from './enrol.ts';

/** Records per batch, at most. */
export const MAX_BATCH = 1000;

export interface StreamHead {
  readonly register: string;
  readonly chain: Chain;
  readonly sequence: number;
  readonly signature: string;
}

export interface BatchResult {
  readonly accepted: number;
  readonly skipped: number;
}

/** A refusal that is also written down as an alert (fork, forged or unlinked record). */
export class CentralAlert extends CentralError {
  constructor(
    code: string,
    message: string,
    status: number,
    at: { register: string; chain: string; sequence: number },
  ) {
    super(code, message, status);
    this.record = { register: at.register, chain: at.chain, sequence: at.sequence };
  }

  readonly record: { register: string; chain: string; sequence: number };
}

const FIELDS = [
  'format',
  'register',
  'chain',
  'sequence',
  'type',
  'timestamp',
  'softwareVersion',
  'keyId',
  'payload',
  'previousSignature',
  'signedText',
  'signature',
] as const;

/** The record reduced to its own fields, as the store wrote it (anything else sent is dropped). */
function pickRecord(value: unknown, index: number): JournalRecord {
  const bad = (why: string): CentralError =>
    new CentralError('INVALID_RECORD', `Enregistrement n° ${index + 1} du lot illisible : ${why}.`);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw bad('pas un objet');
  const v = value as Record<string, unknown>;
  for (const f of FIELDS) if (!(f in v)) throw bad(`champ « ${f} » absent`);
  if (typeof v.register !== 'string' || !REGISTER_NAME.test(v.register)) throw bad('caisse invalide');
  if (!CHAINS.includes(v.chain as Chain)) throw bad('chaîne inconnue');
  if (!Number.isSafeInteger(v.sequence) || (v.sequence as number) < 1) throw bad('numéro invalide');
  for (const f of ['signature', 'signedText', 'keyId', 'previousSignature', 'type'] as const) {
    if (typeof v[f] !== 'string') throw bad(`champ « ${f} » invalide`);
  }
  if (CHAIN_OF_TYPE[v.type as JournalRecord['type']] !== v.chain) throw bad('type et chaîne incohérents');
  return Object.fromEntries(FIELDS.map((f) => [f, v[f]])) as unknown as JournalRecord;
}

function where(r: { register: string; chain: string; sequence: number }): string {
  return `caisse ${r.register}, chaîne ${r.chain}, n° ${r.sequence}`;
}

const streamKey = (register: string, chain: string): string => `${register}\u0000${chain}`;

/** The new key id a record announces (a key rotation JET), else null. */
function announcedKey(r: JournalRecord): string | null {
  return r.type === 'JET' && r.payload.code === JET_CODES.KEY_ROTATION ? r.payload.data : null;
}

/** Where each of a store's streams stands at the central. */
export async function streamHeads(db: CentralDb, store: string): Promise<StreamHead[]> {
  const rows = await db
    .selectFrom('central_journal as j')
    .select(['j.register', 'j.chain', 'j.sequence', 'j.signature'])
    .where('j.store', '=', store)
    .where(({ eb, selectFrom }) =>
      eb(
        'j.sequence',
        '=',
        selectFrom('central_journal as m')
          .select(({ fn }) => fn.max('m.sequence').as('s'))
          .whereRef('m.store', '=', 'j.store')
          .whereRef('m.register', '=', 'j.register')
          .whereRef('m.chain', '=', 'j.chain'),
      ),
    )
    .orderBy('j.register')
    .orderBy('j.chain')
    .execute();
  return rows.map((r) => ({ ...r, chain: r.chain as Chain, sequence: Number(r.sequence) }));
}

/**
 * Accepts `batch` for `store` in one transaction, or refuses it whole (`CentralError`; a
 * `CentralAlert` is also written to `central_alerts`). `offeredKeys` are the store's public keys: one
 * not yet enrolled is enrolled only when a key rotation held or accepted for its register announces it.
 */
export async function acceptBatch(
  db: CentralDb,
  store: string,
  batch: readonly unknown[],
  offeredKeys: readonly OfferedKey[],
  now: Date,
): Promise<BatchResult> {
  if (batch.length > MAX_BATCH) {
    throw new CentralError(
      'BATCH_TOO_LARGE',
      `Lot trop grand : ${batch.length} enregistrements (${MAX_BATCH} au plus).`,
    );
  }
  const records = batch.map(pickRecord);
  try {
    return await db
      .transaction()
      .execute((trx) => acceptInTransaction(trx, store, records, offeredKeys, now));
  } catch (error) {
    if (error instanceof CentralAlert) {
      await db
        .insertInto('central_alerts')
        .values({ store, ...error.record, code: error.code, message: error.message, at: now.toISOString() })
        .execute();
    }
    throw error;
  }
}

async function acceptInTransaction(
  trx: CentralDb,
  store: string,
  records: readonly JournalRecord[],
  offeredKeys: readonly OfferedKey[],
  now: Date,
): Promise<BatchResult> {
  const at = now.toISOString();
  // One upload of a store at a time: the store's row is the lock.
  await trx.selectFrom('central_stores').select('name').where('name', '=', store).forUpdate().execute();

  const registers = [...new Set(records.map((r) => r.register))];
  const keys = new Map<string, Map<string, KeyObject>>(registers.map((r) => [r, new Map()]));
  if (registers.length > 0) {
    const rows = await trx
      .selectFrom('central_keys')
      .select(['register', 'key_id', 'public_key_pem'])
      .where('store', '=', store)
      .where('register', 'in', registers)
      .execute();
    for (const row of rows) keys.get(row.register)?.set(row.key_id, importPublicKeyPem(row.public_key_pem));
  }
  /** Keys offered but not enrolled, by register then key id. */
  const offered = new Map<string, Map<string, OfferedKey>>();
  for (const k of offeredKeys) {
    let keyId: string;
    try {
      keyId = keyIdOf(importPublicKeyPem(k.pem));
    } catch {
      continue;
    }
    if (keys.get(k.register)?.has(keyId) === true) continue;
    const map = offered.get(k.register) ?? new Map<string, OfferedKey>();
    offered.set(k.register, map);
    map.set(keyId, k);
  }
  const newKeys: { register: string; keyId: string; pem: string }[] = [];
  const enrolKey = (register: string, keyId: string): void => {
    const k = offered.get(register)?.get(keyId);
    if (k === undefined) return;
    offered.get(register)?.delete(keyId);
    keys.get(register)?.set(keyId, importPublicKeyPem(k.pem));
    newKeys.push({ register, keyId, pem: k.pem });
  };
  // Rotations already held whose new key had not been sent yet.
  for (const [register, map] of offered) {
    if (map.size === 0 || !keys.has(register)) continue;
    const announced = await trx
      .selectFrom('central_journal')
      .select('announced_key_id')
      .where('store', '=', store)
      .where('register', '=', register)
      .where('announced_key_id', 'in', [...map.keys()])
      .execute();
    for (const row of announced) if (row.announced_key_id !== null) enrolKey(register, row.announced_key_id);
  }

  const heads = new Map<string, { sequence: number; signature: string }>();
  for (const key of new Set(records.map((r) => streamKey(r.register, r.chain)))) {
    const [register, chain] = key.split('\u0000') as [string, string];
    const head = await trx
      .selectFrom('central_journal')
      .select(['sequence', 'signature'])
      .where('store', '=', store)
      .where('register', '=', register)
      .where('chain', '=', chain)
      .orderBy('sequence', 'desc')
      .limit(1)
      .executeTakeFirst();
    heads.set(key, { sequence: Number(head?.sequence ?? 0), signature: head?.signature ?? '' });
  }

  // The records the batch resends, read in one query per stream (a replay compares them all).
  const heldText = new Map<string, string>();
  for (const [key, head] of heads) {
    const [register, chain] = key.split('\u0000') as [string, string];
    const resent = records
      .filter((r) => r.register === register && r.chain === chain && r.sequence <= head.sequence)
      .map((r) => r.sequence);
    if (resent.length === 0) continue;
    const rows = await trx
      .selectFrom('central_journal')
      .select(['sequence', 'record'])
      .where('store', '=', store)
      .where('register', '=', register)
      .where('chain', '=', chain)
      .where('sequence', '>=', Math.min(...resent))
      .where('sequence', '<=', Math.max(...resent))
      .execute();
    for (const row of rows) heldText.set(`${key}\u0000${Number(row.sequence)}`, row.record);
  }

  const texts = checkSignedTexts(records);
  const accepted: JournalRecord[] = [];
  const acceptedText = new Map<string, string>();
  let skipped = 0;
  for (let i = 0; i < records.length; i++) {
    const r = records[i] as JournalRecord;
    const key = streamKey(r.register, r.chain);
    const head = heads.get(key) as { sequence: number; signature: string };
    const text = canonicalJson(r);
    if (r.sequence <= head.sequence) {
      const held = acceptedText.get(`${key}\u0000${r.sequence}`) ?? heldText.get(`${key}\u0000${r.sequence}`);
      if (held === text) {
        skipped += 1;
        continue;
      }
      throw new CentralAlert(
        'FORK',
        `Journal divergent (${where(r)}) : la centrale détient un autre enregistrement sous ce numéro ` +
          '(sauvegarde restaurée puis nouvelles ventes, ou falsification). Lot refusé.',
        409,
        r,
      );
    }
    if (r.sequence !== head.sequence + 1) {
      throw new CentralError(
        'GAP',
        `Rupture de séquence (${where(r)}) : la centrale attend le n° ${head.sequence + 1}. Lot refusé.`,
        409,
      );
    }
    if (r.previousSignature !== head.signature) {
      throw new CentralAlert(
        'BROKEN_LINK',
        `Chaînage rompu (${where(r)}) : le lien ne correspond pas à l’enregistrement précédent. Lot refusé.`,
        422,
        r,
      );
    }
    if (texts[i] !== TEXT_OK) {
      throw new CentralAlert(
        'TEXT_MISMATCH',
        texts[i] === TEXT_MISMATCH
          ? `Texte signé différent des champs (${where(r)}). Lot refusé.`
          : `Champs illisibles (${where(r)}). Lot refusé.`,
        422,
        r,
      );
    }
    const status = verifySignatures([r], keys.get(r.register) ?? new Map())[0];
    if (status !== SIGNATURE_OK) {
      throw new CentralAlert(
        status === SIGNATURE_UNKNOWN_KEY ? 'UNKNOWN_KEY' : 'BAD_SIGNATURE',
        status === SIGNATURE_UNKNOWN_KEY
          ? `Clé ${r.keyId} non inscrite pour cette caisse (${where(r)}). Lot refusé.`
          : `Signature invalide (${where(r)}). Lot refusé.`,
        422,
        r,
      );
    }
    const announced = announcedKey(r);
    if (announced !== null) enrolKey(r.register, announced);
    heads.set(key, { sequence: r.sequence, signature: r.signature });
    acceptedText.set(`${key}\u0000${r.sequence}`, text);
    accepted.push(r);
  }

  if (newKeys.length > 0) {
    await trx
      .insertInto('central_keys')
      .values(
        newKeys.map((k) => ({
          store,
          register: k.register,
          key_id: k.keyId,
          public_key_pem: k.pem,
          enrolled_at: at,
        })),
      )
      .execute();
  }
  if (accepted.length > 0) {
    await trx
      .insertInto('central_journal')
      .values(
        accepted.map((r) => ({
          store,
          register: r.register,
          chain: r.chain,
          sequence: r.sequence,
          signature: r.signature,
          record: acceptedText.get(`${streamKey(r.register, r.chain)}\u0000${r.sequence}`) as string,
          announced_key_id: announcedKey(r),
          received_at: at,
        })),
      )
      .execute();
  }
  return { accepted: accepted.length, skipped };
}
