import { computeTicket } from './compute.ts';
import { type ErrorCode, type SalesError, salesError } from './errors.ts';
import type { Centi, Currency, Milli, Minor } from './money.ts';
import type {
  ArticleLine,
  Discount,
  DiscountLimits,
  ForeignTender,
  LinePrice,
  PaymentInput,
  PaymentModeRule,
  PriceMode,
  Shipping,
  TicketInput,
  TicketItem,
} from './ticket-input.ts';
import type { TicketResult } from './ticket-result.ts';

/**
 * The ticket as the cashier builds it (seed 001): an immutable state changed by commands. Each command
 * is checked and gives either the new state or a clear error, the state unchanged. The state's amounts
 * are always those the engine computes from its lines (`computeTicket(toInput(state))`).
 */

/** What the register knows before the first line: currency, price mode, limits, payment modes. */
export interface TicketSettings {
  readonly currency: Currency;
  readonly mode: PriceMode;
  readonly standardVatRate: Centi;
  readonly limits: DiscountLimits;
  readonly paymentModes: ReadonlyMap<string, PaymentModeRule>;
}

/** An article as the lookup found it: what a line starts from (quantity 1 unless given). */
export interface ArticleData {
  readonly ref: string;
  readonly designation?: string;
  readonly unitPrice: Minor;
  readonly vatRate: Centi;
  readonly qty?: Milli;
}

export interface CustomerData {
  readonly code: string;
  readonly taxExempt: boolean;
}

export interface DraftArticle {
  readonly kind: 'article';
  readonly id: number;
  readonly line: ArticleLine;
}
export interface DraftSubtotal {
  readonly kind: 'subtotal';
  readonly id: number;
  readonly discount: Discount | null;
}
export interface DraftComposition {
  readonly kind: 'composition';
  readonly id: number;
  readonly ref: string;
  readonly designation?: string;
  /** Whole units of the composed article; components and price are per unit. */
  readonly qty: number;
  readonly price: Minor | null;
  readonly components: readonly ArticleLine[];
}
export type DraftItem = DraftArticle | DraftSubtotal | DraftComposition;

export interface DraftPayment {
  readonly id: number;
  readonly payment: PaymentInput;
}

export type TicketPhase = 'lines' | 'payment';

export interface TicketState {
  readonly settings: TicketSettings;
  readonly customer: CustomerData | null;
  readonly seller: string | null;
  readonly items: readonly DraftItem[];
  /** The pointed line's id: by default the last one entered (seed 001). */
  readonly pointer: number | null;
  readonly footerDiscount: Discount | null;
  readonly shipping: Shipping | null;
  readonly payments: readonly DraftPayment[];
  readonly phase: TicketPhase;
  readonly held: boolean;
  readonly nextId: number;
  readonly result: TicketResult;
}

/** A manager's code was given on the spot for this operation (checked by the caller). */
interface Authorizable {
  readonly authorized?: boolean;
}

export type TicketCommand =
  | { readonly type: 'setCustomer'; readonly customer: CustomerData | null }
  | { readonly type: 'setSeller'; readonly seller: string | null }
  | { readonly type: 'addLine'; readonly article: ArticleData }
  | { readonly type: 'insertAfter'; readonly lineId: number; readonly article: ArticleData }
  | { readonly type: 'point'; readonly lineId: number }
  | { readonly type: 'setQuantity'; readonly qty: Milli }
  /** The pointed article line's label, as the receipt prints it (seed 001: « libellé modifiable »). */
  | { readonly type: 'setDesignation'; readonly designation: string }
  | ({ readonly type: 'setPrice'; readonly unitPrice: Minor } & Authorizable)
  | ({ readonly type: 'setAmount'; readonly amount: Minor } & Authorizable)
  | ({ readonly type: 'setDiscountPercent'; readonly rate: Centi } & Authorizable)
  | ({ readonly type: 'setDiscountAmount'; readonly amount: Minor } & Authorizable)
  | { readonly type: 'clearDiscount' }
  | { readonly type: 'deleteLines'; readonly lineIds: readonly number[] }
  | { readonly type: 'deleteAll' }
  | { readonly type: 'subtotal' }
  | ({ readonly type: 'footerDiscount'; readonly discount: Discount | null } & Authorizable)
  | { readonly type: 'shipping'; readonly shipping: Shipping | null }
  | {
      readonly type: 'addComposition';
      readonly ref: string;
      readonly designation?: string;
      readonly price: Minor | null;
      readonly components: readonly ArticleData[];
    }
  /** `authorized`: a manager lifts the limits for every discount already on the ticket (seed 001). */
  | ({ readonly type: 'total' } & Authorizable)
  | { readonly type: 'backToLines' }
  | ({
      readonly type: 'addPayment';
      readonly mode: string;
      readonly amount: Minor | null;
      readonly foreign?: ForeignTender;
    } & Authorizable)
  | { readonly type: 'cancelPayment'; readonly paymentId: number }
  | { readonly type: 'hold' }
  | { readonly type: 'resume' };

