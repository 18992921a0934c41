/**
 * The API client of the register: typed by the server's own zod schemas (types only: nothing of zod
 * reaches the browser), one JSON call per action, French errors with their machine codes.
 */
import type { z } from 'zod';
import type { MailSettings } from '../../src/mail/settings.ts';
import type { registerView, userView } from '../../src/server/admin-schema.ts';
import type { ClosurePayload, DuplicatePayload, SalePayload } from '../../src/server/record-schema.ts';
import type { identityView } from '../../src/server/routes/health.ts';
import type { articleRecordView, articleView, importJobView, sessionView } from '../../src/server/schemas.ts';
import type { RegisterSettings } from '../../src/store/validation.ts';
import type {
  Authorization,
  Customer,
  JournalRecord,
  RegisterInfo,
  RegisterShortcut,
  Ticket,
} from './api-types.ts';

export type {
  Authorization,
  Customer,
  Item,
  JournalRecord,
  RegisterInfo,
  RegisterShortcut,
  Ticket,
} from './api-types.ts';

export type Article = z.output<typeof articleView>;
/** A user as the back office lists them (`GET /api/users`). */
export type User = z.output<typeof userView>;
export type Role = User['role'];
export type Right = User['rights'][number];
/** A register of the store with its key in force (`GET /api/registers`). */
export type RegisterRow = z.output<typeof registerView>;
export interface Family {
  level: 1 | 2;
  code: string;
  label: string;
}
export interface VatRate {
  code: string;
  /** Hundredths of a percent (20 % = 2000). */
  rate: number;
  label: string;
  active: boolean;
}
/** The body of `POST /api/customers`. */
export interface NewCustomer {
  code: string;
  name: string;
  email?: string;
  phone?: string;
  postalCode?: string;
  city?: string;
}
export type SessionInfo = z.output<typeof sessionView>;
export type SoftwareIdentity = z.output<typeof identityView>;
/** An article whole (`GET /api/articles/:ref`), as its form edits it. */
export type ArticleRecord = z.output<typeof articleRecordView>;
/** The body of `PUT /api/articles/:ref`: the article without its reference (in the path). */
export type ArticleChange = Omit<ArticleRecord, 'ref'>;
/** A CSV import under way or finished (`GET /api/import/jobs/:id`). */
export type ImportJob = z.output<typeof importJobView>;
export type CsvKind = ImportJob['kind'];
export type { ClosurePayload, DuplicatePayload, SalePayload };
export type ClosureKind = ClosurePayload['kind'];

/** The body of `PATCH /api/customers/:code`: only the fields given change, the others are kept. */
export type CustomerChanges = Partial<
  Omit<Customer, 'code' | 'loyaltyPoints' | 'visits' | 'cardNumber' | 'sellerCode' | 'tariff'>
> & {
  cardNumber?: string | null;
  sellerCode?: string | null;
  tariff?: string | null;
};

export interface Page<T> {
  kind?: string;
  items: T[];
  offset: number;
  limit: number;
  hasMore: boolean;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: unknown,
    /** The field at fault, when the server names one (`siret`, `smtp.host`…). */
    readonly field: string | undefined = undefined,
  ) {
    super(message);
  }
  /** A confidential operation: a manager's code given on the spot unlocks it. */
  get needsManager(): boolean {
    return this.status === 403 && this.code === 'RIGHT_REQUIRED';
  }
  /** Refused for the manager's code itself (unknown, wrong PIN, locked, without the right). */
  get managerRefused(): boolean {
    return this.status === 401 || this.status === 403 || this.status === 429;
  }
}

let token: string | null = sessionStorage.getItem('comptoir.token');

export function setToken(value: string | null): void {
  token = value;
  if (value === null) sessionStorage.removeItem('comptoir.token');
  else sessionStorage.setItem('comptoir.token', value);
}
export const hasToken = (): boolean => token !== null;

export async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  return send<T>(
    method,
    path,
    body === undefined ? undefined : { type: 'application/json', data: JSON.stringify(body) },
  );
}

/** A request with a body of its own type (a file), answered in JSON like `call`. */
async function send<T>(method: string, path: string, body?: { type: string; data: BodyInit }): Promise<T> {
  const headers: Record<string, string> = {};
  if (token !== null) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = body.type;
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      ...(body === undefined ? {} : { body: body.data }),
    });
  } catch {
    throw new ApiError(0, 'NETWORK', 'Serveur injoignable : vérifiez le réseau', undefined);
  }
  const text = await response.text();
  let parsed: unknown = null;
  try {
    parsed = text === '' ? null : JSON.parse(text);
  } catch {
    parsed = null;
  }
  if (!response.ok) {
    const error = (parsed ?? {}) as { code?: string; message?: string; details?: unknown; field?: string };
    throw new ApiError(
      response.status,
      error.code ?? 'HTTP_ERROR',
      error.message ?? `Erreur du serveur (${response.status})`,
      error.details,
      error.field,
    );
  }
  return parsed as T;
}

