/**
 * The register screen's state, in plain TypeScript (no Preact, unit-tested in node): the ticket being
 * entered as the server answered it, the viseur's role, the message line, the open dialog, the
 * payment modes' page, the last sale, the invoice and drawer flags. `reduce` is the only way it
 * changes; the zones and dialogs only read it. The pure rules of the screen sit beside it: what the
 * ticket's lines show, what a discount key acts on, which ticket to take up at login.
 */
import type { Authorization, Customer, Item, JournalRecord, RegisterInfo, Ticket } from '../api-types.ts';
import { formatMoney, formatQuantity, formatRate } from '../format.ts';

/** What the viseur takes in (seed 001, « Choix du viseur »). */
export type Role = 'seller' | 'customer' | 'ref' | 'supplierRef' | 'designation';
export const ROLE_LABELS: Readonly<Record<Role, string>> = {
  seller: 'Vendeur',
  customer: 'Client',
  supplierRef: 'Référence fournisseur',
  designation: 'Désignation',
  ref: 'Référence',
};
export const ROLE_HINTS: Readonly<Record<Role, string>> = {
  seller: 'Code vendeur (Entrée vide : vendeur de la caisse)',
  customer: 'Carte, code ou -NOM du client (Entrée vide : client comptoir)',
  ref: 'Référence article, EAN ou FOURNISSEUR-RÉF ; -DÉSIGNATION, *FAMILLE1, +FAMILLE2 : recherche (F8)',
  supplierRef: 'Code fournisseur, tiret, référence chez le fournisseur (ex. F0000001-SUN1)',
  designation: 'Début de la désignation, puis Entrée pour la liste',
};

/** The ticket table's columns (seed 001: « les colonnes sont paramétrables »). */
export const COLUMNS = [
  ['ref', 'Référence'],
  ['designation', 'Désignation'],
  ['qty', 'Qté'],
  ['unitPrice', 'Prix unitaire'],
  ['discount', 'Remise'],
  ['vat', 'TVA'],
  ['net', 'Montant'],
] as const;
export type Column = (typeof COLUMNS)[number][0];
export const ALL_COLUMNS: readonly Column[] = COLUMNS.map(([id]) => id);

/** The columns kept by this browser, read from what was saved (anything unreadable: all of them). */
export function readColumns(saved: string | null): Set<Column> {
  try {
    const parsed = JSON.parse(saved ?? 'null') as unknown;
    if (Array.isArray(parsed)) {
      const known = parsed.filter((c): c is Column => ALL_COLUMNS.includes(c as Column));
      if (known.length > 0) return new Set(known);
    }
  } catch {}
  return new Set(ALL_COLUMNS);
}

export type SearchKind = 'article' | 'customer' | 'seller';
export interface SearchHit {
  key: string;
  label: string;
  detail: string;
  value: string;
}

/** What the search key (F8/F9) looks for, by the viseur's role. */
export const searchKindOf = (role: Role): SearchKind =>
  role === 'customer' ? 'customer' : role === 'seller' ? 'seller' : 'article';

export type DialogState =
  | { kind: 'none' }
  | { kind: 'manager'; reason: string; error: string | null; retry: (auth: Authorization) => void }
  | { kind: 'search'; search: SearchKind; text: string; hits: SearchHit[]; error: string | null }
  | { kind: 'receipt'; error: string | null; busy: boolean }
  | { kind: 'held'; tickets: Ticket[] }
  | { kind: 'vat'; rows: Ticket['vat']; ht: number; vat: number; ttc: number }
  | { kind: 'switch'; error: string | null }
  | { kind: 'cancel' }
  | { kind: 'other' }
  | { kind: 'columns' }
  | { kind: 'message'; title: string; text: string }
  | { kind: 'customer'; customer: Customer; error: string | null }
  | { kind: 'composition'; error: string | null }
  | { kind: 'reprint'; number: string; error: string | null; busy: boolean }
  | { kind: 'duplicate'; sale: JournalRecord; duplicate: JournalRecord }
  | { kind: 'help' }
  | { kind: 'confirm'; action: ConfirmAction }
  /** A lot/serial article: its number asked, then the same line sent again with it. */
  | { kind: 'serial'; reason: string; error: string | null; submit: (serial: string) => void };

