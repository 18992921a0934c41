/**
 * Lays a document out as a list of printable lines for a given paper width (in characters).
 *
 * One layout feeds the three outputs: plain text joins the lines, ESC/POS adds styles, barcode and
 * QR commands, the PDF draws them in a monospace font. Pure: no I/O, no clock.
 */
import { type Currency, currencyOf, formatMoneyFr, formatTrimmed, type Milli } from '../sales/money.ts';
import {
  type ClosureReport,
  type DocumentLine,
  documentTitle,
  type GiftTicket,
  type Invoice,
  type Payment,
  type ReceiptDocument,
  type SaleBody,
  type SaleTicket,
  type ServiceTicket,
  type VatRow,
  type Voucher,
} from './document.ts';
import { encodeQrPayload, qrPayloadOf } from './qr-payload.ts';

export type Align = 'left' | 'center' | 'right';

export type Line =
  | { readonly kind: 'text'; readonly text: string; readonly align: Align; readonly bold?: boolean }
  /** Left text and right text on one line; `large` asks for double size where the output can. */
  | {
      readonly kind: 'pair';
      readonly left: string;
      readonly right: string;
      readonly bold?: boolean;
      readonly large?: boolean;
    }
  | { readonly kind: 'rule'; readonly char: '-' | '=' }
  | { readonly kind: 'blank' }
  | { readonly kind: 'barcode'; readonly value: string }
  | { readonly kind: 'qr'; readonly value: string };

export const PAPER_COLUMNS = { '80mm': 48, '58mm': 32 } as const;

export class LayoutError extends Error {}

/**
 * Word-wraps `text` to `width` columns; words longer than a line are cut. Leading spaces are an
 * indent kept on every line; `hang` indents the continuation lines further.
 */
export function wrap(text: string, width: number, hang = 0): string[] {
  const indent = /^ */.exec(text)?.[0] ?? '';
  const first = wrapWords(text.trim(), width - indent.length);
  const [head = '', ...tail] = first;
  if (tail.length === 0) return [indent + head];
  const inner = indent + ' '.repeat(hang);
  const rest = wrapWords(tail.join(' '), width - inner.length);
  return [indent + head, ...rest.map((part) => inner + part)];
}

function wrapWords(text: string, width: number): string[] {
  const out: string[] = [];
  let current = '';
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    let rest = word;
    while (rest.length > width) {
      if (current !== '') {
        out.push(current);
        current = '';
      }
      out.push(rest.slice(0, width));
      rest = rest.slice(width);
    }
    if (current === '') current = rest;
    else if (current.length + 1 + rest.length <= width) current = `${current} ${rest}`;
    else {
      out.push(current);
      current = rest;
    }
  }
  if (current !== '' || out.length === 0) out.push(current);
  return out;
}

/** A French quantity: 2, 1,5, 0,250. */
export function formatQuantity(quantity: Milli): string {
  return formatTrimmed(quantity, 3).replace('.', ',');
}

/** A French rate: 20,00 %, 5,50 %. */
export function formatRate(rate: number): string {
  return `${formatTrimmed(rate, 2, 2).replace('.', ',')} %`;
}

class Builder {
  readonly lines: Line[] = [];
  constructor(
    readonly width: number,
    readonly currency: Currency,
    readonly training: boolean,
  ) {}

  money(amount: number): string {
    return formatMoneyFr(amount, this.currency);
  }
  text(text: string, align: Align = 'left', bold = false): void {
    for (const part of wrap(text, this.width)) {
      this.lines.push(bold ? { kind: 'text', text: part, align, bold } : { kind: 'text', text: part, align });
    }
  }
  center(text: string, bold = false): void {
    this.text(text, 'center', bold);
  }
  /** Left and right on one line; a long left part wraps and the right part stays on its first line. */
  pair(left: string, right: string, options: { bold?: boolean; large?: boolean } = {}): void {
    const room = this.width - right.length - 1;
    if (room < 8) {
      this.text(left, 'left', options.bold ?? false);
      this.text(right, 'right', options.bold ?? false);
      return;
    }
    const [first = '', ...rest] = wrap(left, room);
    const more = rest.length === 0 ? [] : wrap(`${' '.repeat(4)}${rest.join(' ').trim()}`, this.width);
    this.lines.push({ kind: 'pair', left: first, right, ...options });
    for (const part of more) this.lines.push({ kind: 'text', text: part, align: 'left' });
  }
  /** A label and an amount. */
  amount(label: string, amount: number, options: { bold?: boolean; large?: boolean } = {}): void {
    this.pair(label, this.money(amount), options);
  }
  rule(char: '-' | '=' = '-'): void {
    this.lines.push({ kind: 'rule', char });
  }
  blank(): void {
    this.lines.push({ kind: 'blank' });
  }
  trainingMark(): void {
    if (this.training) this.center('*** MODE ÉCOLE ***', true);
  }
}

