import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { type DuplicateDocument, type JournalRecord, refOf } from '../fiscal/record.ts';
import { cancellationPayload, salePayload } from '../fiscal/testing.ts';
import type { GiftTicket, Invoice, ReceiptDocument, SaleTicket, ServiceTicket, Voucher } from './document.ts';
import { shortCodeOf } from './document.ts';
import { parseReceiptDocument } from './document-schema.ts';
import {
  closureReportOf,
  DocumentSourceError,
  documentFromRecord,
  duplicateOf,
  issuedDocumentsOf,
  localDateTime,
  type ReceiptKind,
  saleTicketOf,
} from './from-journal.ts';
import { type Line, layoutDocument } from './layout.ts';
import { encodeQrPayload, qrPayloadOf } from './qr-payload.ts';
import {
  exampleDay,
  exampleSettings,
  journalSettings,
  SOFTWARE_VERSION,
  stableSigner,
  TestJournal,
} from './testing/journal-fixture.ts';
import { renderText } from './text.ts';

// Golden files of documents built from journal records (deterministic signer). To accept a change:
// `UPDATE_GOLDEN=1 node --import tsx --test src/receipts/from-journal.test.ts`, then review the diff.
const goldenDir = join(import.meta.dirname, '__golden__');
const update = process.env.UPDATE_GOLDEN === '1';
/** The text with its line breaks and padding folded, to find a mention that was wrapped. */
const flat = (text: string): string => text.replace(/\s+/g, ' ');

function golden(name: string, text: string): void {
  const file = join(goldenDir, `${name}.txt`);
  if (update || !existsSync(file)) {
    assert.ok(update, `golden file missing: ${file} (run with UPDATE_GOLDEN=1)`);
    writeFileSync(file, text);
  }
  assert.equal(text, readFileSync(file, 'utf8'));
}

const WINE = { label: 'Vin rouge 75 cl', quantity: 2000, unitPrice: 1290, rate: 2000 };
const BOOK = { label: 'Guide de la chaussure', quantity: 1000, unitPrice: 1250, rate: 550 };

/** A day of the example shop: three sales, a cancellation, a reprint, then the daily closure. */
function closedDay(): { journal: TestJournal; closure: JournalRecord } {
  const j = new TestJournal('C1', stableSigner());
  const sale = (lines: (typeof WINE)[], mode: string) =>
    j.append({
      register: 'C1',
      type: 'TICKET',
      softwareVersion: SOFTWARE_VERSION,
      payload: salePayload(lines, mode),
    });
  const first = sale([WINE, BOOK], 'CARD');
  sale([BOOK], 'CASH');
  const third = sale([WINE], 'CASH');
  j.append({
    register: 'C1',
    type: 'CANCELLATION',
    softwareVersion: SOFTWARE_VERSION,
    payload: cancellationPayload(third as JournalRecord & { type: 'TICKET' }),
  });
  j.append({
    register: 'C1',
    type: 'DUPLICATE',
    softwareVersion: SOFTWARE_VERSION,
    payload: { original: refOf(first), copyNumber: 1, reason: 'Demande du client', operator: '3' },
  });
  j.advance(600);
  return { journal: j, closure: j.close('DAY', '2026-11-23') };
}