/** What a confirmation is asked for before it is done (nothing can bring the ticket back). */
export type ConfirmAction = 'abandon' | 'clear';

export interface Message {
  readonly error: boolean;
  readonly text: string;
}

/**
 * Where the next keystroke belongs: the viseur (a scan, a quantity, the amount paid), or the payment
 * modes once the amount is given. `seq` makes the same target asked twice move the focus again.
 */
export type FocusTarget = 'viseur' | 'modes';
export interface FocusRequest {
  readonly target: FocusTarget;
  readonly seq: number;
}

export interface RegisterState {
  /** The ticket as the server last answered it; null until the first one is open. */
  readonly ticket: Ticket | null;
  readonly role: Role;
  readonly message: Message | null;
  readonly dialog: DialogState;
  /** Payment modes are shown by blocks of 8 (seed 001). */
  readonly modePage: number;
  /** The number of the last sale validated in this session. */
  readonly lastSale: number | null;
  /** « Facture demandée » pressed for this ticket. */
  readonly invoice: boolean;
  /** A payment mode opened the drawer on this ticket. */
  readonly drawer: boolean;
  readonly focus: FocusRequest;
  /** Total was asked while the store's mandatory seller was missing: it follows the seller's code. */
  readonly totalAfterSeller: boolean;
}

export const INITIAL_STATE: RegisterState = {
  ticket: null,
  role: 'seller',
  message: null,
  dialog: { kind: 'none' },
  modePage: 0,
  lastSale: null,
  invoice: false,
  drawer: false,
  focus: { target: 'viseur', seq: 0 },
  totalAfterSeller: false,
};

export type RegisterEvent =
  /** A ticket taken up at login (or opened): the viseur's role follows from it. */
  | { readonly type: 'started'; readonly ticket: Ticket }
  /** The server's answer to a step: the ticket, and its first notice as the message. */
  | { readonly type: 'shown'; readonly ticket: Ticket }
  /** The next ticket after a sale, a hold or an abandon, with what happened to the last one. */
  | { readonly type: 'next'; readonly ticket: Ticket; readonly note: string }
  /**
   * The ticket validated: its number kept, the receipt choice asked, unless the register does not ask
   * (`ask` false, setting « Demander avant d’imprimer le ticket » off: the paper ticket goes at once).
   */
  | { readonly type: 'validated'; readonly ticket: Ticket; readonly ask: boolean }
  | { readonly type: 'role'; readonly role: Role }
  | { readonly type: 'message'; readonly message: Message | null }
  | { readonly type: 'dialog'; readonly dialog: DialogState }
  /** An error shown in the manager's dialog (a wrong PIN…), the dialog kept open. */
  | { readonly type: 'managerError'; readonly error: string }
  | { readonly type: 'modePage'; readonly page: number }
  | { readonly type: 'drawer' }
  | { readonly type: 'invoice' }
  | { readonly type: 'focus'; readonly target: FocusTarget }
  /** The store wants a seller and the ticket has none: the viseur asks for it, Total follows. */
  | { readonly type: 'sellerForTotal' }
  /** Total passed: the amount paid is typed in the viseur. */
  | { readonly type: 'paying'; readonly ticket: Ticket };

/**
 * The viseur's role on a ticket just taken up: always the articles, so that a scan is never taken
 * for something else; the seller and the customer are given when wanted (F4, F3), and the seller is
 * asked at Total only where the register makes it mandatory.
 */
export function startRole(_ticket: Ticket): Role {
  return 'ref';
}

/** Whether Total must first ask for the seller (the register's « vendeur obligatoire »). */
export function sellerMissing(info: Pick<RegisterInfo, 'sellerMandatory'>, ticket: Ticket): boolean {
  return info.sellerMandatory && ticket.seller === null;
}

const focusOn = (state: RegisterState, target: FocusTarget): FocusRequest => ({
  target,
  seq: state.focus.seq + 1,
});