export interface ShortcutList {
  register: number;
  items: RegisterShortcut[];
}
/** One button as the editor sends it (`PUT /api/registers/:number/shortcuts`). */
export interface ShortcutChange {
  ref: string;
  label: string;
  color: string;
  picture: string | null;
}

/** `GET /api/outbox` items (src/server/routes/mail.ts `outboxItemView`). */
export interface OutboxItem {
  id: number;
  to: string;
  subject: string;
  kind: string;
  reference: string;
  status: 'queued' | 'sending' | 'retrying' | 'sent' | 'failed';
  attempts: number;
  nextAttemptAt: string | null;
  lastError: string | null;
  createdAt: string;
  sentAt: string | null;
}
export type OutboxFilter = 'pending' | 'sent' | 'failed';

/** `POST /api/verification`, `GET /api/verification`: a run of the live journal's verification. */
export interface Verification {
  ranAt: string;
  ok: boolean;
  checked: number;
  problemCount: number;
  operator: string;
  problems: { register: string; chain: string; sequence: number; code: string; message: string }[];
}

/** The store's identity as `GET /api/settings` answers it (src/server/routes/settings.ts). */
export interface StoreSettings {
  code: string;
  currency: string;
  name: string;
  sign: string;
  address1: string;
  address2: string;
  postalCode: string;
  city: string;
  country: string;
  siret: string;
  naf: string;
  vatNumber: string;
  email: string;
  web: string;
  phone: string;
  fax: string;
  footer: string;
}
export type StoreField = Exclude<keyof StoreSettings, 'code' | 'currency'>;
export type PrinterKind = 'thermal' | 'a4' | 'serial' | 'none';
export type Excess = 'refuse' | 'change' | 'creditNote';
export interface RegisterSettingsView {
  number: number;
  name: string;
  printerKind: PrinterKind;
  defaultSellerCode: string | null;
  defaultCustomerCode: string;
  settings: RegisterSettings;
}
export interface PaymentModeSettings {
  code: string;
  label: string;
  excess: Excess;
  roundingStep: number;
  opensDrawer: boolean;
  active: boolean;
  position: number;
  /** A mode restricted to one register (not changed from here); null: the whole store's. */
  registerNumber: number | null;
}
export type SmtpSecurity = 'tls' | 'starttls' | 'none';
export interface Settings {
  store: StoreSettings;
  registers: RegisterSettingsView[];
  paymentModes: PaymentModeSettings[];
  receipt: MailSettings;
  /** The password is never answered: only whether one is kept. */
  smtp: { host: string; port: number; security: SmtpSecurity; user: string; passwordSet: boolean } | null;
}
/** The body of `PUT /api/settings`: only the parts and fields given change. */
export interface SettingsChange {
  store?: Partial<Record<StoreField, string>>;
  registers?: (Partial<Omit<RegisterSettingsView, 'number'>> & { number: number })[];
  paymentModes?: (Partial<Omit<PaymentModeSettings, 'registerNumber'>> & { code: string })[];
  receipt?: Partial<MailSettings>;
  /** Without `password`, the one kept stays. */
  smtp?: { host?: string; port?: number; security?: SmtpSecurity; user?: string; password?: string };
}

export interface ReprintRules {
  freeReason: boolean;
  reasons: string[];
}

/** What `POST /api/customers/:code/anonymise` erased, and what it kept and why. */
export interface Anonymisation {
  code: string;
  anonymisedAt: string;
  erased: string[];
  kept: { field: string; reason: string }[];
  mailsErased: number;
  salesKept: number;
}

/** A file answered by the server (PDF, archive), with the name it gives. */
export interface Download {
  blob: Blob;
  filename: string;
}

/** A GET answered by a file: the same session and the same French errors as `call`. */
export async function download(path: string, fallbackName: string): Promise<Download> {
  let response: Response;
  try {
    response = await fetch(path, { headers: token === null ? {} : { authorization: `Bearer ${token}` } });
  } catch {
    throw new ApiError(0, 'NETWORK', 'Serveur injoignable : vérifiez le réseau', undefined);
  }
  if (!response.ok) {
    const error = (await response.json().catch(() => ({}))) as { code?: string; message?: string };
    throw new ApiError(
      response.status,
      error.code ?? 'HTTP_ERROR',
      error.message ?? `Erreur du serveur (${response.status})`,
      undefined,
    );
  }
  const named = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '');
  return { blob: await response.blob(), filename: named?.[1] ?? fallbackName };
}