export type CommandOutcome =
  | { readonly ok: true; readonly state: TicketState }
  | { readonly ok: false; readonly error: SalesError };

export function newTicket(settings: TicketSettings, customer: CustomerData | null = null): TicketState {
  return withResult({
    settings,
    customer,
    seller: null,
    items: [],
    pointer: null,
    footerDiscount: null,
    shipping: null,
    payments: [],
    phase: 'lines',
    held: false,
    nextId: 1,
  });
}

/** The engine input of a ticket state: what validation signs and what `result` is computed from. */
export function toInput(state: Omit<TicketState, 'result'>): TicketInput {
  const items: TicketItem[] = state.items.map((item): TicketItem => {
    if (item.kind === 'article') return item.line;
    if (item.kind === 'subtotal') return { kind: 'subtotal', discount: item.discount };
    return {
      kind: 'composition',
      ref: item.ref,
      ...(item.designation === undefined ? {} : { designation: item.designation }),
      price: item.price === null ? null : item.price * item.qty,
      components: item.components.map((c) => ({ ...c, qty: c.qty * item.qty })),
    };
  });
  return {
    currency: state.settings.currency,
    mode: state.settings.mode,
    taxExempt: state.customer?.taxExempt ?? false,
    standardVatRate: state.settings.standardVatRate,
    limits: state.settings.limits,
    override: false,
    paymentModes: state.settings.paymentModes,
    items,
    footerDiscount: state.footerDiscount,
    shipping: state.shipping,
    payments: state.payments.map((p) => p.payment),
  };
}

/** Applies one command: the new state, or the error and nothing changed. */
export function applyCommand(state: TicketState, command: TicketCommand): CommandOutcome {
  if (state.held && command.type !== 'resume') return fail('TICKET_HELD');
  switch (command.type) {
    case 'setCustomer':
      if (state.payments.length > 0) return fail('WRONG_PHASE');
      return checked(state, { ...state, customer: command.customer });
    case 'setSeller':
      return ok({ ...state, seller: command.seller });
    case 'hold':
      if (state.payments.length > 0) return fail('WRONG_PHASE');
      return ok({ ...state, held: true });
    case 'resume':
      if (!state.held) return fail('WRONG_PHASE');
      return ok({ ...state, held: false });
    case 'total':
      return total(command.authorized === true ? withAuthorizedDiscounts(state) : state);
    case 'backToLines':
      if (state.phase !== 'payment' || state.payments.length > 0) return fail('WRONG_PHASE');
      return ok({ ...state, phase: 'lines' });
    case 'addPayment':
      return addPayment(state, command);
    case 'cancelPayment': {
      if (state.phase !== 'payment') return fail('WRONG_PHASE');
      if (!state.payments.some((p) => p.id === command.paymentId)) return fail('PAYMENT_NOT_FOUND');
      return ok({ ...state, payments: state.payments.filter((p) => p.id !== command.paymentId) });
    }
    default:
      if (state.phase !== 'lines') return fail('WRONG_PHASE');
      return editLines(state, command);
  }
}

/** Applies commands in order, stopping at the first refused one. */
export function applyCommands(state: TicketState, commands: readonly TicketCommand[]): CommandOutcome {
  let current = state;
  for (const command of commands) {
    const outcome = applyCommand(current, command);
    if (!outcome.ok) return outcome;
    current = outcome.state;
  }
  return { ok: true, state: current };
}