function header(b: Builder, doc: ReceiptDocument): void {
  const { store } = doc;
  const o = doc.options ?? {};
  b.trainingMark();
  b.center(store.sign, true);
  if (store.legalName !== undefined) b.center(store.legalName);
  if (doc.kind === 'invoice' && store.legalForm !== undefined) b.center(store.legalForm);
  for (const line of store.addressLines) b.center(line);
  b.center(`${store.postalCode} ${store.city}`);
  b.center(store.country);
  if (o.showPhoneFax !== false && (store.phone !== undefined || store.fax !== undefined)) {
    const parts = [store.phone && `Tél : ${store.phone}`, store.fax && `Fax : ${store.fax}`].filter(
      (p): p is string => typeof p === 'string',
    );
    const joined = parts.join('  ');
    if (joined.length <= b.width) b.center(joined);
    else for (const part of parts) b.center(part);
  }
  if (o.showEmail !== false && store.email !== undefined) b.center(store.email);
  if (o.showWeb !== false && store.web !== undefined) b.center(store.web);
  if (o.showLegalIds !== false || doc.kind === 'invoice') {
    b.center(`Siret : ${store.siret}`);
    b.center(`Code NAF : ${store.naf}`);
    b.center(`TVA intra : ${store.vatNumber}`);
  }
  b.rule('=');
}

function identity(b: Builder, doc: ReceiptDocument): void {
  b.text(`${documentTitle(doc)} ${doc.number}`, 'left', true);
  b.pair(`Caisse ${doc.register}`, `${doc.issuedAt.date} ${doc.issuedAt.time}`);
  if (doc.cashier !== undefined) b.text(`Caissier : ${personText(doc.cashier)}`);
  if (doc.seller !== undefined) b.text(`Vendeur : ${personText(doc.seller)}`);
}

function personText(p: { code?: string; name: string }): string {
  return p.code === undefined ? p.name : `${p.code} ${p.name}`;
}

function customerBlock(b: Builder, doc: ReceiptDocument): void {
  const c = doc.customer;
  if (c === undefined) return;
  b.text(`Client : ${c.name}`);
  if (c.code !== undefined) b.text(`Code client : ${c.code}`);
  for (const line of c.addressLines ?? []) b.text(line);
  if (c.vatNumber !== undefined) b.text(`TVA intra : ${c.vatNumber}`);
  if (c.loyalty !== undefined) {
    const l = c.loyalty;
    if (l.cardNumber !== undefined) b.text(`Carte fidélité : ${l.cardNumber}`);
    const parts = [`${l.points} points`];
    if (l.articles !== undefined) parts.push(`${l.articles} articles`);
    if (l.visits !== undefined) parts.push(`${l.visits} passages`);
    b.text(`Fidélité : ${parts.join(', ')}`);
  }
}

function articleText(line: { quantity: Milli; reference?: string; designation: string }): string {
  const ref = line.reference === undefined ? '' : `[${line.reference}] `;
  return `${formatQuantity(line.quantity)} x ${ref}${line.designation}`;
}

function saleLines(b: Builder, doc: SaleBody & { options?: { showComponents?: boolean } }): void {
  for (const line of doc.lines) saleLine(b, line, doc.options?.showComponents !== false);
}

function saleLine(b: Builder, line: DocumentLine, showComponents: boolean): void {
  b.pair(`(${line.vatCode}) ${articleText(line)}`, b.money(line.amount));
  if (line.quantity !== 1000 || line.discount !== undefined) {
    b.text(`    ${b.money(line.unitPrice)} x ${formatQuantity(line.quantity)}`);
  }
  if (line.discount !== undefined) {
    const d = line.discount;
    const label = d.label ?? 'Remise';
    b.amount(`    ${label}${d.percent === undefined ? '' : ` ${formatRate(d.percent)}`}`, -d.amount);
  }
  if (line.ecoParticipation !== undefined && line.ecoParticipation !== 0) {
    b.text(`    Dont éco-participation : ${b.money(line.ecoParticipation)}`);
  }
  if (showComponents) {
    for (const c of line.components ?? []) b.text(`    - ${articleText(c)}`);
  }
  if (b.training) b.center('-- mode école --');
}

