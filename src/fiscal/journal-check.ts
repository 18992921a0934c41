/**
 * The streaming verifier of a journal (checklist items 8, 16, 18, 34, 38): the same checks as
 * `checkJournal` (src/fiscal/verify.ts), but fed batch after batch, so that a journal of millions of
 * records is verified without holding it in memory, and chains may start after sequence 1 (an archive
 * of one period starts where the previous one ended, anchored on the signature before it).
 *
 * What is kept between batches: one state per register × chain, the closures of each register (a few
 * per day), the running totals of each daily closure being recomputed, and the key periods. Tickets
 * and duplicates are added to the daily closure that covers them as they pass, so they are not kept
 * when the closure chain of their register was given first (the order `STREAM_CHAIN_ORDER` below);
 * given in another order, the ones no closure covers yet wait in memory until one does.
 */
import type { KeyObject } from 'node:crypto';
import { canonicalJson } from './canonical-json.ts';
import { addToClosure, type ClosureAccumulator, finishClosure, openClosure } from './closure.ts';
import {
  CHAINS,
  type Chain,
  type ChainHead,
  type ClosureKind,
  type ClosurePayload,
  JET_CODES,
  type JournalRecord,
} from './record.ts';
import { RulesChecker } from './rules-check.ts';
import { buildSignedText } from './signed-text.ts';
import { keyIdOf } from './signing.ts';
import {
  type Problem,
  type ProblemCode,
  SIGNATURE_OK,
  SIGNATURE_UNKNOWN_KEY,
  TEXT_MISMATCH,
  TEXT_OK,
  type VerificationReport,
} from './verify.ts';

/** Equal values whatever the order of object keys (records read back from canonical JSON). */
function sameValue(a: unknown, b: unknown): boolean {
  try {
    return canonicalJson(a) === canonicalJson(b);
  } catch {
    return false;
  }
}

/**
 * The order in which a register's chains are best given: the key history (JET) first, then the
 * closures, so that every later record is checked as it passes and nothing waits in memory.
 */
export const STREAM_CHAIN_ORDER: readonly Chain[] = [
  'JET',
  'CLOSURE',
  'TICKET',
  'DUPLICATE',
  'BILL',
  'MOVEMENT',
  'ARCHIVE',
  'TRAINING',
];

/** Where a chain starts when it does not start at sequence 1: the signature of the record before. */
export interface ChainAnchor {
  readonly register: string;
  readonly chain: Chain;
  /** The first sequence expected. */
  readonly sequence: number;
  /** The signature of record `sequence − 1` ('' when `sequence` is 1). */
  readonly previousSignature: string;
}

export interface JournalCheckOptions {
  readonly publicKeysById: ReadonlyMap<string, KeyObject>;
  /** The heads kept outside the database (or in an archive's manifest). */
  readonly expectedHeads?: readonly ChainHead[];
  /** Chains that start after sequence 1. */
  readonly anchors?: readonly ChainAnchor[];
}

const chainKey = (register: string, chain: string): string => `${register}\u0000${chain}`;
const NEVER = '99999999999999';

interface ChainState {
  sequence: number;
  signature: string;
  sound: boolean;
  before: string | undefined;
}

/** A daily closure being recomputed from the tickets and duplicates that pass. */
interface DaySlot {
  readonly record: JournalRecord & { type: 'CLOSURE' };
  acc: ClosureAccumulator | undefined;
  error: string | undefined;
}

interface RegisterBook {
  /** Every closure record seen (context included), by sequence. */
  readonly closures: Map<number, JournalRecord & { type: 'CLOSURE' }>;
  readonly lastOfKind: Map<ClosureKind, JournalRecord & { type: 'CLOSURE' }>;
  /** Daily closures by ascending end of their ticket range. */
  readonly daySlots: DaySlot[];
  readonly pending: { TICKET: JournalRecord[]; DUPLICATE: JournalRecord[] };
  /** Key periods: undefined until the register's JET record 1 (or its key history) is seen. */
  keys: Map<string, { from: string; until: string }> | undefined;
  currentKey: string | undefined;
}

