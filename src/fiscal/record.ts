/**
 * The fiscal journal's record model (NF525 checklist sections A, B, C, E, F, H, I, K).
 *
 * A record is one signed, chained entry of a register's journal. Records are chained per register and
 * per chain (checklist item 13); each chain has its own gapless sequence. A record is never changed
 * once signed: a cancellation is a new opposite record that points to the ticket it cancels.
 */
import type { Centi, Milli, Minor } from '../sales/money.ts';

/** Version of the signed-text format written in every record (docs/fiscal-format.md). */
export const FORMAT_VERSION = 'CPT1';
/** The signature algorithm of every record: ECDSA P-256 over SHA-256, IEEE P1363, base64url. */
export const SIGNATURE_ALGORITHM = 'ES256';

/**
 * The chains of a register, each with its own gapless sequence (checklist item 13):
 * - `TICKET`: sales, returns (negative tickets, item 7) and cancellations (opposite records, item 5);
 * - `BILL`: provisional documents (« document provisoire », item 9), never in a grand total;
 * - `MOVEMENT`: non-sale cash movements, out of the sales grand totals (item 4);
 * - `DUPLICATE`: reprints of a justificatif (items 24-25);
 * - `CLOSURE`: daily, monthly and yearly closures (items 27-30), the kind is a signed field;
 * - `ARCHIVE`: archive exports (item 39);
 * - `JET`: the technical events journal (items 43-46), key rotations included;
 * - `TRAINING`: tickets made in training mode (« mode école », item 50), in no total.
 */
export const CHAINS = [
  'TICKET',
  'BILL',
  'MOVEMENT',
  'DUPLICATE',
  'CLOSURE',
  'ARCHIVE',
  'JET',
  'TRAINING',
] as const;
export type Chain = (typeof CHAINS)[number];

/** The record types, each written in exactly one chain. */
export const RECORD_TYPES = [
  'TICKET',
  'CANCELLATION',
  'BILL',
  'MOVEMENT',
  'DUPLICATE',
  'CLOSURE',
  'ARCHIVE',
  'JET',
  'TRAINING',
] as const;
export type RecordType = (typeof RECORD_TYPES)[number];

export const CHAIN_OF_TYPE: Readonly<Record<RecordType, Chain>> = {
  TICKET: 'TICKET',
  CANCELLATION: 'TICKET',
  BILL: 'BILL',
  MOVEMENT: 'MOVEMENT',
  DUPLICATE: 'DUPLICATE',
  CLOSURE: 'CLOSURE',
  ARCHIVE: 'ARCHIVE',
  JET: 'JET',
  TRAINING: 'TRAINING',
};

/** A point in time as written in the journal: UTC `YYYYMMDDHHMMSS` and the local offset `±HHMM`. */
export interface Stamp {
  readonly utc: string;
  readonly offset: string;
}

/** A reference to another record of the journal (the cancelled ticket, the reprinted original, …). */
export interface RecordRef {
  readonly register: string;
  readonly chain: Chain;
  readonly sequence: number;
  readonly type: RecordType;
  readonly signature: string;
}

/** A contiguous range of sequences of one chain; empty when `from === to + 1`. */
export interface SequenceRange {
  readonly from: number;
  readonly to: number;
}

/** Totals of one VAT rate. */
export interface RateTotals {
  /** VAT rate in hundredths of a percent (20 % is 2000). */
  readonly rate: Centi;
  readonly ht: Minor;
  readonly vat: Minor;
  readonly ttc: Minor;
}

export interface SaleLine {
  readonly label: string;
  /** Quantity in thousandths; negative for a returned article. */
  readonly quantity: Milli;
  /** Unit price, including VAT when the ticket's `pricesIncludeTax` is true. */
  readonly unitPrice: Minor;
  readonly totalHt: Minor;
  readonly totalTtc: Minor;
  readonly vatRate: Centi;
}

export interface Payment {
  /** The payment mode's code, as configured on the register (`ESP`, `CB`, …). */
  readonly mode: string;
  readonly amount: Minor;
}

/** A discount as it was entered: a percentage (hundredths of a percent) or an amount. */
export interface DetailDiscount {
  readonly percent?: Centi;
  readonly amount?: Minor;
}