/** The register's only way to change its state. */
export function reduce(state: RegisterState, event: RegisterEvent): RegisterState {
  switch (event.type) {
    case 'started':
      return {
        ...state,
        ticket: event.ticket,
        role: startRole(event.ticket),
        modePage: 0,
        drawer: false,
        invoice: false,
        totalAfterSeller: false,
        focus: focusOn(state, 'viseur'),
      };
    case 'shown': {
      // The engine's blocking errors (payments not matching yet…) only matter at validation.
      const notice = event.ticket.notices[0];
      return {
        ...state,
        ticket: event.ticket,
        message: notice === undefined ? null : { error: false, text: notice.message },
      };
    }
    case 'next':
      return {
        ...state,
        ticket: event.ticket,
        role: startRole(event.ticket),
        modePage: 0,
        drawer: false,
        invoice: false,
        totalAfterSeller: false,
        message: { error: false, text: event.note },
        focus: focusOn(state, 'viseur'),
      };
    case 'validated': {
      const shown = reduce(state, { type: 'shown', ticket: event.ticket });
      return {
        ...shown,
        lastSale: event.ticket.sale?.number ?? null,
        dialog: event.ask ? { kind: 'receipt', error: null, busy: false } : { kind: 'none' },
      };
    }
    case 'role':
      return { ...state, role: event.role };
    case 'message':
      return { ...state, message: event.message };
    case 'dialog':
      return { ...state, dialog: event.dialog };
    case 'managerError':
      return state.dialog.kind === 'manager' || state.dialog.kind === 'serial'
        ? { ...state, dialog: { ...state.dialog, error: event.error } }
        : state;
    case 'modePage':
      return { ...state, modePage: event.page };
    case 'drawer':
      return { ...state, drawer: true };
    case 'invoice':
      return { ...state, invoice: !state.invoice };
    case 'focus':
      return { ...state, focus: focusOn(state, event.target) };
    case 'sellerForTotal':
      return {
        ...state,
        role: 'seller',
        totalAfterSeller: true,
        message: {
          error: true,
          text: 'Vendeur obligatoire sur cette caisse : saisissez son code (F8 : la liste), puis Entrée ; le total suit',
        },
        focus: focusOn(state, 'viseur'),
      };
    case 'paying': {
      const shown = reduce(state, { type: 'shown', ticket: event.ticket });
      return {
        ...shown,
        modePage: 0,
        role: 'ref',
        totalAfterSeller: false,
        focus: focusOn(state, 'viseur'),
      };
    }
  }
}

/**
 * The ticket to take up at login: one of this register's open tickets with something on it, else
 * any open one; null when a new one must be opened.
 */
export function ticketToTakeUp(open: readonly Ticket[]): Ticket | null {
  return open.find((t) => t.items.length > 0 || t.payments.length > 0) ?? open[0] ?? null;
}

/**
 * Where Rem% and Rem€ go: the pointed line or sub-total; null when no line is pointed (an empty
 * ticket: a discount on the whole ticket is the footer discount, asked for by name).
 */
export function discountPath(ticket: Ticket | null): 'discount' | null {
  return ticket === null || ticket.pointer === null ? null : 'discount';
}

/**
 * What « Reprise attente » does with the ticket in progress before it takes up a held one: holds
 * it when it has lines, abandons it when empty, refuses while payments are on it.
 */
export function beforeResume(ticket: Ticket | null): 'hold' | 'abandon' | 'refuse' | 'nothing' {
  if (ticket === null) return 'nothing';
  if (ticket.payments.length > 0) return 'refuse';
  return ticket.items.length > 0 ? 'hold' : 'abandon';
}

/** « -5 % » or « -1,00 € »; empty when there is no discount. */
export function discountText(
  discount: { kind: 'percent'; rate: number } | { kind: 'amount'; amount: number } | null,
): string {
  if (discount === null) return '';
  return discount.kind === 'percent' ? `-${formatRate(discount.rate)}` : `-${formatMoney(discount.amount)}`;
}

/** A line as the customer display names it. */
export function itemLabel(item: Item): string {
  if (item.kind === 'subtotal') return 'Sous-total';
  return item.designation ?? item.ref;
}