function vatTable(b: Builder, rows: readonly VatRow[]): void {
  b.text('TVA', 'left', true);
  const amount = (v: number) => b.money(v).replace(/ \S+$/, '');
  const cells = rows.map((r) => [r.code, formatRate(r.rate), amount(r.base), amount(r.vat), amount(r.total)]);
  const heads = ['C', 'Taux', 'HT', 'TVA', 'TTC'];
  const widths = heads.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]?.length ?? 0)));
  const needed = widths.reduce((s, w) => s + w, 0) + widths.length - 1;
  if (needed <= b.width) {
    // Distribute the spare room to the three amount columns.
    const spare = b.width - needed;
    const grown = widths.map((w, i) => (i >= 2 ? w + Math.floor(spare / 3) + (i === 4 ? spare % 3 : 0) : w));
    const row = (values: readonly string[]) =>
      values
        .map((v, i) => (i < 2 ? v.padEnd(grown[i] ?? 0) : v.padStart(grown[i] ?? 0)))
        .join(' ')
        .trimEnd();
    b.lines.push({ kind: 'text', text: row(heads), align: 'left' });
    for (const c of cells) b.lines.push({ kind: 'text', text: row(c), align: 'left' });
  } else {
    for (const r of rows) {
      b.text(`(${r.code}) ${formatRate(r.rate)}`);
      b.amount('  HT', r.base);
      b.amount('  TVA', r.vat);
      b.amount('  TTC', r.total);
    }
  }
}

function payments(b: Builder, list: readonly Payment[], change: number | undefined): void {
  for (const p of list) b.amount(p.label, p.amount);
  if (change !== undefined && change !== 0) b.amount('Rendu', change);
}

function saleBody(b: Builder, doc: SaleTicket | Invoice): void {
  saleLines(b, doc);
  b.rule();
  const t = doc.totals;
  if (t.globalDiscount !== undefined) {
    const pct =
      t.globalDiscount.percent !== undefined && doc.options?.showGlobalDiscountPercent !== false
        ? ` ${formatRate(t.globalDiscount.percent)}`
        : '';
    b.amount(`Remise globale${pct}`, -t.globalDiscount.amount);
  }
  b.amount('TOTAL', t.totalInclVat, { bold: true, large: true });
  if (t.rounding !== undefined && t.rounding !== 0) {
    b.amount('Arrondi', t.rounding);
    b.amount('Net à payer', t.totalInclVat + t.rounding, { bold: true });
  }
  b.rule();
  payments(b, doc.payments, doc.change);
  b.rule();
  b.text(`Nb articles : ${doc.articleCount}`);
  b.text(`Nb lignes : ${doc.lineCount}`);
  b.rule();
  vatTable(b, doc.vat);
  b.rule();
  b.amount('Total HT', t.totalExclVat);
  b.amount('Total TVA', t.totalVat);
  b.amount('Total TTC', t.totalInclVat, { bold: true });
}

/** « DUPLICATA », the copy number, date and reason, at the top of any reprinted document. */
function duplicateMark(b: Builder, doc: ReceiptDocument): void {
  if (doc.duplicate === undefined) return;
  b.center('DUPLICATA', true);
  b.center(
    `Duplicata n°${doc.duplicate.copyNumber} du ${doc.duplicate.printedAt.date} ${doc.duplicate.printedAt.time}`,
  );
  if (doc.duplicate.reason !== undefined) b.center(`Motif : ${doc.duplicate.reason}`);
  b.rule();
}

function sale(b: Builder, doc: SaleTicket): void {
  identity(b, doc);
  customerBlock(b, doc);
  if (doc.cancels !== undefined) b.text(`Ce ticket annule le ticket n° ${doc.cancels}`, 'left', true);
  if (doc.cancelledBy !== undefined) {
    b.text(`Ce ticket est annulé par le ticket n° ${doc.cancelledBy}`, 'left', true);
  }
  if (doc.modifies !== undefined) b.text(`Ce ticket modifie le ticket n° ${doc.modifies}`, 'left', true);
  if (doc.returnCause !== undefined) b.text(`Motif du retour : ${doc.returnCause}`, 'left', true);
  b.rule();
  saleBody(b, doc);
}

