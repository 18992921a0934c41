/**
 * Test helper: a register's journal built with the real fiscal functions (`appendRecord`, the closure
 * state), with either a real P-256 key (signatures that verify) or a deterministic stand-in signer
 * (stable signatures, so that text renders can be compared with golden files).
 */
import { createHash } from 'node:crypto';
import { appendRecord } from '../../fiscal/chain.ts';
import { type ClosureState, closurePayload, openClosureState, trackRecord } from '../../fiscal/closure.ts';
import {
  CHAIN_OF_TYPE,
  type Chain,
  type ChainHead,
  type ClosureKind,
  type DetailLine,
  type JournalRecord,
  type RateTotals,
  type RecordDraft,
  refOf,
  type SaleDetail,
  type SaleLine,
  type SalePayload,
  stampOf,
} from '../../fiscal/record.ts';
import type { Signer } from '../../fiscal/signing.ts';
import { mulDivRound } from '../../sales/money.ts';
import { oppositeOf } from '../../store/journal/operations.ts';
import { exampleStore } from '../examples.ts';
import type { DocumentSettings } from '../from-journal.ts';

/** A signer whose "signature" is a hash of the text: 86 base64url characters, stable, NOT verifiable. */
export function stableSigner(keyId = 'test-key-0000001'): Signer {
  return {
    keyId,
    sign: (text) =>
      Buffer.concat([
        createHash('sha256').update(`a${text}`).digest(),
        createHash('sha256').update(`b${text}`).digest(),
      ]).toString('base64url'),
  };
}

export const SOFTWARE_VERSION = '0.1.0';

export class TestJournal {
  readonly records: JournalRecord[] = [];
  readonly heads = new Map<Chain, ChainHead>();
  private clock: number;
  private closures: ClosureState;

  constructor(
    readonly register: string,
    readonly signer: Signer,
    start = new Date('2026-11-23T08:00:00Z'),
  ) {
    this.clock = start.getTime();
    this.closures = openClosureState(register, 'EUR', stampOf(start, 60));
  }

  get now(): Date {
    return new Date(this.clock);
  }

  advance(minutes: number): void {
    this.clock += minutes * 60_000;
  }

  append(draft: RecordDraft): JournalRecord {
    this.advance(1);
    const chain = CHAIN_OF_TYPE[draft.type];
    const { record, head } = appendRecord(this.heads.get(chain), draft, this.signer, stampOf(this.now, 60));
    this.heads.set(chain, head);
    this.records.push(record);
    this.closures = trackRecord(this.closures, record);
    return record;
  }

  close(kind: ClosureKind, label: string): JournalRecord {
    const payload = closurePayload(this.closures, kind, label, stampOf(this.now, 60));
    return this.append({
      register: this.register,
      type: 'CLOSURE',
      softwareVersion: SOFTWARE_VERSION,
      payload,
    });
  }
}

/** The settings of the example shop of seed 000 (a shoe shop in Bordeaux). */
export const exampleSettings: DocumentSettings = {
  store: exampleStore,
  software: { name: 'Comptoir', version: SOFTWARE_VERSION },
  vatCodes: { '2000': '1', '550': '2', '1000': '3', '210': '4' },
  paymentLabels: {
    CASH: 'Espèces',
    CARD: 'Carte bancaire',
    CHEQUE: 'Chèque',
    ESP: 'Espèces',
    CB: 'Carte bancaire',
  },
  people: { '3': 'Alexandra', V3: 'Alexandra', gerant: 'Gérant' },
};

type LineSpec = {
  ref: string;
  designation: string;
  quantity: number;
  unitPrice: number;
  vatRate: number;
  lineDiscount?: number;
  percent?: number;
  eco?: number;
  components?: readonly LineSpec[];
};

const htOf = (ttc: number, rate: number): number => ttc - mulDivRound(ttc, rate, 10_000 + rate);