type LineCommand = Exclude<
  TicketCommand,
  {
    type:
      | 'setCustomer'
      | 'setSeller'
      | 'hold'
      | 'resume'
      | 'total'
      | 'backToLines'
      | 'addPayment'
      | 'cancelPayment';
  }
>;

function editLines(state: TicketState, command: LineCommand): CommandOutcome {
  switch (command.type) {
    case 'addLine':
      return insertItem(state, state.pointer, (id) => articleItem(id, command.article));
    case 'insertAfter':
      if (!state.items.some((item) => item.id === command.lineId)) return fail('LINE_NOT_FOUND');
      return insertItem(state, command.lineId, (id) => articleItem(id, command.article));
    case 'addComposition':
      return insertItem(state, state.pointer, (id) => ({
        kind: 'composition',
        id,
        ref: command.ref,
        ...(command.designation === undefined ? {} : { designation: command.designation }),
        qty: 1,
        price: command.price,
        components: command.components.map((c) => articleItem(0, c).line),
      }));
    case 'subtotal':
      return insertItem(state, state.pointer, (id) => ({ kind: 'subtotal', id, discount: null }));
    case 'point':
      if (!state.items.some((item) => item.id === command.lineId)) return fail('LINE_NOT_FOUND');
      return ok({ ...state, pointer: command.lineId });
    case 'deleteLines': {
      if (command.lineIds.some((id) => !state.items.some((item) => item.id === id)))
        return fail('LINE_NOT_FOUND');
      const items = state.items.filter((item) => !command.lineIds.includes(item.id));
      return checked(state, { ...state, items, pointer: items.at(-1)?.id ?? null });
    }
    case 'deleteAll':
      return ok(newTicket(state.settings, state.customer));
    case 'footerDiscount':
      return checked(state, {
        ...state,
        footerDiscount: command.discount === null ? null : authorize(command.discount, command.authorized),
      });
    case 'shipping':
      return checked(state, { ...state, shipping: command.shipping });
    default:
      return editPointed(state, command);
  }
}

type PointedCommand = Extract<
  TicketCommand,
  {
    type:
      | 'setQuantity'
      | 'setDesignation'
      | 'setPrice'
      | 'setAmount'
      | 'setDiscountPercent'
      | 'setDiscountAmount'
      | 'clearDiscount';
  }
>;

/** The keys Qté, Prix, Rem%, Rem€ act on the pointed line (seed 001). */
function editPointed(state: TicketState, command: PointedCommand): CommandOutcome {
  const pointed = state.items.find((item) => item.id === state.pointer);
  if (pointed === undefined) return fail('NO_LINE_POINTED');
  let replacement: DraftItem;
  if (pointed.kind === 'subtotal') {
    // After S/T, Rem% or Rem€ gives the sub-total its discount.
    if (command.type === 'setDiscountPercent') {
      replacement = {
        ...pointed,
        discount: authorize({ kind: 'percent', rate: command.rate }, command.authorized),
      };
    } else if (command.type === 'setDiscountAmount') {
      replacement = {
        ...pointed,
        discount: authorize({ kind: 'amount', amount: command.amount }, command.authorized),
      };
    } else if (command.type === 'clearDiscount') {
      replacement = { ...pointed, discount: null };
    } else if (command.type === 'setDesignation') {
      return invalid('un sous-total n’a pas de libellé : pointez une ligne d’article');
    } else {
      return fail('WRONG_PHASE');
    }
  } else if (pointed.kind === 'composition') {
    // Only the quantity of a composed article changes in ticket entry (seed 001).
    if (command.type !== 'setQuantity') return fail('COMPOSITION_LOCKED');
    if (command.qty % 1000 !== 0 || command.qty === 0) return invalid('quantité entière attendue');
    replacement = { ...pointed, qty: command.qty / 1000 };
  } else {
    const line = editArticle(pointed.line, command);
    if ('error' in line) return { ok: false, error: line.error };
    replacement = { ...pointed, line };
  }
  return checked(state, {
    ...state,
    items: state.items.map((item) => (item.id === pointed.id ? replacement : item)),
  });
}