/**
 * One line of a sale as printed: an article line, or a composition whose `components` are article
 * lines (a composition's quantity is 1000 and its unit price its net; its amounts are its components').
 */
export interface DetailLine {
  readonly ref: string;
  readonly designation: string;
  /** Thousandths; negative for a returned article. */
  readonly quantity: Milli;
  /** The unit price as an integer scaled by `10^unitPriceScale` (TTC in TTC mode, HT in HT mode). */
  readonly unitPrice: number;
  readonly unitPriceScale: number;
  readonly vatRate: Centi;
  /** Quantity × unit price, before discounts. */
  readonly gross: Minor;
  readonly lineDiscount: Minor;
  /** This line's share of the sub-total and footer discounts. */
  readonly globalDiscount: Minor;
  /** What the line costs: gross − line discount − global discount. */
  readonly net: Minor;
  /** The line discount as entered, when there is one. */
  readonly discount?: DetailDiscount;
  /** The eco-participation included in `net` for the whole line (0 when none). */
  readonly ecoParticipation: Minor;
  readonly components?: readonly DetailLine[];
}

/** A payment as printed: what was handed over, what it settles, its mode's label. */
export interface DetailPayment {
  readonly mode: string;
  readonly label: string;
  /** What was handed over, in the ticket's currency. */
  readonly given: Minor;
  /** What it settles (after cash rounding, without its excess). */
  readonly amount: Minor;
  /** A payment handed in another currency: that amount (its minor unit) and the rate used. */
  readonly foreign?: { readonly currency: string; readonly amount: Minor; readonly rate: string };
}

export interface DetailPerson {
  readonly code: string;
  readonly name: string;
}

/**
 * Everything a receipt prints that the signed summary of a sale does not hold, so that any receipt can
 * be printed again, byte for byte, from the journal alone. It is signed through its SHA-256 (the last
 * field of the sale payload in the signed text, docs/fiscal-format.md § 2.1).
 */
export interface SaleDetail {
  /** Version of this shape: 1. */
  readonly version: number;
  /** Training mode (« mode école »). */
  readonly training: boolean;
  readonly priceMode: 'TTC' | 'HT';
  /** The customer's tax regime is exempt: the ticket was computed HT, every rate 0. */
  readonly taxExempt: boolean;
  readonly cashier: DetailPerson;
  readonly seller?: DetailPerson;
  readonly customer: DetailPerson;
  readonly lines: readonly DetailLine[];
  /** The footer discount as entered (its effect is in each line's `globalDiscount`). */
  readonly footerDiscount?: DetailDiscount;
  readonly shipping?: { readonly net: Minor; readonly vatRate: Centi };
  readonly totalVat: Minor;
  readonly payments: readonly DetailPayment[];
  /** Cash rounding: payments + rounding adjustment = total TTC (signed). */
  readonly roundingAdjustment: Minor;
  readonly change: Minor;
  readonly creditNote: Minor;
  /** Sum of the quantities of the article lines and components, in thousandths. */
  readonly articleCount: Milli;
  /** Number of article and composition lines. */
  readonly lineCount: number;
}

/**
 * The payload of a ticket, of a cancellation, of a provisional bill and of a training ticket
 * (checklist item 2). A return is a ticket with negative amounts; a cancellation carries the
 * opposite amounts of the ticket it cancels and points to it with `cancels`.
 */
export interface SalePayload {
  readonly currency: string;
  readonly operator: string;
  readonly customer: string;
  readonly pricesIncludeTax: boolean;
  /** The ticket this one cancels (only for `CANCELLATION`). */
  readonly cancels?: RecordRef;
  readonly lines: readonly SaleLine[];
  /** Per VAT rate, ordered by ascending rate, each rate once. */
  readonly perRate: readonly RateTotals[];
  readonly totalHt: Minor;
  readonly totalTtc: Minor;
  readonly payments: readonly Payment[];
  /**
   * Everything else a receipt prints (lines with references and discounts, people, payments given,
   * change, counts, training flag). Signed through its SHA-256; absent only in older test fixtures.
   */
  readonly detail?: SaleDetail;
}