function detailLineOf(l: LineSpec): DetailLine {
  const components = l.components?.map(detailLineOf);
  const gross = components?.reduce((s, c) => s + c.gross, 0) ?? mulDivRound(l.unitPrice, l.quantity, 1000);
  const lineDiscount = l.lineDiscount ?? 0;
  return {
    ref: l.ref,
    designation: l.designation,
    quantity: l.quantity,
    unitPrice: l.unitPrice,
    unitPriceScale: 2,
    vatRate: l.vatRate,
    gross,
    lineDiscount,
    globalDiscount: 0,
    net: gross - lineDiscount,
    ...(l.percent === undefined ? {} : { discount: { percent: l.percent } }),
    ecoParticipation: l.eco ?? 0,
    ...(components === undefined ? {} : { components }),
  };
}

export interface SaleSpec {
  readonly lines: readonly LineSpec[];
  /** Mode, label, given; the last payment takes the change. */
  readonly payments: readonly { mode: string; label: string; given: number }[];
  readonly customer?: { code: string; name: string };
  readonly training?: boolean;
}

/** A coherent sale payload with its receipt detail (prices TTC), as `validateTicket` writes them. */
export function saleWithDetail(spec: SaleSpec): SalePayload {
  const lines = spec.lines.map(detailLineOf);
  const articles = lines.flatMap((l) => l.components ?? [l]);
  const summary: SaleLine[] = articles.map((l) => ({
    label: l.designation,
    quantity: l.quantity,
    unitPrice: l.unitPrice,
    totalHt: htOf(l.net, l.vatRate),
    totalTtc: l.net,
    vatRate: l.vatRate,
  }));
  const byRate = new Map<number, number>();
  for (const l of articles) byRate.set(l.vatRate, (byRate.get(l.vatRate) ?? 0) + l.net);
  const perRate: RateTotals[] = [...byRate]
    .sort(([a], [b]) => a - b)
    .map(([rate, ttc]) => ({ rate, ht: htOf(ttc, rate), vat: ttc - htOf(ttc, rate), ttc }));
  const totalTtc = perRate.reduce((s, r) => s + r.ttc, 0);
  const totalHt = perRate.reduce((s, r) => s + r.ht, 0);
  let due = totalTtc;
  const payments = spec.payments.map((p, i) => {
    const amount = i === spec.payments.length - 1 ? due : Math.min(p.given, due);
    due -= amount;
    return { mode: p.mode, label: p.label, given: p.given, amount };
  });
  const last = payments[payments.length - 1];
  const detail: SaleDetail = {
    version: 1,
    training: spec.training === true,
    priceMode: 'TTC',
    taxExempt: false,
    cashier: { code: 'CAISSE1', name: 'Alexandra' },
    seller: { code: 'V01', name: 'Alexandra' },
    customer: spec.customer ?? { code: 'DIVERS', name: 'Client comptoir' },
    lines,
    totalVat: totalTtc - totalHt,
    payments,
    roundingAdjustment: 0,
    change: last === undefined ? 0 : last.given - last.amount,
    creditNote: 0,
    articleCount: articles.reduce((s, l) => s + l.quantity, 0),
    lineCount: lines.length,
  };
  return {
    currency: 'EUR',
    operator: 'CAISSE1',
    customer: detail.customer.code,
    pricesIncludeTax: true,
    lines: summary,
    perRate,
    totalHt,
    totalTtc,
    payments: payments.map((p) => ({ mode: p.mode, amount: p.amount })),
    detail,
  };
}

/** The example sale of seed 000: discount, eco-participation, a composition, two VAT rates, change. */
export const EXAMPLE_SALE: SaleSpec = {
  customer: { code: '108000000046', name: 'M. Dupond' },
  lines: [
    { ref: '21587146', designation: 'Derby cuir noir 39', quantity: 1000, unitPrice: 8900, vatRate: 2000 },
    {
      ref: '10820000036',
      designation: 'Botte de pluie PVC rouge 22',
      quantity: 2000,
      unitPrice: 2300,
      vatRate: 2000,
      lineDiscount: 460,
      percent: 1000,
      eco: 720,
    },
    {
      ref: 'KIT-ENTRETIEN',
      designation: 'Kit entretien cuir',
      quantity: 1000,
      unitPrice: 1500,
      vatRate: 2000,
      components: [
        { ref: 'CIR-01', designation: 'Cirage noir', quantity: 1000, unitPrice: 800, vatRate: 2000 },
        { ref: 'BRS-02', designation: 'Brosse crin', quantity: 1000, unitPrice: 700, vatRate: 2000 },
      ],
    },
    {
      ref: '9781234567897',
      designation: 'Guide de la chaussure',
      quantity: 1000,
      unitPrice: 1250,
      vatRate: 550,
    },
  ],
  payments: [
    { mode: 'CARD', label: 'Carte bancaire', given: 10000 },
    { mode: 'CASH', label: 'Espèces', given: 6000 },
  ],
};

