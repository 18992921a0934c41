/**
 * Verification of a journal (checklist items 8, 16, 18): signatures, signed texts, chain links,
 * gapless sequences, keys, closures recomputed from what they cover, and the externally kept heads.
 *
 * Verifying a signature needs only the record itself, so `verifySignatures` takes any batch and can be
 * spread over workers; `checkJournal` then does the cheap sequential checks with those results.
 */
import type { KeyObject } from 'node:crypto';
import { canonicalJson } from './canonical-json.ts';
import { addToClosure, type ClosureAccumulator, finishClosure, openClosure } from './closure.ts';
import {
  CHAINS,
  type Chain,
  type ChainHead,
  type ClosurePayload,
  JET_CODES,
  type JournalRecord,
} from './record.ts';
import { RulesChecker } from './rules-check.ts';
import { buildSignedText } from './signed-text.ts';
import { keyIdOf, verifyText } from './signing.ts';

export type ProblemCode =
  | 'BAD_SIGNATURE'
  | 'UNKNOWN_KEY'
  | 'KEY_MISMATCH'
  | 'KEY_NOT_TRUSTED'
  | 'TEXT_MISMATCH'
  | 'INVALID_FIELDS'
  | 'BROKEN_LINK'
  | 'SEQUENCE_GAP'
  | 'DUPLICATE_SEQUENCE'
  | 'OUT_OF_ORDER'
  | 'CLOSURE_MISMATCH'
  | 'TAIL_TRUNCATED'
  | 'HEAD_MISMATCH'
  | 'TIME_REVERSED'
  | 'DOUBLE_CANCELLATION'
  | 'CLOSURE_OVERDUE'
  | 'HEADS_MISSING'
  | 'HEADS_INVALID'
  | 'ANCHOR_INVALID'
  | 'ANCHOR_ROLLBACK'
  | 'ANCHOR_TRUNCATED'
  | 'ANCHOR_FORK'
  | 'ANCHOR_RESIGNED';

export interface Problem {
  readonly register: string;
  readonly chain: Chain;
  readonly sequence: number;
  readonly code: ProblemCode;
  /** French, for the report. */
  readonly message: string;
}

/** The French name of each problem, for reports (`comptoir verify`, the API). */
export const PROBLEM_LABELS: Readonly<Record<ProblemCode, string>> = {
  BAD_SIGNATURE: 'signature invalide',
  UNKNOWN_KEY: 'clé inconnue',
  KEY_MISMATCH: 'clé publique remplacée',
  KEY_NOT_TRUSTED: 'clé non annoncée',
  TEXT_MISMATCH: 'texte signé différent des champs',
  INVALID_FIELDS: 'champs illisibles',
  BROKEN_LINK: 'chaînage rompu',
  SEQUENCE_GAP: 'rupture de séquence',
  DUPLICATE_SEQUENCE: 'numéro en double',
  OUT_OF_ORDER: 'hors ordre',
  CLOSURE_MISMATCH: 'totaux de clôture faux',
  TAIL_TRUNCATED: 'fin de chaîne supprimée',
  HEAD_MISMATCH: 'tête de chaîne différente',
  TIME_REVERSED: 'horodatage à rebours',
  DOUBLE_CANCELLATION: 'ticket annulé deux fois',
  CLOSURE_OVERDUE: 'vente sans clôture journalière depuis plus de 24 heures',
  HEADS_MISSING: 'fichier des têtes de chaîne absent',
  HEADS_INVALID: 'fichier des têtes de chaîne invalide',
  ANCHOR_INVALID: 'ancre invalide',
  ANCHOR_ROLLBACK: 'retour en arrière',
  ANCHOR_TRUNCATED: 'fin de chaîne supprimée (ancre)',
  ANCHOR_FORK: 'journal divergent',
  ANCHOR_RESIGNED: 'journal re-signé',
};

export interface VerificationReport {
  readonly recordsChecked: number;
  readonly ok: boolean;
  readonly problems: readonly Problem[];
}

/** What a signature check needs: nothing but the record itself. */
export interface SignatureItem {
  readonly signedText: string;
  readonly signature: string;
  readonly keyId: string;
}

export const SIGNATURE_OK = 1;
export const SIGNATURE_BAD = 0;
export const SIGNATURE_UNKNOWN_KEY = 2;

/**
 * Verifies each item's signature over its stored signed text with the public key of its key id.
 * Returns one status per item: `SIGNATURE_OK`, `SIGNATURE_BAD` or `SIGNATURE_UNKNOWN_KEY`.
 */
