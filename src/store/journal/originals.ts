/**
 * The original of each document of a sale is issued once (issue 11 item 6, checklist items 23-24):
 * at the register's receipt choice (paper or e-mail), or at its first rendering by a command. The
 * fact is kept in `issued_originals` (migration 0009), not in the signed journal: the sale is the
 * fiscal record and its copies are the DUPLICATE chain; whether its paper was handed over is a fact of
 * delivery. The table's primary key makes the claim atomic across processes (the server and a command
 * racing for the same original: one wins, the other is refused), and its triggers make it
 * append-only, so that no path of the application issues an original twice. Every later copy goes
 * through `recordDuplicate`.
 */
import { type Chain, DUPLICATE_DOCUMENTS, type DuplicateDocument } from '../../fiscal/record.ts';
import type { Db } from './core.ts';
import { JournalError } from './errors.ts';
import { journalNameOf } from './register-data.ts';

/** The documents of a sale: its ticket, or one that the sale issued (the DUPLICATE payload's names). */
export type SaleDocumentName = 'ticket' | DuplicateDocument;

/** How an original left: the register's receipt choice, or the command that rendered it. */
export const ORIGINAL_CHANNELS = ['print', 'email', 'text', 'escpos', 'pdf'] as const;
export type OriginalChannel = (typeof ORIGINAL_CHANNELS)[number];

/**
 * One document of one record: a sale's (a ticket, a cancellation, a training ticket: which of its
 * documents) or a closure's report (`ticket`, the record's own document).
 */
export interface DocumentRef {
  /** The register's number. */
  readonly register: number;
  readonly chain: Extract<Chain, 'TICKET' | 'TRAINING' | 'CLOSURE'>;
  readonly sequence: number;
  readonly document: SaleDocumentName;
  /** Which of the sale's vouchers of that kind, 1-based (1 for the first or only one). */
  readonly index?: number;
}

export interface IssuedOriginal {
  readonly issuedAt: string;
  readonly channel: OriginalChannel;
  /** Empty when no user was named. */
  readonly operator: string;
}

export interface IssueInput {
  readonly at: Date;
  readonly channel: OriginalChannel;
  readonly operator: string;
}

/** What the French messages call each document: « du ticket », « de la facture »… */
const OF_DOCUMENT: Readonly<Record<SaleDocumentName, string>> = {
  ticket: 'du ticket',
  gift: 'du ticket cadeau',
  invoice: 'de la facture',
  'credit-note': 'du bon d’avoir',
  deposit: 'du bon d’acompte',
  earnest: 'du bon d’arrhes',
  'gift-card': 'de la carte cadeau',
  'prepaid-card': 'de la carte prépayée',
  service: 'du ticket de service',
};

const CHANNEL_WORDS: Readonly<Record<OriginalChannel, string>> = {
  print: 'sur papier',
  email: 'par e-mail',
  text: 'en texte (comptoir receipt text)',
  escpos: 'sur imprimante ESC/POS (comptoir receipt escpos)',
  pdf: 'en PDF (comptoir receipt pdf)',
};

function checkRef(ref: DocumentRef): void {
  if (ref.chain === 'CLOSURE' && ref.document !== 'ticket') {
    throw new JournalError(
      'INVALID_INPUT',
      `Une clôture n’émet que son rapport, pas de document ${ref.document}.`,
    );
  }
  if (ref.document !== 'ticket' && !(DUPLICATE_DOCUMENTS as readonly string[]).includes(ref.document)) {
    throw new JournalError('INVALID_INPUT', `Document inconnu : ${String(ref.document)}.`);
  }
  const index = ref.index ?? 1;
  if (!Number.isSafeInteger(index) || index < 1) {
    throw new JournalError('INVALID_INPUT', `Rang du document invalide : ${index} (entier positif).`);
  }
}

