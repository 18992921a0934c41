/**
 * Helpers for the tests and the bench: a register's journal built with the real functions
 * (appendRecord, the closure state), with a clock that advances one minute per record.
 */
import { mulDivRound } from '../sales/money.ts';
import { appendRecord, keyRotationDraft } from './chain.ts';
import { type ClosureState, closurePayload, openClosureState, trackRecord } from './closure.ts';
import {
  CHAIN_OF_TYPE,
  type Chain,
  type ChainHead,
  type ClosureKind,
  JET_CODES,
  JET_LABELS,
  type JetCodeName,
  type JournalRecord,
  type RateTotals,
  type RecordDraft,
  type RecordRef,
  refOf,
  type SaleLine,
  type SalePayload,
  stampOf,
} from './record.ts';
import { createSigner, type KeyPair, type Signer } from './signing.ts';

export interface LineSpec {
  readonly label: string;
  /** Thousandths. */
  readonly quantity: number;
  /** Unit price TTC in cents. */
  readonly unitPrice: number;
  /** Centi: 2000 is 20 %. */
  readonly rate: number;
}

const htOf = (ttc: number, rate: number): number => mulDivRound(ttc, 10_000, 10_000 + rate);

/** A coherent sale payload (prices TTC) from its lines, paid with `mode`. */
export function salePayload(lines: readonly LineSpec[], mode = 'ESP'): SalePayload {
  const saleLines: SaleLine[] = lines.map((l) => {
    const totalTtc = mulDivRound(l.unitPrice, l.quantity, 1000);
    return {
      label: l.label,
      quantity: l.quantity,
      unitPrice: l.unitPrice,
      totalTtc,
      totalHt: htOf(totalTtc, l.rate),
      vatRate: l.rate,
    };
  });
  const byRate = new Map<number, number>();
  for (const l of saleLines) byRate.set(l.vatRate, (byRate.get(l.vatRate) ?? 0) + l.totalTtc);
  const perRate: RateTotals[] = [...byRate]
    .sort(([a], [b]) => a - b)
    .map(([rate, ttc]) => {
      const ht = htOf(ttc, rate);
      return { rate, ht, vat: ttc - ht, ttc };
    });
  const totalTtc = perRate.reduce((sum, r) => sum + r.ttc, 0);
  return {
    currency: 'EUR',
    operator: 'caissier-1',
    customer: 'DIVERS',
    pricesIncludeTax: true,
    lines: saleLines,
    perRate,
    totalHt: perRate.reduce((sum, r) => sum + r.ht, 0),
    totalTtc,
    payments: totalTtc === 0 ? [] : [{ mode, amount: totalTtc }],
  };
}

/** The opposite of a ticket's payload, pointing to it. */
export function cancellationPayload(original: JournalRecord & { type: 'TICKET' }): SalePayload {
  const p = original.payload;
  return {
    ...p,
    cancels: refOf(original),
    lines: p.lines.map((l) => ({ ...l, quantity: -l.quantity, totalHt: -l.totalHt, totalTtc: -l.totalTtc })),
    perRate: p.perRate.map((r) => ({ rate: r.rate, ht: -r.ht, vat: -r.vat, ttc: -r.ttc })),
    totalHt: -p.totalHt,
    totalTtc: -p.totalTtc,
    payments: p.payments.map((x) => ({ mode: x.mode, amount: -x.amount })),
  };
}

export const SOFTWARE_VERSION = '0.1.0';

/** One register's journal, built record after record. */
export class JournalBuilder {
  readonly records: JournalRecord[] = [];
  readonly heads = new Map<Chain, ChainHead>();
  private signer: Signer;
  private clock: number;
  private closures: ClosureState;
  private copies = new Map<string, number>();