function problemAt(record: JournalRecord, code: ProblemCode, message: string): Problem {
  return { register: record.register, chain: record.chain, sequence: record.sequence, code, message };
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

/** Binary search: the first index whose value is ≥ `value` in an ascending list. */
function lowerBound<T>(list: readonly T[], value: number, of: (item: T) => number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (of(list[mid] as T) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A journal verifier fed batch after batch. */
export class JournalChecker {
  private readonly problems: Problem[] = [];
  private readonly states = new Map<string, ChainState>();
  private readonly books = new Map<string, RegisterBook>();
  private readonly heads = new Map<string, ChainHead>();
  private readonly anchors = new Map<string, ChainAnchor>();
  private readonly keyMismatch = new Set<string>();
  private readonly rules = new RulesChecker();
  /** Trust checks waiting for the key history of their register: [register, chain, sequence, keyId, utc]. */
  private readonly deferredTrust: [string, Chain, number, string, string][] = [];
  private checked = 0;
  private finished = false;

  constructor(options: JournalCheckOptions) {
    for (const [id, key] of options.publicKeysById) {
      let actual: string | undefined;
      try {
        actual = keyIdOf(key);
      } catch {
        actual = undefined;
      }
      if (actual !== id) this.keyMismatch.add(id);
    }
    for (const h of options.expectedHeads ?? []) this.heads.set(chainKey(h.register, h.chain), h);
    for (const a of options.anchors ?? []) this.anchors.set(chainKey(a.register, a.chain), a);
  }

  get recordsChecked(): number {
    return this.checked;
  }

  private book(register: string): RegisterBook {
    let book = this.books.get(register);
    if (book === undefined) {
      book = {
        closures: new Map(),
        lastOfKind: new Map(),
        daySlots: [],
        pending: { TICKET: [], DUPLICATE: [] },
        keys: undefined,
        currentKey: undefined,
      };
      this.books.set(register, book);
    }
    return book;
  }

  /**
   * Records from outside the checked ranges that the checks need: the closures before them (for the
   * perpetual totals and the ranges of the first closures) and the key history (JET record 1 and the
   * key rotations). Their signatures are checked and reported like the others', but not their links.
   */
  addContext(records: readonly JournalRecord[], signatureStatus: Uint8Array, textStatus?: Uint8Array): void {
    const texts = textStatus ?? this.texts(records);
    for (let i = 0; i < records.length; i++) {
      const r = records[i] as JournalRecord;
      const sound = this.authenticity(r, signatureStatus[i] ?? 0, texts[i] ?? 0);
      const book = this.book(r.register);
      this.rules.addContext(r);
      if (r.type === 'JET') this.observeKey(book, r, sound);
      else if (r.type === 'CLOSURE') {
        book.closures.set(r.sequence, r);
        const last = book.lastOfKind.get(r.payload.kind);
        if (last === undefined || last.sequence < r.sequence) book.lastOfKind.set(r.payload.kind, r);
      }
    }
  }

  private texts(records: readonly JournalRecord[]): Uint8Array {
    const out = new Uint8Array(records.length);
    for (let i = 0; i < records.length; i++) {
      const r = records[i] as JournalRecord;
      try {
        out[i] = buildSignedText(r) === r.signedText ? TEXT_OK : TEXT_MISMATCH;
      } catch {
        out[i] = 2;
      }
    }
    return out;
  }

  /** Reports text, key and signature problems of one record; whether it is authentic. */
  private authenticity(r: JournalRecord, signature: number, text: number): boolean {
    if (text === TEXT_MISMATCH) {
      this.problems.push(
        problemAt(r, 'TEXT_MISMATCH', 'Le texte signé ne correspond pas aux champs enregistrés.'),
      );
    } else if (text !== TEXT_OK) {
      let reason = 'champs inattendus';
      try {
        buildSignedText(r);
      } catch (error) {
        reason = (error as Error).message;
      }
      this.problems.push(problemAt(r, 'INVALID_FIELDS', `Champs illisibles : ${reason}`));
    }
    if (this.keyMismatch.has(r.keyId)) {
      this.problems.push(
        problemAt(
          r,
          'KEY_MISMATCH',
          `La clé publique fournie pour ${r.keyId} n'a pas cet identifiant (clé remplacée).`,
        ),
      );
    } else if (signature === SIGNATURE_UNKNOWN_KEY) {
      this.problems.push(problemAt(r, 'UNKNOWN_KEY', `Clé publique inconnue : ${r.keyId}.`));
    } else if (signature !== SIGNATURE_OK) {
      this.problems.push(problemAt(r, 'BAD_SIGNATURE', 'Signature invalide.'));
    }
    return signature === SIGNATURE_OK && text === TEXT_OK;
  }

  /**
   * Key history: JET record 1 trusts its key; a sound rotation signed by the key in force moves on.
   * Records are checked against the periods known when they pass: give each register's JET chain
   * before its other chains (`STREAM_CHAIN_ORDER`) or the key history in context.
   */
  private observeKey(book: RegisterBook, r: JournalRecord, sound: boolean): void {
    if (r.type !== 'JET' || !sound) return;
    if (book.keys === undefined) {
      if (r.sequence !== 1) return;
      book.keys = new Map([[r.keyId, { from: '', until: NEVER }]]);
      book.currentKey = r.keyId;
    }
    if (r.payload.code !== JET_CODES.KEY_ROTATION || book.currentKey !== r.keyId) return;
    if (book.keys.get(r.payload.data)?.from === r.timestamp.utc) return;
    const old = book.keys.get(r.keyId);
    if (old !== undefined) old.until = r.timestamp.utc;
    book.keys.set(r.payload.data, { from: r.timestamp.utc, until: NEVER });
    book.currentKey = r.payload.data;
  }

  private checkTrust(register: string, chain: Chain, sequence: number, keyId: string, utc: string): void {
    const keys = this.books.get(register)?.keys;
    if (keys === undefined) return;
    const period = keys.get(keyId);
    if (period === undefined || utc < period.from || utc > period.until) {
      this.problems.push({
        register,
        chain,
        sequence,
        code: 'KEY_NOT_TRUSTED',
        message: `Clé ${keyId} non annoncée par le journal des événements à cette date.`,
      });
    }
  }

  /**
   * Checks a batch of records. `signatureStatus` gives one status per record (`verifySignatures`);
   * `textStatus` one per record (`checkSignedTexts`), computed here when absent. Within each
   * register × chain, records must come in the order they are stored (ascending sequence).
   */
  add(records: readonly JournalRecord[], signatureStatus: Uint8Array, textStatus?: Uint8Array): void {
    if (this.finished) throw new RangeError('Vérification déjà terminée.');
    if (signatureStatus.length !== records.length || (textStatus && textStatus.length !== records.length)) {
      throw new RangeError('Il faut un résultat de contrôle par enregistrement.');
    }
    const texts = textStatus ?? this.texts(records);
    for (let i = 0; i < records.length; i++) {
      this.one(records[i] as JournalRecord, signatureStatus[i] ?? 0, texts[i] ?? 0);
    }
    this.checked += records.length;
  }

  private one(r: JournalRecord, signature: number, text: number): void {
    const signedOk = this.authenticity(r, signature, text);
    const book = this.book(r.register);
    if (r.type === 'JET') this.observeKey(book, r, signedOk);
    let trusted = true;
    if (signature !== SIGNATURE_UNKNOWN_KEY) {
      if (book.keys === undefined) {
        this.deferredTrust.push([r.register, r.chain, r.sequence, r.keyId, r.timestamp.utc]);
      } else {
        const before = this.problems.length;
        this.checkTrust(r.register, r.chain, r.sequence, r.keyId, r.timestamp.utc);
        trusted = this.problems.length === before;
      }
    }
    const sound = signedOk && trusted;

    const key = chainKey(r.register, r.chain);
    let state = this.states.get(key);
    if (state === undefined) {
      const anchor = this.anchors.get(key);
      if (anchor !== undefined && anchor.sequence > 1) {
        state = {
          sequence: anchor.sequence - 1,
          signature: anchor.previousSignature,
          sound: true,
          before: undefined,
        };
      }
    }
    const expected = state === undefined ? 1 : state.sequence + 1;
    if (state !== undefined && r.sequence === state.sequence) {
      this.problems.push(
        problemAt(r, 'DUPLICATE_SEQUENCE', `Numéro ${r.sequence} présent plusieurs fois dans cette chaîne.`),
      );
      if (!state.sound && sound) {
        this.checkLink(r, state.before);
        state.signature = r.signature;
        state.sound = true;
      }
      return;
    }
    if (r.sequence < expected) {
      this.problems.push(
        problemAt(r, 'OUT_OF_ORDER', `Numéro ${r.sequence} hors ordre : n° ${expected} attendu.`),
      );
      return;
    }
    if (r.sequence > expected) {
      const gap = r.sequence - 1 === expected ? `n° ${expected}` : `n° ${expected} à ${r.sequence - 1}`;
      this.problems.push(problemAt(r, 'SEQUENCE_GAP', `Rupture de séquence : ${gap} manquant(s).`));
    }
    const before = state === undefined || r.sequence > expected ? undefined : state.signature;
    this.checkLink(r, before);
    const head = this.heads.get(key);
    if (head !== undefined && head.sequence === r.sequence && head.signature !== r.signature) {
      this.problems.push(
        problemAt(r, 'HEAD_MISMATCH', 'La signature diffère de celle de la tête conservée hors base.'),
      );
    }
    this.states.set(key, { sequence: r.sequence, signature: r.signature, sound, before });
    this.rules.add(r);
    this.track(book, r);
  }

  private checkLink(r: JournalRecord, before: string | undefined): void {
    if (r.sequence === 1 ? r.previousSignature !== '' : r.previousSignature !== before) {
      this.problems.push(
        problemAt(r, 'BROKEN_LINK', "Le chaînage avec l'enregistrement précédent est rompu."),
      );
    }
  }

  /** Follows the records that closures are made of. */
  private track(book: RegisterBook, r: JournalRecord): void {
    if (r.type === 'CLOSURE') {
      this.closure(book, r);
      return;
    }
    if (r.chain !== 'TICKET' && r.chain !== 'DUPLICATE') return;
    const slots = book.daySlots;
    let fed = false;
    const end = (s: DaySlot): number =>
      r.chain === 'TICKET' ? s.record.payload.tickets.to : s.record.payload.duplicates.to;
    // Daily closures cover consecutive ranges: one of them covers this record (more only if tampered).
    const first = lowerBound(slots, r.sequence, end);
    for (let i = first; i < slots.length && i < first + 8; i++) {
      const slot = slots[i] as DaySlot;
      const range = r.chain === 'TICKET' ? slot.acc?.tickets : slot.acc?.duplicates;
      if (range === undefined || range.from > r.sequence) continue;
      this.feed(slot, r);
      fed = true;
    }
    if (!fed) book.pending[r.chain].push(r);
  }

  private feed(slot: DaySlot, r: JournalRecord): void {
    if (slot.acc === undefined || slot.error !== undefined) return;
    try {
      slot.acc = addToClosure(slot.acc, r);
    } catch (error) {
      slot.error = (error as Error).message;
    }
  }

  private closure(book: RegisterBook, r: JournalRecord & { type: 'CLOSURE' }): void {
    book.closures.set(r.sequence, r);
    const p = r.payload;
    const previous = book.lastOfKind.get(p.kind)?.payload;
    book.lastOfKind.set(p.kind, r);
    if (p.kind === 'DAY') {
      const slot: DaySlot = { record: r, acc: undefined, error: undefined };
      try {
        slot.acc = openClosure('DAY', r.register, p.currency, p.periodStart, previous);
      } catch (error) {
        slot.error = (error as Error).message;
      }
      const at = lowerBound(book.daySlots, p.tickets.to, (s) => s.record.payload.tickets.to);
      book.daySlots.splice(at, 0, slot);
      // Tickets and duplicates that passed before this closure (another chain order) join it now.
      if (slot.acc !== undefined) {
        for (const chain of ['TICKET', 'DUPLICATE'] as const) {
          const list = book.pending[chain];
          const range = chain === 'TICKET' ? slot.acc.tickets : slot.acc.duplicates;
          const to = chain === 'TICKET' ? p.tickets.to : p.duplicates.to;
          for (let i = lowerBound(list, range.from, (x) => x.sequence); i < list.length; i++) {
            const x = list[i] as JournalRecord;
            if (x.sequence > to) break;
            this.feed(slot, x);
          }
        }
      }
      return;
    }
    let acc: ClosureAccumulator;
    const missing: string[] = [];
    try {
      acc = openClosure(p.kind, r.register, p.currency, p.periodStart, previous);
      const to = Math.min(p.closures.to, r.sequence - 1);
      for (let s = acc.closures.from; s <= to; s++) {
        const c = book.closures.get(s);
        if (c === undefined) missing.push(`CLOSURE n° ${s}`);
        else acc = addToClosure(acc, c);
      }
    } catch (error) {
      this.problems.push(
        problemAt(r, 'CLOSURE_MISMATCH', `Clôture incohérente : ${(error as Error).message}`),
      );
      return;
    }
    if (missing.length > 0) {
      this.problems.push(
        problemAt(
          r,
          'CLOSURE_MISMATCH',
          `Enregistrements couverts absents : ${missing.slice(0, 5).join(', ')}.`,
        ),
      );
      return;
    }
    this.compare(r, acc);
  }

  private compare(r: JournalRecord & { type: 'CLOSURE' }, acc: ClosureAccumulator): void {
    const p = r.payload;
    const expected = finishClosure(acc, p.periodLabel, p.periodEnd);
    const wrong = CLOSURE_FIELDS.filter(([field]) => !sameValue(expected[field], p[field]));
    if (wrong.length > 0) {
      this.problems.push(
        problemAt(
          r,
          'CLOSURE_MISMATCH',
          `Totaux de clôture différents des enregistrements couverts : ${wrong.map(([, label]) => label).join(', ')}.`,
        ),
      );
    }
  }

  /** Ends the verification: tails against the kept heads, the daily closures, and the report. */
  finish(): VerificationReport {
    if (!this.finished) {
      this.finished = true;
      for (const [register, chain, sequence, keyId, utc] of this.deferredTrust) {
        this.checkTrust(register, chain, sequence, keyId, utc);
      }
      for (const [key, head] of this.heads) {
        const last = this.states.get(key);
        const anchor = this.anchors.get(key);
        const reached = last?.sequence ?? (anchor === undefined ? 0 : anchor.sequence - 1);
        if (reached < head.sequence) {
          const from = reached + 1;
          this.problems.push({
            register: head.register,
            chain: head.chain,
            sequence: from,
            code: 'TAIL_TRUNCATED',
            message: `Fin de chaîne supprimée : n° ${from} à ${head.sequence} absents (tête conservée : n° ${head.sequence}).`,
          });
        }
      }
      for (const book of this.books.values()) {
        for (const slot of book.daySlots) this.finishDay(slot);
      }
      this.problems.push(...this.rules.finish());
      this.problems.sort(
        (a, b) =>
          (a.register < b.register ? -1 : a.register > b.register ? 1 : 0) ||
          CHAINS.indexOf(a.chain) - CHAINS.indexOf(b.chain) ||
          a.sequence - b.sequence,
      );
    }
    return { recordsChecked: this.checked, ok: this.problems.length === 0, problems: this.problems };
  }

  private finishDay(slot: DaySlot): void {
    const r = slot.record;
    const p = r.payload;
    if (slot.error !== undefined || slot.acc === undefined) {
      this.problems.push(
        problemAt(r, 'CLOSURE_MISMATCH', `Clôture incohérente : ${slot.error ?? 'plage illisible'}`),
      );
      return;
    }
    const missing: string[] = [];
    const acc = slot.acc;
    for (const [chain, have, want] of [
      ['TICKET', acc.tickets.to, p.tickets.to],
      ['DUPLICATE', acc.duplicates.to, p.duplicates.to],
    ] as const) {
      for (let s = have + 1; s <= want && missing.length < 5; s++) missing.push(`${chain} n° ${s}`);
    }
    if (missing.length > 0) {
      this.problems.push(
        problemAt(r, 'CLOSURE_MISMATCH', `Enregistrements couverts absents : ${missing.join(', ')}.`),
      );
      return;
    }
    this.compare(r, acc);
  }
}