function editArticle(line: ArticleLine, command: PointedCommand): ArticleLine | { error: SalesError } {
  switch (command.type) {
    case 'setQuantity':
      if (command.qty === 0) return { error: invalidError('la quantité ne peut pas être nulle') };
      if (line.price.kind === 'amount' && line.price.amount !== 0) {
        if (Math.sign(line.price.amount) !== Math.sign(command.qty)) {
          return { error: invalidError('le montant de la ligne doit avoir le signe de la quantité') };
        }
      }
      return { ...line, qty: command.qty };
    case 'setDesignation': {
      const designation = command.designation.trim().replace(/\s+/g, ' ');
      if (designation === '') return { error: invalidError('le libellé ne peut pas être vide') };
      if ([...designation].length > DESIGNATION_MAX) {
        return { error: invalidError(`le libellé compte au plus ${DESIGNATION_MAX} caractères`) };
      }
      return { ...line, designation };
    }
    case 'setPrice':
      if (command.unitPrice < 0) return { error: invalidError('le prix ne peut pas être négatif') };
      return { ...line, price: { kind: 'unit', unitPrice: command.unitPrice } };
    case 'setAmount':
      if (command.amount !== 0 && Math.sign(command.amount) !== Math.sign(line.qty)) {
        return { error: invalidError('le montant doit avoir le signe de la quantité') };
      }
      return { ...line, price: { kind: 'amount', amount: command.amount } satisfies LinePrice };
    case 'setDiscountPercent':
      return { ...line, discount: authorize({ kind: 'percent', rate: command.rate }, command.authorized) };
    case 'setDiscountAmount':
      return { ...line, discount: authorize({ kind: 'amount', amount: command.amount }, command.authorized) };
    case 'clearDiscount':
      return { ...line, discount: null };
  }
}

/** Every discount of the ticket marked as authorized by a manager (lines, sub-totals, footer). */
function withAuthorizedDiscounts(state: TicketState): TicketState {
  const lift = (discount: Discount | null) => (discount === null ? null : authorize(discount, true));
  return withResult({
    ...state,
    items: state.items.map((item): DraftItem => {
      if (item.kind === 'subtotal') return { ...item, discount: lift(item.discount) };
      if (item.kind === 'article')
        return { ...item, line: { ...item.line, discount: lift(item.line.discount) } };
      return item;
    }),
    footerDiscount: lift(state.footerDiscount),
  });
}

function total(state: TicketState): CommandOutcome {
  if (state.phase !== 'lines') return fail('WRONG_PHASE');
  const blocking = state.result.errors.find((e) => LINE_ERRORS.has(e.code));
  if (blocking !== undefined) return { ok: false, error: blocking };
  return ok({ ...state, phase: 'payment' });
}

function addPayment(
  state: TicketState,
  command: Extract<TicketCommand, { type: 'addPayment' }>,
): CommandOutcome {
  if (state.phase !== 'payment') return fail('WRONG_PHASE');
  const rule = state.settings.paymentModes.get(command.mode);
  if (rule === undefined) return { ok: false, error: salesError('UNKNOWN_PAYMENT_MODE', command.mode) };
  if (state.result.remaining === 0) return fail('NOTHING_TO_PAY');
  if (command.amount !== null && command.amount <= 0) return invalid('le montant doit être supérieur à zéro');
  const payment: PaymentInput = {
    mode: command.mode,
    amount: command.foreign === undefined ? command.amount : null,
    ...(command.foreign === undefined ? {} : { foreign: command.foreign }),
    ...(command.authorized === true ? { authorized: true } : {}),
  };
  const next = withResult({
    ...state,
    payments: [...state.payments, { id: state.nextId, payment }],
    nextId: state.nextId + 1,
  });
  const refused = next.result.errors.find((e) => e.code === 'OVERPAYMENT_NOT_ALLOWED');
  if (refused !== undefined) return { ok: false, error: refused };
  return { ok: true, state: next };
}

