/**
 * The tables of the store database, as Kysely sees them. One interface serves SQLite and PostgreSQL:
 * amounts are integers in minor units (`integer` in SQLite, `bigint` read back as a number in
 * PostgreSQL), rates are `Centi`, quantities `Milli`, flags are 0/1 integers on both engines, instants
 * are ISO 8601 UTC texts, and settings that travel together are one JSON text validated by zod.
 */
import type { Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { Centi, Milli, Minor } from '../sales/money.ts';

/** A boolean stored as 0 or 1 (SQLite has no boolean type; PostgreSQL uses the same column). */
export type Flag = 0 | 1;

export interface StoresTable {
  id: Generated<number>;
  code: string;
  name: string;
  sign: string;
  address1: string;
  address2: string;
  postal_code: string;
  city: string;
  country: string;
  siret: string;
  naf: string;
  vat_number: string;
  email: string;
  web: string;
  phone: string;
  fax: string;
  footer: string;
  currency: string;
  secondary_currency: string | null;
  /** Units of the secondary currency for one unit of the main one, ×1,000,000. */
  secondary_rate_micro: number | null;
  created_at: string;
  updated_at: string;
}

export interface DepotsTable {
  code: string;
  store_id: number;
  name: string;
}

export interface RegistersTable {
  id: Generated<number>;
  store_id: number;
  number: number;
  name: string;
  depot_code: string;
  printer_kind: string;
  default_seller_code: string | null;
  default_customer_code: string;
  /** JSON text, see `registerSettingsSchema`. */
  settings: string;
  created_at: string;
  updated_at: string;
}

export interface UsersTable {
  id: Generated<number>;
  code: string;
  name: string;
  role: string;
  /** JSON array of right names. */
  rights: string;
  /** `scrypt$N$r$p$salt$hash`, base64 parts. */
  pin_hash: string;
  /** The commercial code the cashier types in the viseur, when the user sells. */
  seller_code: string | null;
  register_id: number | null;
  active: Flag;
  created_at: string;
  updated_at: string;
}

export interface PaymentModesTable {
  id: Generated<number>;
  store_id: number;
  /** null: the mode applies to every register of the store. */
  register_id: number | null;
  code: string;
  label: string;
  /** What an amount above the remaining due gives: `refuse`, `change` or `creditNote`. */
  excess: string;
  /** Cash rounding step in minor units; 0 or 1: none. */
  rounding_step: Minor;
  opens_drawer: Flag;
  active: Flag;
  position: number;
}

export interface VatRatesTable {
  id: Generated<number>;
  code: string;
  rate: Centi;
  label: string;
  active: Flag;
}

export interface FamiliesTable {
  /** 1: first statistical family (`*FAM`), 2: second (`+FAM`). */
  level: number;
  code: string;
  label: string;
}

export interface TariffsTable {
  code: string;
  label: string;
}

export interface ArticlesTable {
  id: Generated<number>;
  ref: string;
  designation: string;
  /** The designation upper-cased without accents, for `-TEXT` searches. */
  designation_search: string;
  family1: string | null;
  family2: string | null;
  vat_rate_id: number;
  lot_serial: Flag;
  composed: Flag;
  stock_managed: Flag;
  eco_participation: Minor;
  active: Flag;
  /** What a sale of it issues besides the ticket (`ISSUED_KINDS`), null for an ordinary article. */
  issues: string | null;
  created_at: string;
  updated_at: string;
}

export interface ArticleBarcodesTable {
  barcode: string;
  article_id: number;
  /** `ean13` (checksum validated) or `other`. */
  kind: string;
}

export interface SupplierRefsTable {
  supplier_code: string;
  supplier_ref: string;
  article_id: number;
}

export interface ArticlePricesTable {
  article_id: number;
  tariff_code: string;
  /** TTC price in minor units. */
  price: Minor;
}

export interface PromotionsTable {
  id: Generated<number>;
  article_id: number;
  /** null: every tariff. */
  tariff_code: string | null;
  label: string;
  price: Minor;
  /** Inclusive start, ISO instant. */
  starts_at: string;
  /** Exclusive end, ISO instant. */
  ends_at: string;
}

export interface StockTable {
  article_id: number;
  depot_code: string;
  quantity: Milli;
}

export interface ArticleComponentsTable {
  parent_id: number;
  position: number;
  component_id: number;
  quantity: Milli;
}

export interface CustomersTable {
  id: Generated<number>;
  code: string;
  card_number: string | null;
  name: string;
  name_search: string;
  address1: string;
  address2: string;
  postal_code: string;
  city: string;
  country: string;
  email: string;
  phone: string;
  tax_exempt: Flag;
  tariff_code: string | null;
  seller_code: string | null;
  loyalty_points: number;
  visits: number;
  consent_email_receipts: Flag;
  consent_mailings: Flag;
  demat_letter_sent: Flag;
  demat_refused: Flag;
  created_at: string;
  updated_at: string;
  /** ISO instant of the erasure of the personal fields (GDPR), null while the customer is known. */
  anonymised_at: string | null;
}

/** A record of the fiscal journal (append-only, see migration 0002-journal). */
export interface JournalTable {
  register: string;
  chain: string;
  sequence: number;
  type: string;
  stamp_utc: string;
  stamp_offset: string;
  format: string;
  software_version: string;
  key_id: string;
  /** Canonical JSON of the payload. */
  payload: string;
  previous_signature: string;
  signed_text: string;
  signature: string;
  ref_chain: string | null;
  ref_sequence: number | null;
  total_ttc: Minor | null;
}

export interface JournalIdempotencyTable {
  register: string;
  key: string;
  chain: string;
  sequence: number;
  request_sha256: string;
  created_at: string;
}

/** A register's running fiscal state (mutable, rebuilt from the journal if ever lost). */
export interface JournalRegistersTable {
  register: string;
  currency: string;
  closure_state: string;
  first_sale_at: string | null;
  last_day_closure_at: string | null;
  perpetual_total: Minor;
  perpetual_total_abs: Minor;
  updated_at: string;
}

export interface HeldTicketsTable {
  id: Generated<number>;
  register: string;
  held_at: string;
  operator: string;
  label: string;
  state: string;
}

/** A ticket in progress held by the server (migration 0004-server). */
export interface ServerTicketsTable {
  id: string;
  register_number: number;
  opened_by: string;
  status: string;
  state: string;
  version: number;
  idempotency_key: string | null;
  sale: string | null;
  receipt: string | null;
  created_at: string;
  updated_at: string;
}

/** A register session (migration 0004-server); the token is kept as its SHA-256 only. */
export interface ServerSessionsTable {
  token_hash: string;
  user_code: string;
  register_number: number;
  created_at: string;
  expires_at: string;
}

export interface Database {
  stores: StoresTable;
  depots: DepotsTable;
  registers: RegistersTable;
  users: UsersTable;
  payment_modes: PaymentModesTable;
  vat_rates: VatRatesTable;
  families: FamiliesTable;
  tariffs: TariffsTable;
  articles: ArticlesTable;
  article_barcodes: ArticleBarcodesTable;
  supplier_refs: SupplierRefsTable;
  article_prices: ArticlePricesTable;
  promotions: PromotionsTable;
  stock: StockTable;
  article_components: ArticleComponentsTable;
  customers: CustomersTable;
  journal: JournalTable;
  journal_idempotency: JournalIdempotencyTable;
  journal_registers: JournalRegistersTable;
  held_tickets: HeldTicketsTable;
  server_tickets: ServerTicketsTable;
  server_sessions: ServerSessionsTable;
  mail_outbox: MailOutboxTable;
  price_history: PriceHistoryTable;
  issued_originals: IssuedOriginalsTable;
  mail_settings: MailSettingsTable;
  register_shortcuts: RegisterShortcutsTable;
  till_days: TillDaysTable;
  return_causes: ReturnCausesTable;
  instrument_kinds: InstrumentKindsTable;
  instruments: InstrumentsTable;
  instrument_ledger: InstrumentLedgerTable;
  ticket_returns: TicketReturnsTable;
  print_jobs: PrintJobsTable;
  card_payments: CardPaymentsTable;
  stock_movements: StockMovementsTable;
  stock_documents: StockDocumentsTable;
}

/** A document queued for a register's printer (migration 0017, `src/receipts/print-queue.ts`). */
export interface PrintJobsTable {
  id: Generated<number>;
  register_number: number;
  target: string;
  label: string;
  /** ESC/POS bytes, base64. */
  bytes: string;
  /** `waiting`, `sending`, `printed` or `cancelled`. */
  status: string;
  attempts: Generated<number>;
  last_error: string | null;
  created_at: string;
  printed_at: string | null;
}

/** A card payment answered by the Caisse-AP terminal (migration 0017, `src/terminal/`). */
export interface CardPaymentsTable {
  id: Generated<number>;
  register_number: number;
  attempt: string;
  ticket: string;
  direction: string;
  amount_asked: number;
  amount_paid: number;
  outcome: string;
  reason: string | null;
  application: string | null;
  authorisation: string | null;
  masked_pan: string | null;
  created_at: string;
}

/** An article shortcut button of a register (migration 0010, `src/store/shortcuts.ts`). */
export interface RegisterShortcutsTable {
  id: Generated<number>;
  register_id: number;
  position: number;
  article_ref: string;
  label: string;
  color: string;
  picture: string | null;
}

/** A register's till day, opening to closing count (migration 0015, `src/store/till.ts`). */
export interface TillDaysTable {
  id: Generated<number>;
  register: string;
  opened_at: string;
  opened_by: string;
  movement_from: number;
  ticket_from: number;
  float_amount: number;
  closed_at: string | null;
  closed_by: string | null;
  movement_to: number | null;
  ticket_to: number | null;
  closure_sequence: number | null;
  kept: number | null;
  counts: string | null;
}

export type StoreRow = Selectable<StoresTable>;
export type ArticleRow = Selectable<ArticlesTable>;
export type NewArticleRow = Insertable<ArticlesTable>;
export type ArticleUpdate = Updateable<ArticlesTable>;
export type CustomerRow = Selectable<CustomersTable>;
export type NewCustomerRow = Insertable<CustomersTable>;
export type UserRow = Selectable<UsersTable>;
export type RegisterRow = Selectable<RegistersTable>;
export type PaymentModeRow = Selectable<PaymentModesTable>;

/** The tables in an order where each one comes after the tables it references. */
/**
 * A change of an existing article's price, VAT rate or eco-participation (migration 0006, checklist
 * item 46). Append-only: triggers refuse UPDATE and DELETE.
 */
export interface PriceHistoryTable {
  id: Generated<number>;
  article_ref: string;
  /** `price`, `vat_rate` or `eco_participation`. */
  field: string;
  tariff_code: string | null;
  old_value: number | null;
  new_value: number | null;
  changed_at: string;
}

/**
 * The original of a sale's document, issued once (migration 0009, issue 11 item 6): every later copy
 * is a DUPLICATE record. Append-only: triggers refuse UPDATE and DELETE.
 */
export interface IssuedOriginalsTable {
  register: string;
  chain: string;
  sequence: number;
  document: string;
  doc_index: number;
  issued_at: string;
  channel: string;
  operator: string;
}

export const TABLES_IN_DEPENDENCY_ORDER: readonly (keyof Database)[] = [
  'stores',
  'depots',
  'registers',
  'users',
  'payment_modes',
  'vat_rates',
  'families',
  'tariffs',
  'articles',
  'article_barcodes',
  'supplier_refs',
  'article_prices',
  'promotions',
  'stock',
  'article_components',
  'customers',
  'mail_settings',
  'mail_outbox',
  'register_shortcuts',
  'print_jobs',
  'card_payments',
];

/** One e-mail to send (migration 0003, `src/mail/outbox.ts`); instants are ISO 8601 UTC texts. */
export interface MailOutboxTable {
  id: Generated<number>;
  /** `<uuid@sender-domain>`, fixed when queued: a resend after a crash is the same message. */
  message_id: string;
  store_id: number | null;
  sender_name: string;
  sender_address: string;
  recipient: string;
  subject: string;
  text_body: string;
  html_body: string;
  attachment_name: string | null;
  attachment: Uint8Array | null;
  document_type: string;
  reference: string;
  /** `queued`, `sending`, `sent`, `retrying` or `failed`. */
  status: string;
  attempts: number;
  next_attempt_at: string;
  give_up_at: string;
  claim_token: string | null;
  lease_until: string | null;
  last_code: number | null;
  last_response: string | null;
  created_at: string;
  updated_at: string;
  sent_at: string | null;
}

/** The mail settings of a store; the password never leaves `src/mail/store-settings.ts`. */
export interface MailSettingsTable {
  store_id: number;
  smtp_host: Generated<string>;
  smtp_port: Generated<number>;
  smtp_security: Generated<string>;
  smtp_user: Generated<string>;
  smtp_password: Generated<string>;
  /** JSON text, see `mailSettingsSchema`. */
  settings: Generated<string>;
  updated_at: string;
}

/** The store's return causes (migration 0016, issue 14): a setting. */
export interface ReturnCausesTable {
  code: string;
  label: string;
  active: Flag;
}

/** Each instrument kind's validity in days, null for none (migration 0016): a setting. */
export interface InstrumentKindsTable {
  kind: string;
  validity_days: number | null;
}

/** A numbered instrument issued (migration 0016): append-only. */
export interface InstrumentsTable {
  number: string;
  kind: string;
  currency: string;
  issued_at: string;
  expires_at: string | null;
  register: string;
  chain: string;
  sequence: number;
  customer: string;
}

/** One movement of an instrument (migration 0016): append-only; the balance is the sum. */
export interface InstrumentLedgerTable {
  number: string;
  entry: number;
  amount: Minor;
  register: string;
  chain: string;
  sequence: number;
  at: string;
  operator: string;
}

/** Which ticket a return ticket modifies (migration 0016): append-only. */
export interface TicketReturnsTable {
  register: string;
  sequence: number;
  original_sequence: number;
  cause: string;
}

/** One change of an article's quantity in a depot (migration 0018). Append-only: triggers refuse UPDATE and DELETE. */
export interface StockMovementsTable {
  id: Generated<number>;
  article_id: number;
  depot_code: string;
  /** Signed thousandths: what enters the depot is positive. */
  quantity: Milli;
  /** `StockMovementKind`, see src/store/stock.ts. */
  kind: string;
  document: string;
  unit_cost: Minor | null;
  operator: string;
  created_at: string;
}

/** A stock document (ME-, ME+, reception, count), draft then validated (migration 0018). */
export interface StockDocumentsTable {
  id: Generated<number>;
  number: string;
  kind: string;
  status: string;
  depot_code: string;
  other_depot_code: string | null;
  receives: string | null;
  supplier: Generated<string>;
  note: Generated<string>;
  /** JSON array of `{ ref, quantity, unitCost? }`. */
  lines: string;
  operator: string;
  created_at: string;
  validated_at: string | null;
}