  constructor(
    readonly register: string,
    keys: KeyPair,
    start = new Date('2026-11-02T08:00:00Z'),
  ) {
    this.signer = createSigner(keys);
    this.clock = start.getTime();
    this.closures = openClosureState(register, 'EUR', stampOf(start, 60));
    this.jet('DATA_INITIALISATION');
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

  sale(lines: readonly LineSpec[], mode = 'ESP'): JournalRecord & { type: 'TICKET' } {
    return this.append({
      register: this.register,
      type: 'TICKET',
      softwareVersion: SOFTWARE_VERSION,
      payload: salePayload(lines, mode),
    }) as JournalRecord & { type: 'TICKET' };
  }

  training(lines: readonly LineSpec[]): JournalRecord {
    return this.append({
      register: this.register,
      type: 'TRAINING',
      softwareVersion: SOFTWARE_VERSION,
      payload: salePayload(lines),
    });
  }

  cancel(original: JournalRecord & { type: 'TICKET' }): JournalRecord {
    return this.append({
      register: this.register,
      type: 'CANCELLATION',
      softwareVersion: SOFTWARE_VERSION,
      payload: cancellationPayload(original),
    });
  }

  duplicate(original: JournalRecord, reason = 'Demande du client'): JournalRecord {
    const ref: RecordRef = refOf(original);
    const key = `${ref.chain}:${ref.sequence}`;
    const copyNumber = (this.copies.get(key) ?? 0) + 1;
    this.copies.set(key, copyNumber);
    return this.append({
      register: this.register,
      type: 'DUPLICATE',
      softwareVersion: SOFTWARE_VERSION,
      payload: { original: ref, copyNumber, reason, operator: 'caissier-1' },
    });
  }

  jet(name: JetCodeName, data = ''): JournalRecord {
    return this.append({
      register: this.register,
      type: 'JET',
      softwareVersion: SOFTWARE_VERSION,
      payload: { code: JET_CODES[name], description: JET_LABELS[name], operator: 'caissier-1', data },
    });
  }

  close(kind: ClosureKind, label: string = kind): JournalRecord {
    const payload = closurePayload(this.closures, kind, label, stampOf(this.now, 60));
    return this.append({
      register: this.register,
      type: 'CLOSURE',
      softwareVersion: SOFTWARE_VERSION,
      payload,
    });
  }

  /** Rotates to `next`: the rotation is signed by the current key, then `next` signs. */
  rotate(next: KeyPair): JournalRecord {
    const record = this.append(keyRotationDraft(this.register, next.keyId, 'gerant', SOFTWARE_VERSION));
    this.signer = createSigner(next);
    return record;
  }

  get closureState(): ClosureState {
    return this.closures;
  }

  headList(): ChainHead[] {
    return [...this.heads.values()];
  }
}

export const COFFEE: LineSpec = { label: 'Café', quantity: 1000, unitPrice: 150, rate: 1000 };
export const BOOK: LineSpec = {
  label: 'Livre « Le Petit Prince »',
  quantity: 1000,
  unitPrice: 890,
  rate: 550,
};
export const WINE: LineSpec = {
  label: 'Vin rouge, 75 cl | AOC',
  quantity: 2000,
  unitPrice: 1290,
  rate: 2000,
};

/**
 * A small but complete journal: sales on three rates, a return, a cancellation, duplicates, training,
 * a movement, JET events, two daily closures, a monthly and a yearly closure.
 */
export function sampleJournal(keys: KeyPair, register = 'C1'): JournalBuilder {
  const b = new JournalBuilder(register, keys);
  b.jet('LOGIN');
  const first = b.sale([COFFEE, WINE]);
  b.sale([BOOK], 'CB');
  b.duplicate(first);
  b.training([WINE]);
  b.sale([{ ...BOOK, quantity: -1000 }]);
  const toCancel = b.sale([COFFEE], 'CB');
  b.cancel(toCancel);
  b.duplicate(first, 'Perte du ticket');
  b.append({
    register,
    type: 'MOVEMENT',
    softwareVersion: SOFTWARE_VERSION,
    payload: {
      currency: 'EUR',
      kind: 'FLOAT_IN',
      mode: 'ESP',
      amount: 10000,
      reason: 'Fond de caisse',
      operator: 'gerant',
    },
  });
  b.close('DAY', '2026-11-02');
  b.advance(23 * 60); // the next day, within the 24 hours after the closure
  b.sale([WINE, BOOK, COFFEE]);
  b.close('DAY', '2026-11-03');
  b.close('MONTH', '2026-11');
  b.close('YEAR', '2026');
  b.jet('LOGOUT');
  return b;
}