/** Errors that refuse a line command outright (the others are about payments, checked at the end). */
const LINE_ERRORS: ReadonlySet<ErrorCode> = new Set([
  'DISCOUNT_TOO_LARGE',
  'DISCOUNT_LIMIT_EXCEEDED',
  'NEGATIVE_TOTAL',
  'EMPTY_TICKET',
]);
const EDIT_ERRORS: ReadonlySet<ErrorCode> = new Set(['DISCOUNT_TOO_LARGE', 'DISCOUNT_LIMIT_EXCEEDED']);

/** Recomputes and refuses the change when it makes a discount too large or over the limits. */
function checked(before: TicketState, after: Omit<TicketState, 'result'>): CommandOutcome {
  const next = withResult(after);
  const introduced = next.result.errors.find(
    (e) => EDIT_ERRORS.has(e.code) && !before.result.errors.some((b) => b.code === e.code),
  );
  if (introduced !== undefined) return { ok: false, error: introduced };
  const overLimit = next.result.errors.find((e) => e.code === 'DISCOUNT_LIMIT_EXCEEDED');
  if (overLimit !== undefined) {
    // The ticket already had a discount over the limit (a limit lowered while it was open): the
    // discounts it had, unchanged, are set aside, and what this change brings is checked alone.
    const probe = withResult(sparingUnchanged(before, after));
    if (probe.result.errors.some((e) => e.code === 'DISCOUNT_LIMIT_EXCEEDED'))
      return { ok: false, error: overLimit };
  }
  return { ok: true, state: next };
}

/** `after` with every discount that `before` already had, unchanged, marked as authorized. */
function sparingUnchanged(
  before: TicketState,
  after: Omit<TicketState, 'result'>,
): Omit<TicketState, 'result'> {
  const same = (a: Discount | null, b: Discount | null) => JSON.stringify(a) === JSON.stringify(b);
  const spare = (discount: Discount | null, earlier: Discount | null | undefined) =>
    discount !== null && earlier !== undefined && same(discount, earlier)
      ? authorize(discount, true)
      : discount;
  const earlier = new Map(before.items.map((item) => [item.id, item]));
  return {
    ...after,
    items: after.items.map((item): DraftItem => {
      const old = earlier.get(item.id);
      if (item.kind === 'subtotal' && old?.kind === 'subtotal')
        return { ...item, discount: spare(item.discount, old.discount) };
      if (item.kind === 'article' && old?.kind === 'article')
        return { ...item, line: { ...item.line, discount: spare(item.line.discount, old.line.discount) } };
      return item;
    }),
    footerDiscount: spare(after.footerDiscount, before.footerDiscount),
  };
}

function insertItem(
  state: TicketState,
  afterId: number | null,
  make: (id: number) => DraftItem,
): CommandOutcome {
  const id = state.nextId;
  const position =
    afterId === null ? state.items.length : state.items.findIndex((item) => item.id === afterId) + 1;
  const items = [...state.items.slice(0, position), make(id), ...state.items.slice(position)];
  return checked(state, { ...state, items, pointer: id, nextId: id + 1 });
}

function articleItem(id: number, article: ArticleData): DraftArticle {
  return {
    kind: 'article',
    id,
    line: {
      kind: 'article',
      ref: article.ref,
      ...(article.designation === undefined ? {} : { designation: article.designation }),
      qty: article.qty ?? 1000,
      price: { kind: 'unit', unitPrice: article.unitPrice },
      vatRate: article.vatRate,
      discount: null,
    },
  };
}

function authorize(discount: Discount, authorized: boolean | undefined): Discount {
  return authorized === true ? { ...discount, authorized: true } : discount;
}

function withResult(state: Omit<TicketState, 'result'>): TicketState {
  return { ...state, result: computeTicket(toInput(state)) };
}

function ok(state: Omit<TicketState, 'result'>): CommandOutcome {
  return { ok: true, state: withResult(state) };
}

function fail(code: ErrorCode): CommandOutcome {
  return { ok: false, error: salesError(code) };
}

/** The longest line label, as the catalogue's designations. */
export const DESIGNATION_MAX = 120;

function invalidError(message: string): SalesError {
  return { code: 'INVALID_INPUT', message: `Saisie invalide : ${message}` };
}

function invalid(message: string): CommandOutcome {
  return { ok: false, error: invalidError(message) };
}