/** « de la facture du ticket 1-000042 », for the messages. */
export function documentWords(ref: DocumentRef): string {
  if (ref.chain === 'CLOSURE') {
    return `du rapport de clôture ${ref.register}-Z${String(ref.sequence).padStart(6, '0')}`;
  }
  const number = `${ref.chain === 'TRAINING' ? 'X' : ''}${ref.register}-${String(ref.sequence).padStart(6, '0')}`;
  const rank = (ref.index ?? 1) === 1 ? '' : ` n° ${ref.index}`;
  return ref.document === 'ticket'
    ? `du ticket ${number}`
    : `${OF_DOCUMENT[ref.document]}${rank} du ticket ${number}`;
}

/** « le 23/11/2026 à 15:25:01 UTC, sur papier, par CAISSE1 ». */
export function issuedWords(issued: IssuedOriginal): string {
  const at = issued.issuedAt.replace(/^(\d{4})-(\d{2})-(\d{2})T(\d{2}:\d{2}:\d{2}).*$/, '$3/$2/$1 à $4 UTC');
  const by = issued.operator === '' ? '' : `, par ${issued.operator}`;
  return `le ${at}, ${CHANNEL_WORDS[issued.channel] ?? issued.channel}${by}`;
}

/** The refusal of a second original: what was issued, and how to ask for a duplicate. */
export class OriginalIssuedError extends JournalError {
  constructor(
    readonly ref: DocumentRef,
    readonly issued: IssuedOriginal,
  ) {
    super(
      'ALREADY_ISSUED',
      `L’original ${documentWords(ref)} a déjà été remis (${issuedWords(issued)}) : toute nouvelle copie est un duplicata, journalisé avec son motif et l’utilisateur qui le demande.`,
    );
  }
}

function rowOf(ref: DocumentRef) {
  return {
    register: journalNameOf(ref.register),
    chain: ref.chain,
    sequence: ref.sequence,
    document: ref.document,
    doc_index: ref.index ?? 1,
  };
}

/** When and how the original of a document was issued, or undefined when it was not yet. */
export async function issuedOriginal(db: Db, ref: DocumentRef): Promise<IssuedOriginal | undefined> {
  checkRef(ref);
  const key = rowOf(ref);
  const row = await db
    .selectFrom('issued_originals')
    .select(['issued_at', 'channel', 'operator'])
    .where('register', '=', key.register)
    .where('chain', '=', key.chain)
    .where('sequence', '=', key.sequence)
    .where('document', '=', key.document)
    .where('doc_index', '=', key.doc_index)
    .executeTakeFirst();
  return row === undefined
    ? undefined
    : { issuedAt: row.issued_at, channel: row.channel as OriginalChannel, operator: row.operator };
}

/**
 * Issues the originals of `refs`, all or none: when one of them was already issued, nothing is written
 * and `OriginalIssuedError` (ALREADY_ISSUED) names it. Run it inside the transaction that hands the
 * documents over (the e-mails queued, the file written), so that a failure there issues nothing.
 */
export async function issueOriginals(db: Db, refs: readonly DocumentRef[], input: IssueInput): Promise<void> {
  if (refs.length === 0) return;
  if (!(ORIGINAL_CHANNELS as readonly string[]).includes(input.channel)) {
    throw new JournalError('INVALID_INPUT', `Canal de remise inconnu : ${String(input.channel)}.`);
  }
  for (const ref of refs) checkRef(ref);
  const run = async (trx: Db) => {
    for (const ref of refs) {
      const inserted = await trx
        .insertInto('issued_originals')
        .values({
          ...rowOf(ref),
          issued_at: input.at.toISOString(),
          channel: input.channel,
          operator: input.operator,
        })
        .onConflict((oc) => oc.doNothing())
        .executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 0) {
        const issued = await issuedOriginal(trx, ref);
        if (issued === undefined) throw new Error('issued_originals : conflit sans ligne');
        throw new OriginalIssuedError(ref, issued);
      }
    }
  };
  await (db.isTransaction ? run(db) : db.transaction().execute(run));
}