/** Kinds of non-sale cash movements (checklist item 4). */
export const MOVEMENT_KINDS = [
  'FLOAT_IN',
  'FLOAT_OUT',
  'PAY_IN',
  'PAY_OUT',
  'PREPAID_REFILL',
  'TRANSFER',
] as const;
export type MovementKind = (typeof MOVEMENT_KINDS)[number];

export interface MovementPayload {
  readonly currency: string;
  readonly kind: MovementKind;
  readonly mode: string;
  readonly amount: Minor;
  readonly reason: string;
  readonly operator: string;
}

/**
 * The documents of a sale other than its sales ticket that a duplicate can copy (checklist item 24):
 * gift ticket, invoice, the vouchers (credit note, deposit, earnest money, gift card, prepaid card)
 * and the service ticket. The same names as the receipts' document kinds.
 */
export const DUPLICATE_DOCUMENTS = [
  'gift',
  'invoice',
  'credit-note',
  'deposit',
  'earnest',
  'gift-card',
  'prepaid-card',
  'service',
] as const;
export type DuplicateDocument = (typeof DUPLICATE_DOCUMENTS)[number];

/** The documents of which a sale can issue several (one per line of an issuing article). */
export const INDEXED_DUPLICATE_DOCUMENTS: readonly DuplicateDocument[] = [
  'deposit',
  'earnest',
  'gift-card',
  'prepaid-card',
];

/** A reprint of a justificatif (checklist items 24-25). */
export interface DuplicatePayload {
  readonly original: RecordRef;
  /** 1 for the first copy of that original and document, 2 for the second, … */
  readonly copyNumber: number;
  readonly reason: string;
  readonly operator: string;
  /** The document of the original that was copied; absent for its sales ticket (and older records). */
  readonly document?: DuplicateDocument;
  /** Which of the sale's vouchers of that kind (2, 3…); absent for the first (or only) one. */
  readonly index?: number;
}

export const CLOSURE_KINDS = ['DAY', 'MONTH', 'YEAR'] as const;
export type ClosureKind = (typeof CLOSURE_KINDS)[number];

export interface PaymentTotal {
  readonly mode: string;
  readonly amount: Minor;
}

/**
 * A daily, monthly or yearly closure (checklist items 27-30). A daily closure covers a range of the
 * TICKET and DUPLICATE chains; a monthly (yearly) closure covers a range of the CLOSURE chain and sums
 * the DAY (MONTH) closures found in it.
 */
export interface ClosurePayload {
  readonly kind: ClosureKind;
  readonly currency: string;
  /** `2026-11-23`, `2026-11`, `2026` (or the fiscal year's label). */
  readonly periodLabel: string;
  readonly periodStart: Stamp;
  readonly periodEnd: Stamp;
  /** DAY: the TICKET records covered. MONTH/YEAR: empty (`{from: 1, to: 0}`). */
  readonly tickets: SequenceRange;
  /** DAY: the DUPLICATE records covered. MONTH/YEAR: empty. */
  readonly duplicates: SequenceRange;
  /** MONTH/YEAR: the CLOSURE records covered. DAY: empty. */
  readonly closures: SequenceRange;
  readonly perRate: readonly RateTotals[];
  readonly perPayment: readonly PaymentTotal[];
  readonly ticketCount: number;
  readonly cancellationCount: number;
  readonly duplicateCount: number;
  /** Sum of the positive ticket totals TTC. */
  readonly salesTtc: Minor;
  /** Sum of the absolute values of the negative ticket totals TTC (returns and cancellations). */
  readonly returnsTtc: Minor;
  /** Grand total of the period, real value: sales − returns. */
  readonly periodTotal: Minor;
  /** Grand total of the period, absolute value: sales + returns. */
  readonly periodTotalAbs: Minor;
  /** Perpetual grand total, real value: never reset. */
  readonly perpetualTotal: Minor;
  /** Perpetual grand total, absolute value: never reset. */
  readonly perpetualTotalAbs: Minor;
  /** Signature of the last ticket covered (of the last covered closure's for MONTH/YEAR), or ''. */
  readonly lastTicketSignature: string;
}

export interface ArchivePayload {
  readonly periodLabel: string;
  readonly periodStart: Stamp;
  readonly periodEnd: Stamp;
  readonly recordCount: number;
  /** SHA-256 (hex) of the archive's content. */
  readonly contentSha256: string;
  readonly operator: string;
}