/** A sale that issues a service ticket, a deposit voucher and a gift card. */
export const ISSUING_SALE: SaleSpec = {
  customer: { code: '108000000046', name: 'M. Dupond' },
  lines: [
    { ref: 'RETOUCHE', designation: 'Retouche ourlet 3 cm', quantity: 1000, unitPrice: 1500, vatRate: 2000 },
    { ref: 'ACOMPTE', designation: 'Acompte commande bottes', quantity: 1000, unitPrice: 3200, vatRate: 0 },
    { ref: 'CARTE-CADEAU', designation: 'Carte cadeau', quantity: 1000, unitPrice: 20000, vatRate: 0 },
  ],
  payments: [{ mode: 'CARD', label: 'Carte bancaire', given: 24700 }],
};

/** A return of the derby refunded by a credit note. */
export const RETURN_SALE: SaleSpec = {
  customer: { code: '108000000046', name: 'M. Dupond' },
  lines: [
    { ref: '21587146', designation: 'Derby cuir noir 39', quantity: -1000, unitPrice: 8900, vatRate: 2000 },
  ],
  payments: [{ mode: 'CREDIT_NOTE', label: "Bon d'avoir", given: -8900 }],
};

export const journalSettings: DocumentSettings = {
  ...exampleSettings,
  defaultCustomer: 'DIVERS',
  issuing: { RETOUCHE: 'service', ACOMPTE: 'deposit', 'CARTE-CADEAU': 'gift-card' },
  customers: {
    '108000000046': {
      addressLines: ['4 allée des Chênes', '33600 Pessac', 'France'],
      vatNumber: 'FR12345678901',
    },
  },
  giftNote: 'Échange sous 1 mois sur présentation de ce ticket.',
};

/**
 * A day of the example shop, signed by `signer`: the example sale, a sale issuing vouchers, a return
 * refunded by credit note, a training ticket, the example sale cancelled, a reprint of it, the Z.
 */
export function exampleDay(signer: Signer = stableSigner()) {
  const j = new TestJournal('1', signer);
  const sale = (spec: SaleSpec, type: 'TICKET' | 'TRAINING' = 'TICKET') =>
    j.append({ register: '1', type, softwareVersion: SOFTWARE_VERSION, payload: saleWithDetail(spec) });
  const ticket = sale(EXAMPLE_SALE) as JournalRecord & { type: 'TICKET' };
  const issuing = sale(ISSUING_SALE);
  const refund = sale(RETURN_SALE);
  const training = sale(
    {
      ...EXAMPLE_SALE,
      lines: EXAMPLE_SALE.lines.slice(0, 1),
      payments: [{ mode: 'CASH', label: 'Espèces', given: 10000 }],
      training: true,
    },
    'TRAINING',
  );
  const cancellation = j.append({
    register: '1',
    type: 'CANCELLATION',
    softwareVersion: SOFTWARE_VERSION,
    payload: oppositeOf(ticket, { code: 'CAISSE1', name: 'Alexandra' }),
  });
  const duplicate = j.append({
    register: '1',
    type: 'DUPLICATE',
    softwareVersion: SOFTWARE_VERSION,
    payload: { original: refOf(ticket), copyNumber: 1, reason: 'Demande du client', operator: 'CAISSE1' },
  });
  j.advance(600);
  const closure = j.close('DAY', '2026-11-23');
  return { journal: j, ticket, issuing, refund, training, cancellation, duplicate, closure };
}