export function verifySignatures(
  batch: readonly SignatureItem[],
  publicKeysById: ReadonlyMap<string, KeyObject>,
): Uint8Array {
  const result = new Uint8Array(batch.length);
  for (let i = 0; i < batch.length; i++) {
    const item = batch[i] as SignatureItem;
    const key = publicKeysById.get(item.keyId);
    if (key === undefined) result[i] = SIGNATURE_UNKNOWN_KEY;
    else result[i] = verifyText(key, item.signedText, item.signature) ? SIGNATURE_OK : SIGNATURE_BAD;
  }
  return result;
}

export const TEXT_OK = 1;
export const TEXT_MISMATCH = 0;
export const TEXT_INVALID = 2;

/**
 * Rebuilds the signed text of records `from` to `to` (excluded) from their fields and compares it with
 * the stored text: `TEXT_OK`, `TEXT_MISMATCH`, or `TEXT_INVALID` when the fields cannot be written.
 * Like the signatures, this needs nothing but each record, so it can run in slices.
 */
export function checkSignedTexts(
  records: readonly JournalRecord[],
  from = 0,
  to = records.length,
  into: Uint8Array = new Uint8Array(records.length),
): Uint8Array {
  for (let i = from; i < to; i++) {
    const r = records[i] as JournalRecord;
    try {
      into[i] = buildSignedText(r) === r.signedText ? TEXT_OK : TEXT_MISMATCH;
    } catch {
      into[i] = TEXT_INVALID;
    }
  }
  return into;
}

interface ChainState {
  readonly sequence: number;
  readonly signature: string;
  /** Whether the record holding this sequence is authentic (signature, text and key). */
  readonly sound: boolean;
  /** The signature it must link to. */
  readonly before: string | undefined;
}

interface KeyPeriod {
  readonly from: string;
  until: string;
}

const chainKey = (register: string, chain: string): string => `${register}\u0000${chain}`;

function problemAt(record: JournalRecord, code: ProblemCode, message: string): Problem {
  return { register: record.register, chain: record.chain, sequence: record.sequence, code, message };
}

/**
 * The key periods of each register from its JET chain: the key of JET record 1 is trusted from the
 * start; a valid key rotation (signed by the key in force) retires that key and trusts the announced
 * one from its timestamp on.
 */
function keyPeriods(
  records: readonly JournalRecord[],
  sound: (i: number) => boolean,
): Map<string, Map<string, KeyPeriod>> {
  const byRegister = new Map<string, Map<string, KeyPeriod>>();
  const current = new Map<string, string>();
  for (let i = 0; i < records.length; i++) {
    const r = records[i] as JournalRecord;
    if (r.type !== 'JET' || !sound(i)) continue;
    let periods = byRegister.get(r.register);
    if (r.sequence === 1 && periods === undefined) {
      periods = new Map([[r.keyId, { from: '', until: '99999999999999' }]]);
      byRegister.set(r.register, periods);
      current.set(r.register, r.keyId);
    }
    if (
      periods === undefined ||
      r.payload.code !== JET_CODES.KEY_ROTATION ||
      current.get(r.register) !== r.keyId
    )
      continue;
    const old = periods.get(r.keyId);
    if (old !== undefined) old.until = r.timestamp.utc;
    periods.set(r.payload.data, { from: r.timestamp.utc, until: '99999999999999' });
    current.set(r.register, r.payload.data);
  }
  return byRegister;
}

const CLOSURE_FIELDS = [
  ['tickets', 'plage de tickets'],
  ['duplicates', 'plage de duplicatas'],
  ['closures', 'plage de clôtures'],
  ['perRate', 'totaux par taux'],
  ['perPayment', 'totaux par mode de paiement'],
  ['ticketCount', 'nombre de tickets'],
  ['cancellationCount', "nombre d'annulations"],
  ['duplicateCount', 'nombre de duplicatas'],
  ['salesTtc', 'ventes TTC'],
  ['returnsTtc', 'retours TTC'],
  ['periodTotal', 'grand total de la période'],
  ['periodTotalAbs', 'grand total de la période (valeur absolue)'],
  ['perpetualTotal', 'grand total perpétuel'],
  ['perpetualTotalAbs', 'grand total perpétuel (valeur absolue)'],
  ['lastTicketSignature', 'signature du dernier ticket'],
] as const satisfies readonly (readonly [keyof ClosurePayload, string])[];

/** Equal values whatever the order of their object keys (a stored payload has sorted keys). */
function sameValue(a: unknown, b: unknown): boolean {
  try {
    return canonicalJson(a) === canonicalJson(b);
  } catch {
    return false;
  }
}