/**
 * Codes of the technical events journal (JET). Codes below 1000 are those known from integrators'
 * mappings of NF525 (checklist item 44); codes from 1000 are Comptoir's own (item 45), chosen away
 * from the published range so that they never collide with it.
 */
export const JET_CODES = {
  /** 10 and 15: change of continuous-sequence management mode (begin / end). */
  SEQUENCE_MODE_CHANGE: 10,
  SEQUENCE_MODE_CHANGE_END: 15,
  INTERMEDIATE_ARCHIVE: 20,
  PERIOD_ARCHIVE: 30,
  TERMINAL_STOP: 40,
  PERIOD_CLOSURE: 50,
  DEGRADED_MODE_START: 70,
  INTEGRITY_FLAW: 90,
  DEGRADED_MODE_END: 120,
  WORKSTATION_ADDED: 126,
  WORKSTATION_REMOVED: 127,
  DATA_INITIALISATION: 260,
  APPLICATION_START: 1000,
  LOGIN: 1010,
  LOGOUT: 1011,
  RIGHTS_OVERRIDE: 1020,
  SETTINGS_CHANGE: 1030,
  TRAINING_ON: 1040,
  TRAINING_OFF: 1041,
  IMPORT: 1050,
  EXPORT: 1051,
  VERSION_CHANGE: 1060,
  VERIFICATION_RUN: 1070,
  KEY_ROTATION: 1080,
  TICKET_ABANDONED: 1090,
  LINE_VOIDED: 1091,
  FORBIDDEN_WRITE_REFUSED: 1100,
  CLOCK_BEHIND: 1120,
  HEADS_ACKNOWLEDGED: 1121,
  RUNNING_STATE_REBUILT: 1122,
  ANCHOR_FAILED: 1123,
  USER_CREATED: 1140,
  USER_CHANGED: 1141,
  PIN_RESET: 1142,
  PERSONAL_DATA_ERASED: 1220,
} as const;
export type JetCodeName = keyof typeof JET_CODES;

/** The French label of each JET code, for reports and the description of generated events. */
export const JET_LABELS: Readonly<Record<JetCodeName, string>> = {
  SEQUENCE_MODE_CHANGE: 'Changement du mode de gestion de la séquence continue',
  SEQUENCE_MODE_CHANGE_END: 'Fin du changement du mode de gestion de la séquence continue',
  INTERMEDIATE_ARCHIVE: 'Archivage fiscal intermédiaire',
  PERIOD_ARCHIVE: "Archivage fiscal de fin d'exercice ou de période",
  TERMINAL_STOP: 'Arrêt ou déconnexion du poste',
  PERIOD_CLOSURE: 'Clôture de période (jour, mois, exercice)',
  DEGRADED_MODE_START: 'Début du mode dégradé (hors ligne)',
  INTEGRITY_FLAW: "Détection d'un défaut d'intégrité des données sécurisées ou d'une archive",
  DEGRADED_MODE_END: 'Fin du mode dégradé',
  WORKSTATION_ADDED: "Ajout d'un poste",
  WORKSTATION_REMOVED: "Retrait d'un poste",
  DATA_INITIALISATION: 'Initialisation des données',
  APPLICATION_START: "Démarrage de l'application",
  LOGIN: 'Connexion',
  LOGOUT: 'Déconnexion',
  RIGHTS_OVERRIDE: 'Dérogation de droits par un responsable',
  SETTINGS_CHANGE: 'Modification de paramètres',
  TRAINING_ON: 'Entrée en mode école',
  TRAINING_OFF: 'Sortie du mode école',
  IMPORT: 'Import de données',
  EXPORT: 'Export de données',
  VERSION_CHANGE: 'Changement de version du logiciel',
  VERIFICATION_RUN: 'Contrôle des données signées',
  KEY_ROTATION: 'Changement de clé de signature',
  TICKET_ABANDONED: 'Ticket abandonné avant validation',
  LINE_VOIDED: 'Ligne annulée',
  FORBIDDEN_WRITE_REFUSED: "Tentative refusée de modification ou de suppression d'un enregistrement",
  CLOCK_BEHIND: 'Signature refusée : horloge en retard sur le dernier enregistrement',
  HEADS_ACKNOWLEDGED: 'Écart entre le journal et ses têtes de chaîne reconnu par un responsable',
  RUNNING_STATE_REBUILT: "État courant de la caisse reconstruit d'après les enregistrements signés",
  ANCHOR_FAILED: 'Envoi des têtes de chaîne à un témoin impossible',
  USER_CREATED: "Création d'un utilisateur",
  USER_CHANGED: "Modification d'un utilisateur",
  PIN_RESET: "Réinitialisation d'un code PIN",
  PERSONAL_DATA_ERASED: "Effacement des données personnelles d'un client (RGPD)",
};

