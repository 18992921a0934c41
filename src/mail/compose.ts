/**
 * The e-mail of one document (seed 000): one e-mail per attachment; the subject « Votre ticket de
 * <type> <magasin> du <jj/mm/aaaa> »; the attachment named after the subject, as PDF; the body is the
 * message configured for the document type or, when empty, the simplified ticket, in HTML with a text
 * alternative. Pure: the PDF is made elsewhere.
 */
import type { ReceiptDocument, Voucher } from '../receipts/document.ts';
import { VOUCHER_TITLES } from '../receipts/document.ts';
import { type Currency, currencyOf, formatMoneyFr, formatTrimmed } from '../sales/money.ts';
import type { MailDocumentType, MailSettings } from './settings.ts';

export interface ComposedMail {
  readonly type: MailDocumentType;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  /** `Votre ticket de chaussures du 23_11_2026.pdf`. */
  readonly attachmentName: string;
}

export const LEGAL_MENTIONS_NOTE =
  'Veuillez consulter la pièce jointe pour obtenir le ticket comportant les mentions légales.';

/** The template a document uses: bons have one message, the prepaid card its own. */
export function mailTypeOf(doc: ReceiptDocument): MailDocumentType {
  switch (doc.kind) {
    case 'sale':
      return 'ticket';
    case 'gift':
      return 'gift';
    case 'invoice':
      return 'invoice';
    case 'service':
      return 'service';
    case 'voucher':
      return doc.voucherType === 'prepaid-card' ? 'prepaid-card' : 'voucher';
    case 'z-report':
      return 'ticket';
  }
}

const lower = (text: string): string => text.toLocaleLowerCase('fr-FR');

/**
 * The store as the seed writes it in subjects: its sign in lower case (« Votre ticket de chaussures du
 * 23/11/2017 » for the sign CHAUSSURES).
 */
export function storeInSubject(doc: ReceiptDocument): string {
  return lower(doc.store.sign);
}

function voucherTitle(doc: Voucher): string {
  return lower(VOUCHER_TITLES[doc.voucherType]);
}

/** The subject of seed 000 for a document; `date` is the document's `dd/mm/yyyy`. */
export function defaultSubject(doc: ReceiptDocument): string {
  const store = storeInSubject(doc);
  const date = doc.issuedAt.date;
  switch (doc.kind) {
    case 'sale':
    case 'z-report':
      return `Votre ticket de ${store} du ${date}`;
    case 'gift':
      return `Votre ticket à donner avec votre cadeau de ${store} du ${date}`;
    case 'invoice':
      return `Votre facture de ${store} du ${date}`;
    case 'service':
      return `Votre ticket de ${lower(doc.title)} de ${store} du ${date}`;
    case 'voucher':
      return doc.voucherType === 'prepaid-card'
        ? `Votre ticket de carte pré-payée de ${store} du ${date}`
        : `Votre ${voucherTitle(doc)} de ${store} du ${date}`;
  }
}

/** The attachment's name: the subject with `/` (and other characters file systems refuse) as `_`. */
export function attachmentNameOf(subject: string): string {
  const safe = [...subject].map((c) =>
    (c.codePointAt(0) ?? 0) < 0x20 || '/\\:*?"<>|'.includes(c) ? '_' : c,
  );
  return `${safe.join('')}.pdf`;
}

export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

const TAG = /<\/?[a-z][^>]*>/i;

/** HTML to a readable text alternative: block tags become line breaks, other tags vanish. */
export function htmlToText(html: string): string {
  return html
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|blockquote|tr|li|h\d)>/gi, '\n')
    .replace(/<[^>]+>/g, '')
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&quot;', '"')
    .replaceAll('&#39;', "'")
    .replaceAll('&nbsp;', ' ')
    .replaceAll('&amp;', '&')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** `%1`…`%9` replaced by `values[0]`…, in one pass (a value holding `%2` stays as it is). */
export function fillTemplate(
  template: string,
  values: readonly string[],
  escapeValue?: (v: string) => string,
): string {
  return template.replace(/%([1-9])/g, (whole, digit: string) => {
    const value = values[Number(digit) - 1];
    if (value === undefined) return whole;
    return escapeValue === undefined ? value : escapeValue(value);
  });
}

/** A configured message as text and HTML: plain text gets its lines kept; HTML its text derived. */
export function templateBody(body: string, values: readonly string[] = []): { text: string; html: string } {
  if (TAG.test(body)) {
    const html = fillTemplate(body, values, escapeHtml);
    return { text: htmlToText(fillTemplate(body, values, (v) => v.replace(/[<>]/g, ''))), html };
  }
  const text = fillTemplate(body, values);
  const html = `<div>${escapeHtml(text).replace(/\n/g, '<br>\n')}</div>`;
  return { text, html };
}

interface SummaryRow {
  readonly cells: readonly string[];
}

interface Summary {
  readonly heading: string;
  readonly rows: readonly SummaryRow[];
  readonly after: readonly SummaryRow[];
}

function currency(doc: ReceiptDocument): Currency {
  const found = currencyOf(doc.currency);
  if (found === undefined) throw new RangeError(`Devise inconnue : ${doc.currency}`);
  return found;
}