function gift(b: Builder, doc: GiftTicket): void {
  identity(b, doc);
  b.rule();
  for (const line of doc.lines) {
    b.text(articleText(line));
    if (b.training) b.center('-- mode école --');
  }
  b.rule();
  b.text(`Nb articles : ${doc.articleCount}`);
  if (doc.exchangeNote !== undefined) b.text(doc.exchangeNote);
}

function voucher(b: Builder, doc: Voucher): void {
  identity(b, doc);
  b.text(`Bon n° ${doc.voucherNumber}`, 'left', true);
  if (doc.originTicket !== undefined) b.text(`Ticket d'origine : ${doc.originTicket}`);
  customerBlock(b, doc);
  b.rule();
  b.amount('Montant', doc.amount, { bold: true, large: true });
  if (b.training) b.center('-- mode école --');
  if (doc.validFrom !== undefined && doc.validUntil !== undefined) {
    b.text(`Valable du ${doc.validFrom} au ${doc.validUntil}`);
  } else if (doc.validUntil !== undefined) b.text(`Valable jusqu'au ${doc.validUntil}`);
  if (doc.reservationCode !== undefined) b.text(`Code de réservation : ${doc.reservationCode}`);
  if (doc.returnCode !== undefined) {
    b.text(`Code de retour : ${doc.returnCode}`);
    if (doc.options?.showBarcode !== false) b.lines.push({ kind: 'barcode', value: doc.returnCode });
  }
}

function service(b: Builder, doc: ServiceTicket): void {
  identity(b, doc);
  if (doc.originTicket !== undefined) b.text(`Ticket d'origine : ${doc.originTicket}`);
  customerBlock(b, doc);
  b.rule();
  b.text(`Livraison prévisionnelle au ${doc.expectedDelivery}`, 'left', true);
  for (const item of doc.items ?? []) b.text(articleText(item));
  for (const line of doc.instructions) {
    b.text(line);
    if (b.training) b.center('-- mode école --');
  }
}

function invoice(b: Builder, doc: Invoice): void {
  b.text(`FACTURE N° ${doc.invoiceNumber}`, 'left', true);
  b.text(`Date : ${doc.issuedAt.date}`);
  b.text(
    `Origine : ticket n° ${doc.origin.ticketNumber}, caisse ${doc.origin.register}, du ${doc.origin.date}`,
  );
  if (doc.cashier !== undefined) b.text(`Caissier : ${personText(doc.cashier)}`);
  b.rule();
  customerBlock(b, doc);
  b.rule();
  saleBody(b, doc);
  b.rule();
  if (doc.paymentTerms !== undefined) b.text(doc.paymentTerms);
  if (doc.dueDate !== undefined) b.text(`Échéance : ${doc.dueDate}`);
}

function closure(b: Builder, doc: ClosureReport): void {
  b.center(documentTitle(doc), true);
  b.rule();
  b.text(`Clôture n° ${doc.number}`, 'left', true);
  if (doc.periodLabel !== undefined) b.text(`Période : ${doc.periodLabel}`);
  b.text(`Caisse ${doc.register}`);
  b.text(`Du ${doc.from.date} ${doc.from.time}`);
  b.text(`Au ${doc.to.date} ${doc.to.time}`);
  if (doc.cashier !== undefined) b.text(`Caissier : ${personText(doc.cashier)}`);
  b.rule();
  b.pair('Nombre de tickets', String(doc.ticketCount));
  if (doc.firstTicket !== undefined) b.pair('Premier ticket', doc.firstTicket);
  if (doc.lastTicket !== undefined) b.pair('Dernier ticket', doc.lastTicket);
  b.pair('Annulations', String(doc.cancellations));
  if (doc.duplicates !== undefined) b.pair('Duplicatas', String(doc.duplicates));
  b.rule();
  b.amount('Ventes TTC', doc.sales);
  b.amount('Retours TTC', doc.returns);
  b.amount('NET TTC', doc.net, { bold: true, large: true });
  b.rule();
  vatTable(b, doc.vat);
  b.rule();
  b.text('Règlements', 'left', true);
  payments(b, doc.payments, undefined);
  b.rule();
  b.amount('Grand total période', doc.grandTotal, { bold: true });
  if (doc.grandTotalAbsolute !== undefined) b.amount('Grand total période (absolu)', doc.grandTotalAbsolute);
  b.amount('Total perpétuel', doc.perpetualTotal);
  b.amount('Total perpétuel (absolu)', doc.perpetualTotalAbsolute);
  reconciliationSection(b, doc);
  tillCountSection(b, doc);
}

