import { z } from 'zod';
import {
  type Centi,
  type Currency,
  currencyOf,
  type DecimalError,
  type Minor,
  parseScaled,
} from './money.ts';
import {
  type ArticleLine,
  DEFAULT_PAYMENT_MODES,
  type Discount,
  type PaymentInput,
  type PaymentModeRule,
  type TicketInput,
  type TicketItem,
} from './ticket-input.ts';

/**
 * Reads a ticket scenario (the JSON of `spec/ticket-scenario.md`) into the engine's exact input.
 * Every problem is reported with the path of the field it is about, in French; unknown fields are
 * refused rather than ignored, so that a typo never silently changes a ticket.
 */

/** A field that cannot be read: its path (`lines[2].qty`) and why, in French. */
export interface InputIssue {
  readonly field: string;
  readonly message: string;
}

export type ScenarioReading =
  | { readonly ok: true; readonly input: TicketInput; readonly extra: Readonly<Record<string, unknown>> }
  | { readonly ok: false; readonly issues: readonly InputIssue[] };

const text = z.string();
const code = z.string().min(1).max(64);

const articleShape = {
  ref: code,
  qty: text,
  unitPrice: text.optional(),
  amount: text.optional(),
  vatRate: text,
  discountPercent: text.optional(),
  discountAmount: text.optional(),
};
const ArticleSchema = z.strictObject(articleShape);
const SubtotalSchema = z.strictObject({
  subtotal: z.strictObject({ discountPercent: text.optional(), discountAmount: text.optional() }),
});
const CompositionSchema = z.strictObject({
  ref: code,
  composition: z.strictObject({
    price: text.optional(),
    components: z.array(z.unknown()).min(1).max(100),
  }),
});
const PaymentSchema = z.strictObject({
  mode: code,
  amount: text.optional(),
  currency: z.string().optional(),
  rate: text.optional(),
});

/** Fields the `sell` command and the server add around a scenario; the engine ignores them. */
const extraShape = {
  register: z.union([z.number().int().positive(), z.string().min(1).max(32)]).optional(),
  customer: z
    .union([
      z.string().min(1).max(64),
      z.strictObject({ taxExempt: z.boolean().optional(), code: z.string().min(1).max(64).optional() }),
    ])
    .optional(),
  seller: z.string().min(1).max(64).optional(),
  idempotencyKey: z.string().min(1).max(128).optional(),
  /** `sell`: the receipt choice of the register's dialog, `paper`, `email` or `none` (issue 15). */
  receipt: z.string().max(20).optional(),
  /** `sell`: the address of an e-mailed receipt (the customer's when absent). */
  email: z.string().max(200).optional(),
};

const ScenarioSchema = z.strictObject({
  currency: z.string().optional(),
  mode: z.enum(['TTC', 'HT']).optional(),
  standardVatRate: text.optional(),
  limits: z
    .strictObject({ maxDiscountPercent: text.optional(), maxDiscountAmount: text.optional() })
    .optional(),
  override: z.boolean().optional(),
  paymentModes: z
    .record(
      code,
      z.strictObject({ excess: z.enum(['refuse', 'change', 'creditNote']), rounding: text.optional() }),
    )
    .optional(),
  lines: z.array(z.unknown()).max(1000),
  footerDiscount: z.strictObject({ percent: text.optional(), amount: text.optional() }).optional(),
  shipping: z.strictObject({ amount: text, vatRate: text.optional() }).optional(),
  payments: z.array(z.unknown()).max(100).optional(),
  ...extraShape,
});

/** Largest line amount accepted, so that no sum can leave the exact integer range. */
const MAX_LINE_AMOUNT = 1_000_000_000_000;
const MAX_QTY = 100_000_000; // 100 000 units, in thousandths
const MAX_RATE = 10_000; // 100 %
const MAX_DISCOUNT_RATE = 100_000; // 1000 %: beyond 100 % it computes, and is refused as too large