/** What each column of the ticket table shows for a line. */
export function lineCells(item: Item): Record<Column, string> {
  if (item.kind === 'subtotal') {
    return {
      ref: '',
      designation: 'Sous-total',
      qty: '',
      unitPrice: '',
      discount: discountText(item.discount),
      vat: '',
      net: formatMoney(item.amount),
    };
  }
  if (item.kind === 'composition') {
    return {
      ref: item.ref,
      designation: `${item.designation ?? item.ref} (${item.components.length} composants)`,
      qty: formatQuantity(item.qty),
      unitPrice: item.price === null ? '' : formatMoney(item.price),
      discount: '',
      vat: 'mixte',
      net: formatMoney(item.net),
    };
  }
  return {
    ref: item.ref,
    designation: item.designation ?? '',
    qty: formatQuantity(item.qty),
    unitPrice: formatMoney(item.unitPrice),
    discount:
      item.discount === null
        ? item.globalDiscount === 0
          ? ''
          : `-${formatMoney(item.globalDiscount)}`
        : discountText(item.discount),
    vat: formatRate(item.vatRate),
    net: formatMoney(item.net),
  };
}

/** « 3 article(s), 2 ligne(s) » under the ticket. */
export function countsText(totals: Ticket['totals']): string {
  const articles =
    totals.articleCount % 1000 === 0
      ? String(totals.articleCount / 1000)
      : formatQuantity(totals.articleCount);
  return `${articles} article(s), ${totals.lineCount} ligne(s)`;
}

/** A payment mode's label for its code (the code itself when the register does not know it). */
export function modeLabel(info: RegisterInfo, code: string): string {
  return info.paymentModes.find((m) => m.code === code)?.label ?? code;
}

/** The receipt choices of seed 000 as the register offers them. */
export type ReceiptChoice = 'email-save' | 'print' | 'email' | 'none';

/** What is sent to the server for a receipt choice: with no address, the ticket is printed (seed 000). */
export function serverReceiptChoice(choice: ReceiptChoice, email: string): 'print' | 'email' | 'none' {
  const wanted = choice === 'email-save' ? 'email' : choice;
  return wanted === 'email' && email === '' ? 'print' : wanted;
}

/**
 * The message that opens the next ticket after a sale; `printError` when the register's printer did
 * not take the paper (the job waits in its print queue, issue 15).
 */
export function saleDoneNote(
  number: number | undefined,
  choice: 'print' | 'email' | 'none',
  printError: string | null = null,
): string {
  const what = `Ticket${number === undefined ? '' : ` n° ${number}`} terminé`;
  if (printError !== null) {
    return `${what} : impression en attente (${printError}) — elle repartira avec la prochaine impression de la caisse`;
  }
  const how = choice === 'email' ? ' (envoyé par e-mail)' : choice === 'print' ? ' (imprimé)' : '';
  return `${what}${how} : saisie du ticket suivant`;
}

/** The touch grid's tabs: the shortcuts grouped by their article's family, in the order met. */
export function familiesOf<S extends { family: string | null; familyLabel: string | null }>(
  shortcuts: readonly S[],
): { key: string; label: string; items: S[] }[] {
  const groups = new Map<string, { key: string; label: string; items: S[] }>();
  for (const s of shortcuts) {
    const key = s.family ?? '';
    const group = groups.get(key) ?? {
      key,
      label: s.familyLabel ?? s.family ?? 'Autres articles',
      items: [],
    };
    group.items.push(s);
    groups.set(key, group);
  }
  return [...groups.values()];
}

/** Relative luminance of a `#rrggbb` colour (WCAG 2). */
function luminance(hex: string): number {
  const channel = (i: number) => {
    const v = Number.parseInt(hex.slice(i, i + 2), 16) / 255;
    return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
}

/** WCAG 2 contrast ratio of two `#rrggbb` colours. */
export function contrastRatio(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** The text colour (black or white) that reads best on a button of colour `background`. */
export function textColorOn(background: string): string {
  // Pure black or white: one of the two always gives at least 4.58:1, whatever the colour.
  const dark = '#000000';
  return contrastRatio(background, dark) >= contrastRatio(background, '#ffffff') ? dark : '#ffffff';
}