describe('Z report from a CLOSURE record', () => {
  const { closure } = closedDay();
  const doc = closureReportOf(closure, exampleSettings);

  test('maps every figure of the closure payload', () => {
    assert.equal(closure.type, 'CLOSURE');
    if (closure.type !== 'CLOSURE') return;
    const p = closure.payload;
    assert.equal(doc.kind, 'z-report');
    assert.equal(doc.period, 'day');
    assert.equal(doc.periodLabel, '2026-11-23');
    assert.equal(doc.number, 'C1-Z000001');
    assert.equal(doc.ticketCount, p.ticketCount);
    assert.equal(doc.ticketCount, 3);
    assert.equal(doc.firstTicket, 'C1-000001');
    assert.equal(doc.lastTicket, 'C1-000004');
    assert.equal(doc.cancellations, 1);
    assert.equal(doc.duplicates, 1);
    assert.equal(doc.sales, p.salesTtc);
    assert.equal(doc.returns, p.returnsTtc);
    assert.equal(doc.net, p.periodTotal);
    assert.equal(doc.net, 2580 + 1250 + 1250);
    assert.equal(doc.grandTotalAbsolute, p.periodTotalAbs);
    assert.equal(doc.perpetualTotal, p.perpetualTotal);
    assert.deepEqual(
      doc.vat.map((v) => [v.code, v.rate, v.base + v.vat, v.total]),
      p.perRate.map((r) => [r.rate === 2000 ? '1' : '2', r.rate, r.ttc, r.ttc]),
    );
    assert.deepEqual(
      doc.payments.map((x) => x.label),
      ['Carte bancaire', 'Espèces'],
    );
    assert.equal(doc.fiscal?.signature, closure.signature);
    assert.equal(doc.fiscal?.signedText, closure.signedText);
    assert.equal(doc.from.date, '23/11/2026');
    assert.equal(doc.from.time, '09:00:00');
  });

  test('the document is valid for the schema, and its QR code carries the real signature', () => {
    const parsed = parseReceiptDocument(JSON.parse(JSON.stringify(doc)));
    assert.ok(parsed.ok, parsed.ok ? '' : parsed.errors.join('\n'));
    const qr = encodeQrPayload(qrPayloadOf(doc) ?? assert.fail('no QR'));
    assert.ok(qr.startsWith('CPT1;Z;C1;1;C1-Z000001;'), qr);
    assert.ok(qr.endsWith(`;${closure.keyId};${closure.signature}`), qr);
  });

  test('a record that is not a closure is refused in French', () => {
    const { journal } = closedDay();
    const ticket = journal.records[0] ?? assert.fail('no record');
    assert.throws(() => closureReportOf(ticket, exampleSettings), DocumentSourceError);
    assert.throws(() => closureReportOf(ticket, exampleSettings), /pas d'un TICKET/);
  });

  test('local time follows the offset written in the journal', () => {
    assert.deepEqual(localDateTime({ utc: '20261123233005', offset: '+0100' }), {
      date: '24/11/2026',
      time: '00:30:05',
      stamp: '20261124003005',
    });
    assert.equal(localDateTime({ utc: '20260701120000', offset: '-0930' }).time, '02:30:00');
    assert.throws(() => localDateTime({ utc: '20260701120000', offset: 'Z' }), DocumentSourceError);
  });
});

describe('every document from journal records only', () => {
  const day = exampleDay();
  const settings = journalSettings;
  const build = (records: readonly JournalRecord[], kind: ReceiptKind = 'ticket', index?: number) =>
    documentFromRecord({ records, settings, kind, ...(index === undefined ? {} : { index }) });
  const docs: Record<string, ReceiptDocument> = {
    sale: build([day.ticket]),
    duplicate: build([day.duplicate, day.ticket]),
    gift: build([day.ticket], 'gift'),
    invoice: build([day.ticket], 'invoice'),
    training: build([day.training]),
    cancellation: build([day.cancellation]),
    'credit-note': build([day.refund], 'credit-note'),
    deposit: build([day.issuing], 'deposit'),
    'gift-card': build([day.issuing], 'gift-card'),
    service: build([day.issuing], 'service'),
    'z-report': build([day.closure]),
  };

  for (const [name, doc] of Object.entries(docs)) {
    test(`${name}: valid document, text on 48 and 32 columns as the reviewed golden files`, () => {
      const parsed = parseReceiptDocument(JSON.parse(JSON.stringify(doc)));
      assert.ok(parsed.ok, parsed.ok ? '' : parsed.errors.join('\n'));
      for (const width of [48, 32]) {
        const text = renderText(doc, width);
        golden(`journal-${name}-${width}`, text);
        for (const line of text.split('\n'))
          assert.ok(line.length <= width, `line wider than ${width}: «${line}»`);
      }
    });
  }

  test('the sale carries the real signature, short code and chain position in its QR code', () => {
    const doc = docs.sale as SaleTicket;
    const qr = encodeQrPayload(qrPayloadOf(doc) ?? assert.fail('no QR'));
    assert.equal(
      qr,
      `CPT1;T;1;${day.ticket.sequence};1-000001;20261123090100;15790;EUR;${shortCodeOf(day.ticket.signature)};${day.ticket.keyId};${day.ticket.signature}`,
    );
    const text = renderText(doc, 48);
    assert.ok(text.trimEnd().endsWith(`Signature : ${shortCodeOf(day.ticket.signature)}`), text);
    for (const mention of [
      'TICKET 1-000001',
      'Caissier : CAISSE1 Alexandra',
      'Vendeur : V01 Alexandra',
      'Client : M. Dupond',
      '(1) 2 x [10820000036] Botte de pluie PVC',
      'Remise 10,00 %',
      'Dont éco-participation : 7,20 €',
      '- 1 x [CIR-01] Cirage noir',
      'Rendu                                     2,10 €',
      'Nb articles : 6',
      'Nb lignes : 4',
      'Comptoir 0.1.0',
      'Échange ou avoir sous 1 mois',
    ]) {
      assert.ok(text.includes(mention), `missing: ${mention}`);
    }
  });

  test('a reprint is the original, line for line, plus its duplicate mention and its own signature', () => {
    const original = layoutDocument(docs.sale as SaleTicket, 48);
    const copy = layoutDocument(docs.duplicate as SaleTicket, 48);
    const mention = (l: Line) =>
      l.kind === 'text' && /^(DUPLICATA|Duplicata n°1 (du|:)|Motif : Demande du client)/.test(l.text);
    const added = copy.filter(mention);
    assert.equal(added.length, 4, JSON.stringify(added));
    const rest = copy.filter((l) => !mention(l));
    // The block's closing rule, and the QR code, which carries the duplicate's own record.
    const ruleAt = copy.findIndex(mention) + 3;
    assert.deepEqual(copy[ruleAt], { kind: 'rule', char: '-' });
    rest.splice(rest.indexOf(copy[ruleAt] as Line), 1);
    const withoutQr = (lines: Line[]) => lines.filter((l) => l.kind !== 'qr');
    assert.deepEqual(withoutQr(rest), withoutQr(original));
    const qr = copy.find((l) => l.kind === 'qr');
    assert.ok(
      qr?.kind === 'qr' && qr.value.startsWith(`CPT1;D;1;${day.duplicate.sequence};1-000001;`),
      'QR of the copy',
    );
    assert.ok(qr?.kind === 'qr' && qr.value.endsWith(day.duplicate.signature), 'QR of the copy');
  });

  test('mandatory mentions follow the register options; compositions with or without components', () => {
    const bare = saleTicketOf(day.ticket, {
      ...settings,
      options: {
        showEmail: false,
        showWeb: false,
        showPhoneFax: false,
        showComponents: false,
        showBarcode: false,
      },
    });
    const text = renderText(bare, 48);
    for (const absent of [
      'mag1@chaussures.example',
      'www.chaussures.example',
      'Tél :',
      'Cirage noir',
      '||',
    ]) {
      assert.ok(!text.includes(absent), `still printed: ${absent}`);
    }
    for (const present of ['Siret : 48854988500030', '[KIT-ENTRETIEN] Kit entretien', 'Signature :']) {
      assert.ok(flat(text).includes(present), `missing: ${present}`);
    }
  });

  test('training, cancellation, invoice, vouchers and service ticket carry their own mentions', () => {
    const training = renderText(docs.training as SaleTicket, 48);
    assert.equal(training.split('\n').filter((l) => l.includes('MODE ÉCOLE')).length, 2);
    assert.ok(training.includes('-- mode école --'), 'training mark under the line');
    assert.ok(training.includes('TICKET X1-000001'), 'training number');
    assert.ok(
      flat(renderText(docs.cancellation as SaleTicket, 48)).includes(
        'Ce ticket annule le ticket n° 1-000001',
      ),
      'cancellation mention',
    );
    const cancellation = renderText(docs.cancellation as SaleTicket, 48);
    assert.equal(cancellation.includes('Rendu'), false, 'a cancellation gives back, it has no change');
    assert.ok(
      cancellation.includes('Espèces                                 -57,90 €'),
      'the cash paid back is what the cash settled',
    );
    const invoice = flat(renderText(docs.invoice as Invoice, 48));
    assert.ok(invoice.includes('FACTURE N° F1-000001'), 'invoice number');
    assert.ok(invoice.includes('Origine : ticket n° 1-000001, caisse 1, du 23/11/2026'), 'invoice origin');
    assert.ok(invoice.includes('4 allée des Chênes'), 'customer address');
    assert.equal((docs['credit-note'] as Voucher).amount, 8900);
    assert.equal((docs.deposit as Voucher).amount, 3200);
    assert.equal((docs.deposit as Voucher).validUntil, '22/01/2027');
    assert.equal((docs['gift-card'] as Voucher).amount, 20000);
    const service = docs.service as ServiceTicket;
    assert.equal(service.expectedDelivery, '30/11/2026');
    assert.deepEqual(service.instructions, ['Retouche ourlet 3 cm']);
    assert.equal(renderText(docs.gift as GiftTicket, 48).includes('€'), false);
  });

  test('what a sale hands over besides its ticket: vouchers by article, credit note, service ticket', () => {
    const issued = issuedDocumentsOf(day.issuing, settings);
    assert.deepEqual(
      issued.vouchers.map((v) => [v.document.voucherType, v.index, v.document.amount]),
      [
        ['deposit', 1, (docs.deposit as Voucher).amount],
        ['gift-card', 1, (docs['gift-card'] as Voucher).amount],
      ],
    );
    assert.deepEqual(
      issued.services.map((s) => s.number),
      [(docs.service as ServiceTicket).number],
    );
    const refund = issuedDocumentsOf(day.refund, settings);
    assert.deepEqual(
      refund.vouchers.map((v) => [v.document.voucherType, v.document.amount]),
      [['credit-note', 8900]],
    );
    assert.deepEqual(issuedDocumentsOf(day.ticket, settings), { vouchers: [], services: [] });
    assert.deepEqual(issuedDocumentsOf(day.cancellation, settings), { vouchers: [], services: [] });
  });

  test('documents a record cannot give are refused in French', () => {
    assert.throws(() => build([day.ticket], 'credit-note'), /n'émet pas de bon d'avoir/);
    assert.throws(() => build([day.ticket], 'deposit'), /n'émet pas de bon d'acompte/);
    assert.throws(() => build([day.issuing], 'deposit', 2), /n'émet pas de bon d'acompte n° 2/);
    assert.throws(() => build([day.ticket], 'service'), /pas de prestation de service/);
    assert.throws(() => build([day.cancellation], 'invoice'), /pas d'un enregistrement CANCELLATION/);
    assert.throws(() => build([day.duplicate]), /ticket d'origine du duplicata manque/);
    assert.throws(() => build([day.duplicate, day.issuing]), /ne reproduit pas/);
    assert.throws(() => build([day.duplicate, day.ticket], 'gift'), /est celui du document --kind ticket/);
    assert.throws(() => build([]), DocumentSourceError);
  });
});

describe('a duplicate of any document of a sale (checklist item 24)', () => {
  const day = exampleDay();
  const settings = journalSettings;
  const copy = (original: JournalRecord, document?: DuplicateDocument, index?: number) =>
    day.journal.append({
      register: '1',
      type: 'DUPLICATE',
      softwareVersion: SOFTWARE_VERSION,
      payload: {
        original: refOf(original),
        copyNumber: 2,
        reason: 'Comptabilité',
        operator: 'CAISSE1',
        ...(document === undefined ? {} : { document }),
        ...(index === undefined ? {} : { index }),
      },
    });
  const build = (records: readonly JournalRecord[], kind: ReceiptKind, index?: number) =>
    documentFromRecord({ records, settings, kind, ...(index === undefined ? {} : { index }) });
  const cases: [name: string, original: JournalRecord, kind: DuplicateDocument][] = [
    ['invoice', day.ticket, 'invoice'],
    ['gift', day.ticket, 'gift'],
    ['deposit', day.issuing, 'deposit'],
    ['gift-card', day.issuing, 'gift-card'],
    ['service', day.issuing, 'service'],
    ['credit-note', day.refund, 'credit-note'],
  ];

  for (const [name, original, kind] of cases) {
    test(`${name}: the original document line for line, plus « DUPLICATA », its mention and its own signature`, () => {
      const record = copy(original, kind);
      const doc = build([record, original], kind);
      const parsed = parseReceiptDocument(JSON.parse(JSON.stringify(doc)));
      assert.ok(parsed.ok, parsed.ok ? '' : parsed.errors.join('\n'));
      assert.deepEqual(doc.duplicate?.fiscal?.signature, record.signature);
      for (const width of [48, 32]) {
        const text = renderText(doc, width);
        if (name === 'invoice' || name === 'deposit') golden(`journal-duplicate-${name}-${width}`, text);
        for (const line of text.split('\n'))
          assert.ok(line.length <= width, `line wider than ${width}: «${line}»`);
        const flatText = flat(text);
        for (const mention of [
          'DUPLICATA',
          `Duplicata n°2 du ${localDateTime(record.timestamp).date} ${localDateTime(record.timestamp).time}`,
          'Motif : Comptabilité',
          `Duplicata n°2 : n° d'ordre ${record.sequence}, signature ${shortCodeOf(record.signature)}`,
        ]) {
          assert.ok(flatText.includes(mention), `${name} ${width}: missing « ${mention} »`);
        }
      }
      const copyLines = layoutDocument(doc, 48);
      const originalLines = layoutDocument(build([original], kind), 48);
      const mention = (l: Line) =>
        l.kind === 'text' && /^(DUPLICATA|Duplicata n°2 (du|:)|Motif : Comptabilité)/.test(l.text);
      assert.equal(copyLines.filter(mention).length, 4);
      const ruleAt = copyLines.findIndex(mention) + 3;
      assert.deepEqual(copyLines[ruleAt], { kind: 'rule', char: '-' });
      const rest = copyLines.filter((l, i) => !mention(l) && i !== ruleAt && l.kind !== 'qr');
      assert.deepEqual(
        rest,
        originalLines.filter((l) => l.kind !== 'qr'),
      );
      const qr = copyLines.find((l) => l.kind === 'qr');
      assert.ok(
        qr?.kind === 'qr' && qr.value.startsWith(`CPT1;D;1;${record.sequence};${doc.number};`),
        `QR of the copy: ${qr?.kind === 'qr' ? qr.value : 'none'}`,
      );
      assert.ok(qr?.kind === 'qr' && qr.value.endsWith(record.signature), 'QR of the copy');
    });
  }

  test("a sale's 2nd voucher of a kind: the payload's index picks it", () => {
    const twoDeposits = exampleDay();
    const record = twoDeposits.journal.append({
      register: '1',
      type: 'DUPLICATE',
      softwareVersion: SOFTWARE_VERSION,
      payload: {
        original: refOf(twoDeposits.issuing),
        copyNumber: 1,
        reason: 'Bon perdu',
        operator: 'CAISSE1',
        document: 'deposit',
        index: 2,
      },
    });
    // The example sale issues one deposit: its 2nd does not exist, and the copy says which it wanted.
    assert.throws(() => build([record, twoDeposits.issuing], 'deposit'), /n'émet pas de bon d'acompte n° 2/);
    assert.throws(() => build([record, twoDeposits.issuing], 'deposit', 1), /--kind deposit --index 2/);
  });

  test('the kind asked must be the document the duplicate copies', () => {
    const record = copy(day.ticket, 'invoice');
    assert.throws(() => build([record, day.ticket], 'ticket'), /est celui du document --kind invoice/);
    assert.throws(() => build([record, day.ticket], 'gift'), /est celui du document --kind invoice/);
    assert.throws(
      () => duplicateOf(record, day.ticket, settings),
      /copie le document invoice, pas le ticket/,
    );
    assert.throws(() => build([record, day.issuing], 'invoice'), /ne reproduit pas/);
    const ticketCopy = build([copy(day.ticket), day.ticket], 'ticket');
    assert.equal(ticketCopy.kind, 'sale');
    assert.equal(ticketCopy.duplicate?.copyNumber, 2);
  });
});