export function readScenario(data: unknown): ScenarioReading {
  const reader = new ScenarioReader();
  const input = reader.read(data);
  if (input === null || reader.issues.length > 0) return { ok: false, issues: reader.issues };
  return { ok: true, input: input.input, extra: input.extra };
}

class ScenarioReader {
  readonly issues: InputIssue[] = [];
  private currency: Currency = currencyOf('EUR') as Currency;

  read(data: unknown): { input: TicketInput; extra: Record<string, unknown> } | null {
    const top = this.parse(ScenarioSchema, data, []);
    if (top === null) return null;
    if (top.currency !== undefined) {
      const currency = currencyOf(top.currency);
      if (currency === undefined) return this.fail(['currency'], `devise inconnue : ${top.currency}`);
      this.currency = currency;
    }
    const standardVatRate =
      top.standardVatRate === undefined
        ? 2000
        : this.rate(top.standardVatRate, ['standardVatRate'], MAX_RATE);
    const items = top.lines.map((line, i) => this.item(line, ['lines', i]));
    const payments = (top.payments ?? []).map((p, i) => this.payment(p, ['payments', i]));
    let paymentModes: ReadonlyMap<string, PaymentModeRule> = DEFAULT_PAYMENT_MODES;
    if (top.paymentModes !== undefined) {
      paymentModes = new Map(
        Object.entries(top.paymentModes).map(([mode, rule]) => [
          mode,
          {
            excess: rule.excess,
            rounding:
              rule.rounding === undefined
                ? null
                : this.positiveMoney(rule.rounding, ['paymentModes', mode, 'rounding']),
          },
        ]),
      );
    }
    const limits = {
      maxDiscountPercent:
        top.limits?.maxDiscountPercent === undefined
          ? null
          : this.rate(top.limits.maxDiscountPercent, ['limits', 'maxDiscountPercent'], MAX_RATE),
      maxDiscountAmount:
        top.limits?.maxDiscountAmount === undefined
          ? null
          : this.money(top.limits.maxDiscountAmount, ['limits', 'maxDiscountAmount'], 0),
    };
    const footerDiscount =
      top.footerDiscount === undefined
        ? null
        : this.discount(
            top.footerDiscount.percent,
            top.footerDiscount.amount,
            ['footerDiscount'],
            'percent',
            'amount',
          );
    const shipping =
      top.shipping === undefined
        ? null
        : {
            amount: this.money(top.shipping.amount, ['shipping', 'amount'], 0),
            vatRate:
              top.shipping.vatRate === undefined
                ? null
                : this.rate(top.shipping.vatRate, ['shipping', 'vatRate'], MAX_RATE),
          };
    const { register, seller, idempotencyKey } = top;
    const customer = typeof top.customer === 'string' ? { code: top.customer } : top.customer;
    const extra: Record<string, unknown> = {};
    if (register !== undefined) extra.register = register;
    if (customer?.code !== undefined) extra.customer = customer.code;
    if (seller !== undefined) extra.seller = seller;
    if (idempotencyKey !== undefined) extra.idempotencyKey = idempotencyKey;
    if (top.receipt !== undefined) extra.receipt = top.receipt;
    if (top.email !== undefined) extra.email = top.email;
    return {
      input: {
        currency: this.currency,
        mode: top.mode ?? 'TTC',
        taxExempt: (customer !== undefined && 'taxExempt' in customer && customer.taxExempt) || false,
        standardVatRate,
        limits,
        override: top.override ?? false,
        paymentModes,
        items: items.filter((item): item is TicketItem => item !== null),
        footerDiscount,
        shipping,
        payments: payments.filter((p): p is PaymentInput => p !== null),
      },
      extra,
    };
  }

