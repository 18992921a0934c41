/**
 * The archive's CSV parts for the tax administration (checklist section H): the period's tickets and
 * its closures, one row each, French decimals, `;`-separated (docs/fiscal-format.md § "Archive").
 * Pure; `archive.ts` puts them in the file.
 */
import type { ClosureKind, JournalRecord, Stamp } from './record.ts';

export type ClosureRecord = JournalRecord & { type: 'CLOSURE' };
export const isClosure = (r: JournalRecord): r is ClosureRecord => r.type === 'CLOSURE';

/** An integer amount of minor units as a French decimal: `-1290` → `-12,90`. */
export function frenchDecimal(value: number, decimals: number): string {
  const negative = value < 0;
  const digits = String(Math.abs(value)).padStart(decimals + 1, '0');
  const whole = digits.slice(0, digits.length - decimals);
  const fraction = digits.slice(digits.length - decimals);
  return `${negative ? '-' : ''}${whole}${decimals > 0 ? `,${fraction}` : ''}`;
}

/** A VAT rate in hundredths of a percent, French: `550` → `5,5`, `2000` → `20`. */
function frenchRate(centi: number): string {
  return frenchDecimal(centi, 2).replace(/,?0+$/, '');
}

function stampText(s: Stamp): string {
  const u = s.utc;
  return `${u.slice(0, 4)}-${u.slice(4, 6)}-${u.slice(6, 8)} ${u.slice(8, 10)}:${u.slice(10, 12)}:${u.slice(12, 14)}`;
}

function csvField(value: string): string {
  return /[;"\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

function csv(header: readonly string[], rows: readonly (readonly string[])[]): string {
  // UTF-8 with a byte order mark, `;` separators and CRLF: what French spreadsheets open as is.
  return `\uFEFF${[header, ...rows].map((row) => row.map(csvField).join(';')).join('\r\n')}\r\n`;
}

export const TICKET_CSV_HEADER = [
  'Caisse',
  'Type',
  'Numéro',
  'Date (UTC)',
  'Décalage horaire',
  'Opérateur',
  'Client',
  'Ligne',
  'Désignation',
  'Quantité',
  'Prix unitaire',
  'Taux TVA (%)',
  'Total HT ligne',
  'Total TTC ligne',
  'Total HT ticket',
  'Total TTC ticket',
  'Paiements',
  'Annule le ticket',
  'Signature',
] as const;

/** One row per ticket line (amounts in euros, comma decimals); a ticket without lines has one row. */
export function ticketsCsv(records: readonly JournalRecord[]): string {
  const rows: string[][] = [];
  for (const r of records) {
    if (r.type !== 'TICKET' && r.type !== 'CANCELLATION') continue;
    const p = r.payload;
    const payments = p.payments.map((x) => `${x.mode} ${frenchDecimal(x.amount, 2)}`).join(' / ');
    const common = [r.register, r.type === 'TICKET' ? 'Ticket' : 'Annulation', String(r.sequence)];
    const tail = [
      frenchDecimal(p.totalHt, 2),
      frenchDecimal(p.totalTtc, 2),
      payments,
      p.cancels === undefined ? '' : String(p.cancels.sequence),
      r.signature,
    ];
    const lines = p.lines.length === 0 ? [undefined] : p.lines;
    lines.forEach((l, i) => {
      rows.push([
        ...common,
        stampText(r.timestamp),
        r.timestamp.offset,
        p.operator,
        p.customer,
        l === undefined ? '' : String(i + 1),
        l?.label ?? '',
        l === undefined ? '' : frenchDecimal(l.quantity, 3),
        l === undefined ? '' : frenchDecimal(l.unitPrice, 2),
        l === undefined ? '' : frenchRate(l.vatRate),
        l === undefined ? '' : frenchDecimal(l.totalHt, 2),
        l === undefined ? '' : frenchDecimal(l.totalTtc, 2),
        ...tail,
      ]);
    });
  }
  return csv(TICKET_CSV_HEADER, rows);
}

export const CLOSURE_CSV_HEADER = [
  'Caisse',
  'Numéro',
  'Clôture',
  'Période',
  'Début (UTC)',
  'Fin (UTC)',
  'Tickets',
  'Annulations',
  'Duplicatas',
  'Totaux par taux (taux : HT / TVA / TTC)',
  'Totaux par mode de paiement',
  'Ventes TTC',
  'Retours TTC',
  'Grand total de la période',
  'Grand total de la période (valeur absolue)',
  'Grand total perpétuel',
  'Grand total perpétuel (valeur absolue)',
  'Signature',
] as const;

const CLOSURE_KIND_LABEL: Record<ClosureKind, string> = {
  DAY: 'Journalière',
  MONTH: 'Mensuelle',
  YEAR: 'Annuelle',
};

export function closuresCsv(records: readonly JournalRecord[]): string {
  const rows = records.filter(isClosure).map((r) => {
    const p = r.payload;
    return [
      r.register,
      String(r.sequence),
      CLOSURE_KIND_LABEL[p.kind],
      p.periodLabel,
      stampText(p.periodStart),
      stampText(p.periodEnd),
      String(p.ticketCount),
      String(p.cancellationCount),
      String(p.duplicateCount),
      p.perRate
        .map(
          (x) =>
            `${frenchRate(x.rate)} % : ${frenchDecimal(x.ht, 2)} / ${frenchDecimal(x.vat, 2)} / ${frenchDecimal(x.ttc, 2)}`,
        )
        .join(' ; '),
      p.perPayment.map((x) => `${x.mode} ${frenchDecimal(x.amount, 2)}`).join(' / '),
      frenchDecimal(p.salesTtc, 2),
      frenchDecimal(p.returnsTtc, 2),
      frenchDecimal(p.periodTotal, 2),
      frenchDecimal(p.periodTotalAbs, 2),
      frenchDecimal(p.perpetualTotal, 2),
      frenchDecimal(p.perpetualTotalAbs, 2),
      r.signature,
    ];
  });
  return csv(CLOSURE_CSV_HEADER, rows);
}