export interface JetPayload {
  readonly code: number;
  readonly description: string;
  readonly operator: string;
  /** Free details (for example the new key id of a rotation, the result of a verification run). */
  readonly data: string;
}

export interface PayloadOfType {
  TICKET: SalePayload;
  CANCELLATION: SalePayload;
  BILL: SalePayload;
  TRAINING: SalePayload;
  MOVEMENT: MovementPayload;
  DUPLICATE: DuplicatePayload;
  CLOSURE: ClosurePayload;
  ARCHIVE: ArchivePayload;
  JET: JetPayload;
}

/** The fields of a record that its signed text is built from. */
interface RecordFieldsOf<T extends RecordType> {
  readonly format: string;
  readonly register: string;
  readonly chain: Chain;
  readonly sequence: number;
  readonly type: T;
  readonly timestamp: Stamp;
  readonly softwareVersion: string;
  readonly keyId: string;
  readonly payload: PayloadOfType[T];
  /** The previous record's signature in the same register × chain, '' for the first record. */
  readonly previousSignature: string;
}

export type RecordFields = { [T in RecordType]: RecordFieldsOf<T> }[RecordType];

/** A signed record: its fields, the exact text that was signed, and the signature. */
export type JournalRecord = RecordFields & {
  readonly signedText: string;
  readonly signature: string;
};

/** The head of one register × chain: what is also kept outside the database (checklist item 16). */
export interface ChainHead {
  readonly register: string;
  readonly chain: Chain;
  readonly sequence: number;
  readonly signature: string;
}

/** What the caller gives to append a record: the rest (chain, sequence, link, key) is filled in. */
export type RecordDraft = {
  [T in RecordType]: {
    readonly register: string;
    readonly type: T;
    readonly softwareVersion: string;
    readonly payload: PayloadOfType[T];
  };
}[RecordType];

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

/**
 * The stamp of an instant: `now` in UTC to the second, with the local offset east of UTC in minutes
 * (Paris in winter is 60, in summer 120).
 */
export function stampOf(now: Date, offsetMinutes: number): Stamp {
  if (!Number.isFinite(now.getTime())) throw new RangeError('Date invalide.');
  if (!Number.isInteger(offsetMinutes) || Math.abs(offsetMinutes) > 14 * 60) {
    throw new RangeError(`Décalage horaire invalide : ${offsetMinutes} minutes.`);
  }
  const utc =
    pad(now.getUTCFullYear(), 4) +
    pad(now.getUTCMonth() + 1, 2) +
    pad(now.getUTCDate(), 2) +
    pad(now.getUTCHours(), 2) +
    pad(now.getUTCMinutes(), 2) +
    pad(now.getUTCSeconds(), 2);
  const abs = Math.abs(offsetMinutes);
  const offset = `${offsetMinutes < 0 ? '-' : '+'}${pad(Math.floor(abs / 60), 2)}${pad(abs % 60, 2)}`;
  return { utc, offset };
}

const stampPattern = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/;

/** The instant of a stamp (the offset does not change the instant). */
export function instantOf(stamp: Stamp): Date {
  const match = stampPattern.exec(stamp.utc);
  if (match === null) throw new RangeError(`Horodatage invalide : ${stamp.utc}.`);
  const [, y, mo, d, h, mi, s] = match.map(Number);
  return new Date(Date.UTC(y ?? 0, (mo ?? 1) - 1, d ?? 1, h ?? 0, mi ?? 0, s ?? 0));
}

/** The reference to a record, for a cancellation or a duplicate. */
export function refOf(record: JournalRecord): RecordRef {
  return {
    register: record.register,
    chain: record.chain,
    sequence: record.sequence,
    type: record.type,
    signature: record.signature,
  };
}