  private item(data: unknown, path: Path): TicketItem | null {
    if (isObject(data) && 'subtotal' in data) {
      const line = this.parse(SubtotalSchema, data, path);
      if (line === null) return null;
      const { discountPercent, discountAmount } = line.subtotal;
      return {
        kind: 'subtotal',
        discount: this.discount(
          discountPercent,
          discountAmount,
          [...path, 'subtotal'],
          'discountPercent',
          'discountAmount',
        ),
      };
    }
    if (isObject(data) && 'composition' in data) {
      const line = this.parse(CompositionSchema, data, path);
      if (line === null) return null;
      const components = line.composition.components
        .map((c, i) => this.article(c, [...path, 'composition', 'components', i]))
        .filter((c): c is ArticleLine => c !== null);
      const price =
        line.composition.price === undefined
          ? null
          : this.money(line.composition.price, [...path, 'composition', 'price'], 0);
      return { kind: 'composition', ref: line.ref, price, components };
    }
    return this.article(data, path);
  }

  private article(data: unknown, path: Path): ArticleLine | null {
    const line = this.parse(ArticleSchema, data, path);
    if (line === null) return null;
    const qty = this.scaled(line.qty, [...path, 'qty'], 3, MAX_QTY);
    if (qty === 0) this.issue([...path, 'qty'], 'la quantité ne peut pas être nulle');
    const vatRate = this.rate(line.vatRate, [...path, 'vatRate'], MAX_RATE);
    let price: ArticleLine['price'];
    if ((line.unitPrice === undefined) === (line.amount === undefined)) {
      this.issue(path, 'indiquer soit unitPrice, soit amount');
      price = { kind: 'unit', unitPrice: 0 };
    } else if (line.unitPrice !== undefined) {
      const unitPrice = this.money(line.unitPrice, [...path, 'unitPrice'], 0);
      price = { kind: 'unit', unitPrice };
      if (Math.abs(qty) * unitPrice > MAX_LINE_AMOUNT * 1000) {
        this.issue(path, 'montant de ligne trop grand');
      }
    } else {
      const amount = this.money(line.amount ?? '', [...path, 'amount']);
      if (amount !== 0 && Math.sign(amount) !== Math.sign(qty)) {
        this.issue([...path, 'amount'], 'le montant doit avoir le signe de la quantité');
      }
      if (Math.abs(amount) > MAX_LINE_AMOUNT) this.issue([...path, 'amount'], 'montant de ligne trop grand');
      price = { kind: 'amount', amount };
    }
    return {
      kind: 'article',
      ref: line.ref,
      qty,
      price,
      vatRate,
      discount: this.discount(
        line.discountPercent,
        line.discountAmount,
        path,
        'discountPercent',
        'discountAmount',
      ),
    };
  }

  private payment(data: unknown, path: Path): PaymentInput | null {
    const payment = this.parse(PaymentSchema, data, path);
    if (payment === null) return null;
    if (payment.currency === undefined) {
      if (payment.rate !== undefined) this.issue([...path, 'rate'], 'un taux va avec une devise (currency)');
      return {
        mode: payment.mode,
        amount: payment.amount === undefined ? null : this.positiveMoney(payment.amount, [...path, 'amount']),
      };
    }
    const currency = currencyOf(payment.currency);
    if (currency === undefined) {
      this.issue([...path, 'currency'], `devise inconnue : ${payment.currency}`);
      return null;
    }
    if (payment.rate === undefined) {
      this.issue([...path, 'rate'], 'le taux de change est obligatoire avec une devise');
      return null;
    }
    if (payment.amount === undefined) {
      this.issue([...path, 'amount'], 'le montant est obligatoire avec une devise');
      return null;
    }
    const amount = this.positiveMoney(payment.amount, [...path, 'amount'], currency);
    const rateText = payment.rate;
    const rateScale = Math.max(0, rateText.split('.')[1]?.length ?? 0);
    const rate = this.scaled(
      rateText,
      [...path, 'rate'],
      Math.min(Math.max(rateScale, 0), 6),
      1_000_000_000_000,
    );
    if (rate <= 0) this.issue([...path, 'rate'], 'le taux doit être supérieur à zéro');
    if (amount * (rate / 10 ** rateScale) > MAX_LINE_AMOUNT)
      this.issue([...path, 'amount'], 'montant trop grand');
    return { mode: payment.mode, amount: null, foreign: { currency, amount, rate, rateScale } };
  }