/** Recomputes every closure from the records it covers and reports the fields that differ. */
function checkClosures(bySeq: ReadonlyMap<string, ReadonlyMap<number, JournalRecord>>): Problem[] {
  const problems: Problem[] = [];
  const closureRecords: JournalRecord[] = [];
  for (const [key, map] of bySeq) {
    if (key.endsWith('\u0000CLOSURE'))
      closureRecords.push(...[...map.values()].sort((a, b) => a.sequence - b.sequence));
  }
  const previous = new Map<string, ClosurePayload>();
  for (const closure of closureRecords) {
    if (closure.type !== 'CLOSURE') continue;
    const p = closure.payload;
    const prevKey = chainKey(closure.register, p.kind);
    const before = previous.get(prevKey);
    previous.set(prevKey, p);
    const missing: string[] = [];
    let acc: ClosureAccumulator;
    try {
      acc = openClosure(p.kind, closure.register, p.currency, p.periodStart, before);
      const feed = (chain: Chain, from: number, to: number): void => {
        const map = bySeq.get(chainKey(closure.register, chain));
        for (let s = from; s <= to; s++) {
          const r = map?.get(s);
          if (r === undefined) missing.push(`${chain} n° ${s}`);
          else acc = addToClosure(acc, r);
        }
      };
      if (p.kind === 'DAY') {
        feed('TICKET', acc.tickets.from, p.tickets.to);
        feed('DUPLICATE', acc.duplicates.from, p.duplicates.to);
      } else {
        feed('CLOSURE', acc.closures.from, Math.min(p.closures.to, closure.sequence - 1));
      }
    } catch (error) {
      problems.push(
        problemAt(closure, 'CLOSURE_MISMATCH', `Clôture incohérente : ${(error as Error).message}`),
      );
      continue;
    }
    if (missing.length > 0) {
      problems.push(
        problemAt(
          closure,
          'CLOSURE_MISMATCH',
          `Enregistrements couverts absents : ${missing.slice(0, 5).join(', ')}.`,
        ),
      );
      continue;
    }
    const expected = finishClosure(acc, p.periodLabel, p.periodEnd);
    const wrong = CLOSURE_FIELDS.filter(([field]) => sameValue(expected[field], p[field]) === false);
    if (wrong.length > 0) {
      problems.push(
        problemAt(
          closure,
          'CLOSURE_MISMATCH',
          `Totaux de clôture différents des enregistrements couverts : ${wrong.map(([, label]) => label).join(', ')}.`,
        ),
      );
    }
  }
  return problems;
}

/**
 * The sequential checks of a journal, given the signature statuses of its records (in the same order,
 * from `verifySignatures`). Records of each register × chain must come in ascending sequence; the
 * chains may be interleaved. `expectedHeads` are the heads kept outside the database.
 */