/** What the day reconciles (issue 12): per mode received, change given, settled; credit notes, returns. */
function reconciliationSection(b: Builder, doc: ClosureReport): void {
  const r = doc.reconciliation;
  if (r === undefined) return;
  b.rule();
  b.text('Rapprochement des règlements', 'left', true);
  for (const t of r.tenders) {
    b.text(t.label, 'left', true);
    b.amount('  Encaissé', t.received);
    if (t.change !== 0) b.amount('  Rendu', t.change);
    b.amount('  Réglé', t.settled);
  }
  b.amount(`Avoirs émis (${r.creditNotes.count})`, r.creditNotes.amount);
  b.amount(`Retours (${r.returns.count})`, r.returns.amount);
  b.amount(`Annulations (${r.cancellations.count})`, r.cancellations.amount);
}

/** The till's closing count (issue 13): per mode expected, counted and difference, then the safe. */
function tillCountSection(b: Builder, doc: ClosureReport): void {
  const count = doc.tillCount;
  if (count === undefined) return;
  b.rule();
  b.text('Comptage de caisse', 'left', true);
  for (const row of count.rows) {
    b.text(row.label, 'left', true);
    b.amount('  Attendu', row.expected);
    b.amount('  Compté', row.counted);
    b.amount('  Écart', row.difference, { bold: row.difference !== 0 });
  }
  if (count.removed !== 0) b.amount('Remis au coffre', count.removed);
}

function footer(b: Builder, doc: ReceiptDocument): void {
  b.rule();
  const sw = doc.software;
  b.text(`${sw.name} ${sw.version}${sw.certificate === undefined ? '' : ` – ${sw.certificate}`}`);
  if (doc.kind === 'sale' && doc.seller !== undefined) b.text(`Vous avez été servi par : ${doc.seller.name}`);
  if (doc.kind !== 'z-report') for (const line of doc.store.footer ?? []) b.center(line);
  const o = doc.options ?? {};
  if (o.showBarcode !== false && (doc.kind === 'sale' || doc.kind === 'service')) {
    b.lines.push({ kind: 'barcode', value: doc.number });
  }
  const payload = qrPayloadOf(doc);
  if (payload !== undefined && o.showQrCode !== false) {
    b.lines.push({ kind: 'qr', value: encodeQrPayload(payload) });
  }
  b.trainingMark();
  // A duplicate prints the original's lines unchanged, plus its own copy number and signature extract
  // (checklist item 25); the QR code above carries the duplicate's record.
  const copy = doc.duplicate;
  if (copy?.fiscal !== undefined) {
    b.text(
      `Duplicata n°${copy.copyNumber} : n° d'ordre ${copy.fiscal.sequence}, signature ${copy.fiscal.shortCode}`,
    );
  }
  const fiscal = doc.fiscal ?? copy?.fiscal;
  if (fiscal !== undefined) {
    b.text(`N° d'ordre : ${fiscal.sequence}`);
    // Seed 000: the document ends with its signature extract.
    b.text(`Signature : ${fiscal.shortCode}`);
  }
}

/** Lays out any document for a paper `width` in characters (48 for 80 mm, 32 for 58 mm). */
export function layoutDocument(doc: ReceiptDocument, width: number): Line[] {
  if (!Number.isInteger(width) || width < 24 || width > 200) {
    throw new LayoutError(`Largeur invalide : ${width} colonnes (entre 24 et 200)`);
  }
  const currency = currencyOf(doc.currency);
  if (currency === undefined) throw new LayoutError(`Devise inconnue : ${doc.currency}`);
  const b = new Builder(width, currency, doc.training === true);
  header(b, doc);
  duplicateMark(b, doc);
  switch (doc.kind) {
    case 'sale':
      sale(b, doc);
      break;
    case 'gift':
      gift(b, doc);
      break;
    case 'voucher':
      voucher(b, doc);
      break;
    case 'service':
      service(b, doc);
      break;
    case 'invoice':
      invoice(b, doc);
      break;
    case 'z-report':
      closure(b, doc);
      break;
  }
  footer(b, doc);
  return b.lines;
}