  private discount(
    percent: string | undefined,
    amount: string | undefined,
    path: Path,
    percentName: string,
    amountName: string,
  ): Discount | null {
    if (percent !== undefined && amount !== undefined) {
      this.issue(path, `une seule remise : ${percentName} ou ${amountName}`);
      return null;
    }
    if (percent !== undefined) {
      return { kind: 'percent', rate: this.scaled(percent, [...path, percentName], 2, MAX_DISCOUNT_RATE) };
    }
    if (amount !== undefined) return { kind: 'amount', amount: this.money(amount, [...path, amountName]) };
    return null;
  }

  private money(value: string, path: Path, min?: number, currency: Currency = this.currency): Minor {
    const amount = this.scaled(value, path, currency.exponent, undefined, currency);
    if (min !== undefined && amount < min) this.issue(path, 'le montant ne peut pas être négatif');
    return amount;
  }

  private positiveMoney(value: string, path: Path, currency: Currency = this.currency): Minor {
    const amount = this.scaled(value, path, currency.exponent, undefined, currency);
    if (amount <= 0) this.issue(path, 'le montant doit être supérieur à zéro');
    return amount;
  }

  private rate(value: string, path: Path, max: number): Centi {
    const rate = this.scaled(value, path, 2, max);
    if (rate < 0) this.issue(path, 'le taux ne peut pas être négatif');
    return rate;
  }

  private scaled(value: string, path: Path, scale: number, max?: number, currency?: Currency): number {
    const result = parseScaled(value, scale, max);
    if (typeof result === 'number') return result;
    this.issue(path, decimalMessage(result, value, scale, currency));
    return 0;
  }

  private parse<T>(schema: z.ZodType<T>, data: unknown, path: Path): T | null {
    const result = schema.safeParse(data, { reportInput: true });
    if (result.success) return result.data;
    for (const issue of result.error.issues) this.issue([...path, ...issue.path], frenchMessage(issue));
    return null;
  }

  private issue(path: Path, message: string): void {
    this.issues.push({ field: formatPath(path), message });
  }

  private fail(path: Path, message: string): null {
    this.issue(path, message);
    return null;
  }
}

type Path = readonly PropertyKey[];

function isObject(data: unknown): data is Record<string, unknown> {
  return typeof data === 'object' && data !== null && !Array.isArray(data);
}

export function formatPath(path: Path): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out === '' ? '(racine)' : out;
}

function decimalMessage(error: DecimalError, value: string, scale: number, currency?: Currency): string {
  switch (error) {
    case 'format':
      return `nombre décimal attendu sous forme de texte (ex. "12.34"), reçu "${value.slice(0, 40)}"`;
    case 'decimals':
      return currency === undefined
        ? `${scale} décimales au plus, reçu "${value.slice(0, 40)}"`
        : `${scale} décimales au plus pour ${currency.code}, reçu "${value.slice(0, 40)}"`;
    case 'range':
      return `valeur trop grande : "${value.slice(0, 40)}"`;
  }
}

const typeNames: Record<string, string> = {
  string: 'un texte',
  number: 'un nombre',
  boolean: 'un booléen (true ou false)',
  object: 'un objet',
  array: 'une liste',
};

function frenchMessage(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined
        ? 'champ obligatoire manquant'
        : `doit être ${typeNames[issue.expected] ?? issue.expected}`;
    case 'unrecognized_keys':
      return `champ inconnu : ${issue.keys.join(', ')}`;
    case 'invalid_value':
      return `valeur non admise, attendu : ${issue.values.map(String).join(', ')}`;
    case 'too_small':
      return issue.origin === 'array'
        ? `au moins ${String(issue.minimum)} élément(s)`
        : `trop court (au moins ${String(issue.minimum)})`;
    case 'too_big':
      return issue.origin === 'array'
        ? `au plus ${String(issue.maximum)} élément(s)`
        : `trop long (au plus ${String(issue.maximum)})`;
    case 'invalid_union':
      return 'forme non reconnue';
    default:
      return 'valeur invalide';
  }
}