export function checkJournal(
  records: readonly JournalRecord[],
  signatureStatus: Uint8Array,
  publicKeysById: ReadonlyMap<string, KeyObject>,
  expectedHeads: readonly ChainHead[] = [],
  textStatus?: Uint8Array,
): VerificationReport {
  if (
    signatureStatus.length !== records.length ||
    (textStatus !== undefined && textStatus.length !== records.length)
  ) {
    throw new RangeError('Il faut un résultat de contrôle par enregistrement.');
  }
  const problems: Problem[] = [];
  const keyMismatch = new Set<string>();
  for (const [id, key] of publicKeysById) if (keyIdOf(key) !== id) keyMismatch.add(id);

  const textOk = textStatus ?? checkSignedTexts(records);
  for (let i = 0; i < records.length; i++) {
    const r = records[i] as JournalRecord;
    if (textOk[i] === TEXT_MISMATCH) {
      problems.push(
        problemAt(r, 'TEXT_MISMATCH', 'Le texte signé ne correspond pas aux champs enregistrés.'),
      );
    } else if (textOk[i] !== TEXT_OK) {
      let reason = 'champs inattendus';
      try {
        buildSignedText(r);
      } catch (error) {
        reason = (error as Error).message;
      }
      problems.push(problemAt(r, 'INVALID_FIELDS', `Champs illisibles : ${reason}`));
    }
    if (keyMismatch.has(r.keyId)) {
      problems.push(
        problemAt(
          r,
          'KEY_MISMATCH',
          `La clé publique fournie pour ${r.keyId} n'a pas cet identifiant (clé remplacée).`,
        ),
      );
    } else if (signatureStatus[i] === SIGNATURE_UNKNOWN_KEY) {
      problems.push(problemAt(r, 'UNKNOWN_KEY', `Clé publique inconnue : ${r.keyId}.`));
    } else if (signatureStatus[i] !== SIGNATURE_OK) {
      problems.push(problemAt(r, 'BAD_SIGNATURE', 'Signature invalide.'));
    }
  }
  const signedOk = (i: number): boolean => signatureStatus[i] === SIGNATURE_OK && textOk[i] === TEXT_OK;

  const periods = keyPeriods(records, signedOk);
  const trusted = new Uint8Array(records.length).fill(1);
  for (let i = 0; i < records.length; i++) {
    const r = records[i] as JournalRecord;
    const keys = periods.get(r.register);
    if (keys === undefined || signatureStatus[i] === SIGNATURE_UNKNOWN_KEY) continue;
    const period = keys.get(r.keyId);
    const at = r.timestamp.utc;
    if (period === undefined || at < period.from || at > period.until) {
      trusted[i] = 0;
      problems.push(
        problemAt(
          r,
          'KEY_NOT_TRUSTED',
          `Clé ${r.keyId} non annoncée par le journal des événements à cette date.`,
        ),
      );
    }
  }
  const sound = (i: number): boolean => signedOk(i) && trusted[i] === 1;

  const heads = new Map<string, ChainHead>();
  for (const h of expectedHeads) heads.set(chainKey(h.register, h.chain), h);
  const states = new Map<string, ChainState>();
  const rules = new RulesChecker();
  /** The records kept in each chain (a duplicate sequence keeps the authentic one), for the closures. */
  const kept = new Map<string, Map<number, JournalRecord>>();
  const keep = (key: string, r: JournalRecord): void => {
    if (r.chain !== 'TICKET' && r.chain !== 'DUPLICATE' && r.chain !== 'CLOSURE') return;
    const map = kept.get(key) ?? new Map<number, JournalRecord>();
    kept.set(key, map);
    map.set(r.sequence, r);
  };
  const checkLink = (r: JournalRecord, before: string | undefined): void => {
    if (r.sequence === 1 ? r.previousSignature !== '' : r.previousSignature !== before) {
      problems.push(problemAt(r, 'BROKEN_LINK', "Le chaînage avec l'enregistrement précédent est rompu."));
    }
  };
  for (let i = 0; i < records.length; i++) {
    const r = records[i] as JournalRecord;
    const key = chainKey(r.register, r.chain);
    const state = states.get(key);
    const expected = state === undefined ? 1 : state.sequence + 1;
    if (state !== undefined && r.sequence === state.sequence) {
      problems.push(
        problemAt(r, 'DUPLICATE_SEQUENCE', `Numéro ${r.sequence} présent plusieurs fois dans cette chaîne.`),
      );
      if (!state.sound && sound(i)) {
        // The first one seen was not authentic: this one takes its place in the chain.
        checkLink(r, state.before);
        states.set(key, { ...state, signature: r.signature, sound: true });
        keep(key, r);
      }
      continue;
    }
    if (r.sequence < expected) {
      problems.push(
        problemAt(r, 'OUT_OF_ORDER', `Numéro ${r.sequence} hors ordre : n° ${expected} attendu.`),
      );
      continue;
    }
    if (r.sequence > expected) {
      const gap = r.sequence - 1 === expected ? `n° ${expected}` : `n° ${expected} à ${r.sequence - 1}`;
      problems.push(problemAt(r, 'SEQUENCE_GAP', `Rupture de séquence : ${gap} manquant(s).`));
    }
    const before = state === undefined || r.sequence > expected ? undefined : state.signature;
    checkLink(r, before);
    const head = heads.get(key);
    if (head !== undefined && head.sequence === r.sequence && head.signature !== r.signature) {
      problems.push(
        problemAt(r, 'HEAD_MISMATCH', 'La signature diffère de celle de la tête conservée hors base.'),
      );
    }
    states.set(key, { sequence: r.sequence, signature: r.signature, sound: sound(i), before });
    keep(key, r);
    rules.add(r);
  }
  for (const head of expectedHeads) {
    const last = states.get(chainKey(head.register, head.chain));
    if (last === undefined || last.sequence < head.sequence) {
      const from = (last?.sequence ?? 0) + 1;
      problems.push({
        register: head.register,
        chain: head.chain,
        sequence: from,
        code: 'TAIL_TRUNCATED',
        message: `Fin de chaîne supprimée : n° ${from} à ${head.sequence} absents (tête conservée : n° ${head.sequence}).`,
      });
    }
  }

  problems.push(...checkClosures(kept), ...rules.finish());
  problems.sort(
    (a, b) =>
      (a.register < b.register ? -1 : a.register > b.register ? 1 : 0) ||
      CHAINS.indexOf(a.chain) - CHAINS.indexOf(b.chain) ||
      a.sequence - b.sequence,
  );
  return { recordsChecked: records.length, ok: problems.length === 0, problems };
}

/** Verifies a whole journal on the calling thread: signatures, then the sequential checks. */
export function verifyJournal(
  records: readonly JournalRecord[],
  publicKeysById: ReadonlyMap<string, KeyObject>,
  expectedHeads: readonly ChainHead[] = [],
): VerificationReport {
  return checkJournal(records, verifySignatures(records, publicKeysById), publicKeysById, expectedHeads);
}