function articleCells(line: { quantity: number; reference?: string; designation: string }): string[] {
  const label = line.reference === undefined ? line.designation : `[${line.reference}] ${line.designation}`;
  return [label, formatTrimmed(line.quantity, 3)];
}

/** What the simplified ticket shows of each document: articles and payments, or the voucher's essentials. */
function summaryOf(doc: ReceiptDocument): Summary {
  const cur = currency(doc);
  const money = (amount: number): string => formatMoneyFr(amount, cur);
  switch (doc.kind) {
    case 'sale':
    case 'invoice':
      return {
        heading: doc.kind === 'sale' ? 'Votre ticket simplifié :' : 'Votre facture simplifiée :',
        rows: [
          ...doc.lines.map((line) => ({ cells: [...articleCells(line), money(line.amount)] })),
          { cells: ['', 'Total :', money(doc.totals.totalInclVat)] },
        ],
        after: [
          { cells: ['Règlement(s) réalisé(s)', '', ''] },
          ...doc.payments.map((p) => ({ cells: [p.label, '', money(p.amount)] })),
          ...(doc.change !== undefined && doc.change !== 0
            ? [{ cells: ['Rendu', '', money(doc.change)] }]
            : []),
        ],
      };
    case 'gift':
      return {
        heading: 'Votre ticket cadeau simplifié :',
        rows: doc.lines.map((line) => ({ cells: [...articleCells(line), ''] })),
        after: doc.exchangeNote === undefined ? [] : [{ cells: [doc.exchangeNote, '', ''] }],
      };
    case 'voucher':
      return {
        heading: `${VOUCHER_TITLES[doc.voucherType]} n° ${doc.voucherNumber} :`,
        rows: [{ cells: ['Montant', '', money(doc.amount)] }],
        after: [
          ...(doc.validUntil === undefined
            ? []
            : [
                {
                  cells: [
                    doc.validFrom === undefined
                      ? `Valable jusqu’au ${doc.validUntil}`
                      : `Valable du ${doc.validFrom} au ${doc.validUntil}`,
                    '',
                    '',
                  ],
                },
              ]),
          ...(doc.returnCode === undefined
            ? []
            : [{ cells: [`Code de retour : ${doc.returnCode}`, '', ''] }]),
        ],
      };
    case 'service':
      return {
        heading: `${doc.title} :`,
        rows: (doc.items ?? []).map((line) => ({ cells: [...articleCells(line), ''] })),
        after: [
          { cells: [`Livraison prévisionnelle au ${doc.expectedDelivery}`, '', ''] },
          ...doc.instructions.map((i) => ({ cells: [i, '', ''] })),
        ],
      };
    case 'z-report':
      return { heading: 'Clôture :', rows: [{ cells: ['Total', '', money(doc.net)] }], after: [] };
  }
}

function summaryText(summary: Summary): string {
  const line = (row: SummaryRow): string => row.cells.filter((c) => c !== '').join('\t');
  return [
    summary.heading,
    '',
    ...summary.rows.map(line),
    ...summary.after.map(line),
    '',
    LEGAL_MENTIONS_NOTE,
  ].join('\n');
}

function summaryHtml(summary: Summary): string {
  const tr = (row: SummaryRow, index: number, bold = false): string => {
    const [label = '', quantity = '', amount = ''] = row.cells;
    const cell = (v: string, align: string): string =>
      `<td style="padding:2px 8px;text-align:${align}${bold && index === 0 ? ';font-weight:bold' : ''}">${escapeHtml(v)}</td>`;
    return `<tr>${cell(label, 'left')}${cell(quantity, 'right')}${cell(amount, 'right')}</tr>`;
  };
  return [
    '<div style="font-family:sans-serif">',
    `<p>${escapeHtml(summary.heading)}</p>`,
    '<table style="border-collapse:collapse">',
    ...summary.rows.map((r, i) => tr(r, i)),
    ...summary.after.map((r, i) => tr(r, i, true)),
    '</table>',
    `<p>${escapeHtml(LEGAL_MENTIONS_NOTE)}</p>`,
    '</div>',
  ].join('\n');
}

/** The simplified ticket of seed 000 (`Votre ticket simplifié : …`), as text and HTML. */
export function simplifiedBody(doc: ReceiptDocument): { text: string; html: string } {
  const summary = summaryOf(doc);
  return { text: summaryText(summary), html: summaryHtml(summary) };
}

/** Composes the e-mail of one document with the store's settings. */
export function composeDocumentMail(
  doc: ReceiptDocument,
  settings: Pick<MailSettings, 'templates'>,
): ComposedMail {
  const type = mailTypeOf(doc);
  const configured = settings.templates[type];
  const customerName = doc.customer?.name ?? '';
  const values = [customerName, doc.store.legalName ?? doc.store.sign, '', ''];
  const customSubject = configured?.subject?.trim() ?? '';
  const subject = customSubject === '' ? defaultSubject(doc) : fillTemplate(customSubject, values);
  const customBody = configured?.body ?? '';
  const body = customBody.trim() === '' ? simplifiedBody(doc) : templateBody(customBody, values);
  return { type, subject, text: body.text, html: body.html, attachmentName: attachmentNameOf(subject) };
}