/** Hands a downloaded file to the browser (saved under its name). */
export function saveFile(file: Download): void {
  const url = URL.createObjectURL(file.blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = file.filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** The manager's code on the spot for a GET (query parameters `authUser`, `authPin`). */
const authQuery = (authorization?: Authorization) =>
  authorization === undefined ? {} : { authUser: authorization.userCode, authPin: authorization.pin };
const withAuth = (authorization?: Authorization) => (authorization === undefined ? {} : { authorization });

const q = (params: Record<string, string | number | undefined>) =>
  new URLSearchParams(
    Object.entries(params).flatMap(([k, v]) => (v === undefined ? [] : [[k, String(v)]])),
  ).toString();

export const api = {
  login: (userCode: string, pin: string, register: number) =>
    call<SessionInfo & { token: string }>('POST', '/api/session', { userCode, pin, register }),
  session: () => call<SessionInfo>('GET', '/api/session'),
  switchUser: (userCode: string, pin: string) =>
    call<SessionInfo>('POST', '/api/session/switch', { userCode, pin }),
  logout: () => call<{ ok: true }>('DELETE', '/api/session'),
  register: () => call<RegisterInfo>('GET', '/api/register'),
  /** The article shortcuts of the session's register (its touch grid). */
  registerShortcuts: () => call<ShortcutList>('GET', '/api/register/shortcuts'),
  shortcuts: (register: number) => call<ShortcutList>('GET', `/api/registers/${register}/shortcuts`),
  saveShortcuts: (register: number, shortcuts: ShortcutChange[], authorization?: Authorization) =>
    call<ShortcutList>('PUT', `/api/registers/${register}/shortcuts`, {
      shortcuts,
      ...withAuth(authorization),
    }),
  info: () => call<SoftwareIdentity>('GET', '/api/info'),
  tickets: (status?: Ticket['status']) =>
    call<{ items: Ticket[] }>('GET', `/api/tickets${status === undefined ? '' : `?${q({ status })}`}`),
  open: () => call<Ticket>('POST', '/api/tickets', {}),
  step: (id: string, path: string, body: unknown = {}) =>
    call<Ticket>('POST', `/api/tickets/${id}/${path}`, body),
  cancelPayment: (id: string, paymentId: number) =>
    call<Ticket>('DELETE', `/api/tickets/${id}/payments/${paymentId}`),
  vat: (id: string) =>
    call<{ ht: number; vat: number; ttc: number; rows: Ticket['vat'] }>('GET', `/api/tickets/${id}/vat`),
  articles: (text: string, limit = 20, offset = 0) =>
    call<Page<Article>>('GET', `/api/articles?${q({ text, limit, offset })}`),
  priceCheck: (text: string) => call<Article>('GET', `/api/price-check?${q({ text })}`),
  customers: (text: string, limit = 20, offset = 0) =>
    call<Page<Customer>>('GET', `/api/customers?${q({ text, limit, offset })}`),
  sellers: (code: string) =>
    call<Page<{ sellerCode: string; userCode: string; name: string; role: string }>>(
      'GET',
      `/api/sellers?${q({ code })}`,
    ),
  article: (ref: string) => call<ArticleRecord>('GET', `/api/articles/${encodeURIComponent(ref)}`),
  saveArticle: (ref: string, article: ArticleChange, authorization?: Authorization) =>
    call<ArticleRecord>('PUT', `/api/articles/${encodeURIComponent(ref)}`, {
      ...article,
      ...withAuth(authorization),
    }),
  /** Sends a CSV file to import (`POST /api/import/:kind`): the job to follow. */
  importCsv: (kind: CsvKind, file: File, authorization?: Authorization) =>
    send<ImportJob>('POST', `/api/import/${kind}?${q({ name: file.name, ...authQuery(authorization) })}`, {
      type: 'text/csv',
      data: file,
    }),
  importJob: (id: string) => call<ImportJob>('GET', `/api/import/jobs/${encodeURIComponent(id)}`),
  saveCustomer: (code: string, changes: CustomerChanges) =>
    call<Customer>('PATCH', `/api/customers/${encodeURIComponent(code)}`, changes),
  /** Everything kept about one customer, as a JSON file (GDPR; right `customer_data`, journaled). */
  customerExport: (code: string, authorization?: Authorization) =>
    download(
      `/api/customers/${encodeURIComponent(code)}/export?${q(authQuery(authorization))}`,
      `client-${code}.json`,
    ),
  /** Erases a customer's personal fields (GDPR; right `customer_data`, journaled). */
  anonymiseCustomer: (code: string, authorization?: Authorization) =>
    call<Anonymisation>(
      'POST',
      `/api/customers/${encodeURIComponent(code)}/anonymise`,
      authorization === undefined ? {} : { authorization },
    ),
  sales: (params: {
    register?: number;
    number?: number;
    from?: string;
    to?: string;
    limit?: number;
    offset?: number;
  }) => call<{ items: JournalRecord[]; hasMore: boolean }>('GET', `/api/sales?${q(params)}`),
  sale: (register: number, number: number) => call<JournalRecord>('GET', `/api/sales/${register}/${number}`),
  reprint: (register: number, number: number, reason: string, authorization?: Authorization) =>
    call<JournalRecord>('POST', `/api/sales/${register}/${number}/reprint`, {
      reason,
      ...(authorization === undefined ? {} : { authorization }),
    }),
  cancelSale: (register: number, number: number, idempotencyKey: string, authorization?: Authorization) =>
    call<JournalRecord>('POST', `/api/sales/${register}/${number}/cancel`, {
      idempotencyKey,
      ...withAuth(authorization),
    }),
  closures: (register: number, limit = 50) =>
    call<{ items: JournalRecord[] }>('GET', `/api/closures?${q({ register, limit })}`),
  /** The store's reprint reasons (`GET /api/settings`, « Liste des motifs », « Saisie libre »). */
  reprintReasons: () =>
    call<{ receipt: { reprint: ReprintRules } }>('GET', '/api/settings').then((s) => s.receipt.reprint),
  receiptPdf: (register: number, number: number, reason?: string, authorization?: Authorization) =>
    download(
      `/api/sales/${register}/${number}/receipt.pdf?${q({ reason, ...authQuery(authorization) })}`,
      `ticket-${register}-${number}.pdf`,
    ),
  emailSale: (
    register: number,
    number: number,
    body: { to?: string; reason?: string },
    authorization?: Authorization,
  ) =>
    call<{ outboxId: number; to: string }>('POST', `/api/sales/${register}/${number}/email`, {
      ...body,
      ...withAuth(authorization),
    }),
  outbox: (status?: OutboxFilter, limit = 100) =>
    call<{ items: OutboxItem[]; counts: { pending: number; sent: number; failed: number } }>(
      'GET',
      `/api/outbox?${q({ status, limit })}`,
    ),
  retryMail: (id: number, authorization?: Authorization) =>
    call<OutboxItem>('POST', `/api/outbox/${id}/retry`, withAuth(authorization)),
  verification: () => call<Verification>('GET', '/api/verification'),
  verify: () => call<Verification>('POST', '/api/verification', {}),
  archive: (period: string, authorization?: Authorization) =>
    download(
      `/api/archives/${encodeURIComponent(period)}?${q(authQuery(authorization))}`,
      `archive-${period}.zip`,
    ),
  /**
   * The signed PDF of a closure's Z (`GET /api/closures/:register/:sequence/report.pdf`): the first
   * its original, every later one a journaled duplicate (right `reprint`).
   */
  closureReport: (register: number, sequence: number, authorization?: Authorization) =>
    download(
      `/api/closures/${register}/${sequence}/report.pdf?${q(authQuery(authorization))}`,
      `z-${register}-${sequence}.pdf`,
    ),
  settings: () => call<Settings>('GET', '/api/settings'),
  saveSettings: (change: SettingsChange, authorization?: Authorization) =>
    call<Settings>('PUT', '/api/settings', { ...change, ...withAuth(authorization) }),
  users: (authorization?: Authorization) =>
    call<{ items: User[] }>('GET', `/api/users?${q(authQuery(authorization))}`),
  createUser: (
    user: { code: string; name: string; role: Role; pin?: string; registerNumber?: number },
    authorization?: Authorization,
  ) =>
    call<{ user: User; pin: string | null }>('POST', '/api/users', { ...user, ...withAuth(authorization) }),
  changeUser: (
    code: string,
    change: {
      name?: string;
      role?: Role;
      rights?: Right[];
      active?: boolean;
      registerNumber?: number | null;
    },
    authorization?: Authorization,
  ) =>
    call<User>('PATCH', `/api/users/${encodeURIComponent(code)}`, { ...change, ...withAuth(authorization) }),
  /** A new PIN drawn by the server, confirmed by a manager's code and PIN given on the spot. */
  resetPin: (code: string, authorization: Authorization) =>
    call<{ user: User; pin: string | null }>('POST', `/api/users/${encodeURIComponent(code)}/pin`, {
      authorization,
    }),
  registers: () => call<{ items: RegisterRow[] }>('GET', '/api/registers'),
  addRegister: (register: { number: number; name: string }, authorization?: Authorization) =>
    call<RegisterRow>('POST', '/api/registers', { ...register, ...withAuth(authorization) }),
  families: () => call<{ items: Family[] }>('GET', '/api/families'),
  createFamily: (family: Family, authorization?: Authorization) =>
    call<Family>('POST', '/api/families', { ...family, ...withAuth(authorization) }),
  vatRates: () => call<{ items: VatRate[] }>('GET', '/api/vat-rates'),
  createVatRate: (rate: Omit<VatRate, 'active'>, authorization?: Authorization) =>
    call<VatRate>('POST', '/api/vat-rates', { ...rate, ...withAuth(authorization) }),
  createPaymentMode: (
    mode: {
      code: string;
      label: string;
      excess: Excess;
      roundingStep: number;
      opensDrawer: boolean;
      position: number;
    },
    authorization?: Authorization,
  ) => call<PaymentModeSettings>('POST', '/api/payment-modes', { ...mode, ...withAuth(authorization) }),
  createCustomer: (customer: NewCustomer) => call<Customer>('POST', '/api/customers', customer),
  close: (kind: ClosureKind, authorization?: Authorization) =>
    call<{ closures: JournalRecord[] }>('POST', '/api/closures', {
      kind,
      ...(authorization === undefined ? {} : { authorization }),
    }),
  /** An article's quantity per store and depot and its last movements (docs/stock.md). */
  stock: (ref: string) => call<StockView>('GET', `/api/stock/${encodeURIComponent(ref)}`),
  stockDocuments: (authorization?: Authorization) =>
    call<{ documents: StockDocument[] }>('GET', `/api/stock-documents?${q(authQuery(authorization))}`),
  createStockDocument: (document: StockDocumentInput, authorization?: Authorization) =>
    call<StockDocument>('POST', '/api/stock-documents', { document, ...withAuth(authorization) }),
  importCounts: (depot: string, csv: string, authorization?: Authorization) =>
    call<StockDocument>('POST', '/api/stock-documents/import-counts', {
      depot,
      csv,
      ...withAuth(authorization),
    }),
  validateStockDocument: (number: string, authorization?: Authorization) =>
    call<StockDocument>(
      'POST',
      `/api/stock-documents/${encodeURIComponent(number)}/validate`,
      withAuth(authorization),
    ),
  receiveTransfer: (number: string, authorization?: Authorization) =>
    call<StockDocument>(
      'POST',
      `/api/stock-documents/${encodeURIComponent(number)}/receive`,
      withAuth(authorization),
    ),
  stockValuation: (authorization?: Authorization) =>
    call<StockValuation>('GET', `/api/stock-valuation?${q(authQuery(authorization))}`),
};

export interface StockView {
  ref: string;
  designation: string;
  managed: boolean;
  depots: { store: string; depot: string; quantity: string }[];
  movements: {
    at: string;
    depot: string;
    kind: string;
    label: string;
    quantity: string;
    document: string;
    operator: string;
  }[];
}
export interface StockDocumentLine {
  ref: string;
  quantity: string;
  unitCost?: string;
  expected?: string;
  difference?: string;
}
export interface StockDocument {
  number: string;
  kind: 'transfer_out' | 'transfer_in' | 'reception' | 'count';
  label: string;
  status: 'draft' | 'validated';
  depot: string;
  otherDepot: string | null;
  receives: string | null;
  supplier: string;
  createdAt: string;
  lines: StockDocumentLine[];
}
export type StockDocumentInput =
  | { kind: 'transfer_out'; depot: string; toDepot: string; lines: { ref: string; quantity: string }[] }
  | {
      kind: 'reception';
      depot: string;
      supplier: string;
      lines: { ref: string; quantity: string; unitCost?: string }[];
    }
  | { kind: 'count'; depot: string; lines: { ref: string; quantity: string }[] };
export interface StockValuation {
  lines: {
    ref: string;
    designation: string;
    depot: string;
    quantity: string;
    unitCost: string | null;
    value: string;
  }[];
  total: string;
  withoutCost: number;
}
