import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { SaleTicket } from './document.ts';
import { exampleDuplicate, exampleInvoice, exampleSale } from './examples.ts';
import { renderPdf } from './pdf.ts';
import {
  CertificateError,
  loadStoreCertificate,
  makeSelfSignedStoreCertificate,
  renderSignedPdf,
  type StoreCertificate,
  type StoreCertificatePem,
  signPdfWithStoreCertificate,
} from './pdf-signature.ts';
import { encodeReceiptData, RECEIPT_DATA_KEY, receiptDataOf } from './receipt-data.ts';
import { makeJournalKey, signedExampleSale, signTicket } from './testing/signed-ticket.ts';
import { extractReceiptData, parseJournalKeys, verifyReceiptPdf } from './verify-pdf.ts';

const now = new Date('2026-11-23T13:40:58Z');
const dir = mkdtempSync(join(tmpdir(), 'comptoir-pdf-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** poppler's tools: skipped only where they are missing outside CI (CI installs poppler-utils). */
function poppler(tool: string): ((args: string[]) => string) | undefined {
  const probe = spawnSync(tool, ['-v'], { encoding: 'utf8' });
  if (probe.error !== undefined) {
    assert.notEqual(process.env.CI, 'true', `${tool} is missing in CI: install poppler-utils`);
    return undefined;
  }
  return (args) => {
    const run = spawnSync(tool, args, { encoding: 'utf8' });
    return `${run.stdout}${run.stderr}`;
  };
}

function save(name: string, bytes: Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

const journalKey = makeJournalKey('k2026-1');
const keys = parseJournalKeys(JSON.stringify({ keys: [{ id: journalKey.id, pem: journalKey.publicPem }] }));
const ticket = signedExampleSale(journalKey);
let storePem: StoreCertificatePem;
let store: StoreCertificate;
let signed: Buffer;

before(async () => {
  storePem = await makeSelfSignedStoreCertificate({
    commonName: 'CHAUSSURES',
    organization: 'Ste chaussures (SIRET 48854988500030)',
    notBefore: new Date('2026-01-01T00:00:00Z'),
  });
  store = await loadStoreCertificate(storePem);
  signed = await renderSignedPdf(ticket, store, { now });
});

describe('ticket PDF', () => {
  test('is deterministic and carries the receipt data, in the info dictionary', async () => {
    const a = await renderPdf(ticket, { now });
    const b = await renderPdf(ticket, { now });
    assert.ok(a.equals(b));
    const render = { format: 'narrow', font: 'dejavu', at: now.toISOString() } as const;
    assert.equal(extractReceiptData(a), encodeReceiptData(receiptDataOf(ticket, render)));
    assert.ok(a.includes(Buffer.from(`/${RECEIPT_DATA_KEY} `)));
  });

  test('narrow: one page 80 mm wide; A4 invoice: 210 × 297 mm', (t) => {
    const info = poppler('pdfinfo');
    if (info === undefined) return t.skip('pdfinfo absent');
    const narrow = info([save('narrow.pdf', signed)]);
    assert.match(narrow, /Pages:\s+1\n/);
    assert.match(narrow, /Page size:\s+226\.77\d? x \d+/);
    return Promise.all([
      renderPdf(exampleInvoice, { now, format: 'a4' }),
      renderPdf(exampleInvoice, { now, format: 'a5' }),
    ]).then(([a4, a5]) => {
      assert.match(info([save('a4.pdf', a4)]), /Page size:\s+595\.28 x 841\.89 pts \(A4\)/);
      assert.match(info([save('a5.pdf', a5)]), /Page size:\s+419\.53 x 595\.28 pts/);
    });
  });

  test('the text holds every mandatory mention and ends with « Signature : <short code> »', async (t) => {
    const pdftotext = poppler('pdftotext');
    if (pdftotext === undefined) return t.skip('pdftotext absent');
    for (const font of ['embedded', 'standard'] as const) {
      const path = save(`text-${font}.pdf`, await renderPdf(ticket, { now, font }));
      pdftotext(['-layout', path, join(dir, `${font}.txt`)]);
      const text = readFileSync(join(dir, `${font}.txt`), 'utf8');
      for (const mention of [
        'CHAUSSURES',
        'Siret : 48854988500030',
        'Code NAF : 4772A',
        'TVA intra : FR53488549858',
        'TICKET 1082000000825',
        'Caissier : 3 Alexandra',
        'Derby cuir noir 39',
        '157,90 €',
        'Dont éco-participation : 7,20 €',
        'Nb articles : 5',
        'Nb lignes : 4',
        'Total HT',
        'Comptoir 0.1.0',
        "N° d'ordre : 825",
      ]) {
        assert.ok(text.includes(mention), `${font}: missing ${mention}`);
      }
      const last = text.trimEnd().split('\n').at(-1)?.trim();
      assert.equal(last, `Signature : ${ticket.fiscal?.shortCode}`, font);
    }
  });

  test('embeds DejaVu Sans Mono (subset) by default, nothing with the standard font', async (t) => {
    const pdffonts = poppler('pdffonts');
    if (pdffonts === undefined) return t.skip('pdffonts absent');
    const embedded = pdffonts([save('fonts.pdf', signed)]);
    assert.match(embedded, /\+DejaVuSansMono\s+CID TrueType\s+Identity-H\s+yes yes yes/);
    assert.match(embedded, /\+DejaVuSansMono-Bold\s+CID TrueType/);
    const standard = pdffonts([save('std.pdf', await renderPdf(ticket, { now, font: 'standard' }))]);
    assert.match(standard, /Courier\s+Type 1\s+WinAnsi\s+no/);
  });

  test('the A4 invoice shows its origin and legal mentions; a duplicate PDF says DUPLICATA', async (t) => {
    const pdftotext = poppler('pdftotext');
    if (pdftotext === undefined) return t.skip('pdftotext absent');
    const text = async (name: string, pdf: Promise<Buffer>) => {
      const path = save(`${name}.pdf`, await pdf);
      pdftotext(['-layout', path, join(dir, `${name}.txt`)]);
      return readFileSync(join(dir, `${name}.txt`), 'utf8').replace(/\s+/g, ' ');
    };
    const invoice = await text('invoice', renderPdf(exampleInvoice, { now, format: 'a4' }));
    for (const mention of [
      'FACTURE N° F2026-000142',
      'Origine : ticket n° 1082000000825, caisse C1, du 23/11/2026',
      'SARL au capital de 8 000 €',
      'Client : SARL Dupond Bâtiment',
      'TVA intra : FR12345678901',
      'Total TTC 157,90 €',
    ]) {
      assert.ok(invoice.includes(mention), `invoice: missing ${mention}`);
    }
    const duplicate = await text('duplicate', renderPdf(exampleDuplicate, { now }));
    assert.ok(duplicate.includes('DUPLICATA Duplicata n°2 du 24/11/2026 10:02:11'));
  });

  test("poppler's pdfsig validates the PAdES signature", (t) => {
    const pdfsig = poppler('pdfsig');
    if (pdfsig === undefined) return t.skip('pdfsig absent');
    const out = pdfsig([save('signed.pdf', signed)]);
    assert.match(out, /Signature Type: ETSI\.CAdES\.detached/);
    assert.match(out, /Signing Hash Algorithm: SHA-256/);
    assert.match(out, /Total document signed/);
    assert.match(out, /Signature Validation: Signature is Valid\./);
    assert.match(out, /Signer full Distinguished Name: CN=CHAUSSURES,O=Ste chaussures/);
  });
});

describe('receipt verify', () => {
  test('a good PDF passes every check', async () => {
    const report = await verifyReceiptPdf(signed, keys);
    assert.deepEqual(
      report.checks.map((c) => [c.label, c.ok]),
      [
        ['Signature du PDF (CMS)', true],
        ['Données du ticket', true],
        ['Contenu visible', true],
        ['QR code', true],
        ['Signature du ticket (journal)', true],
      ],
    );
    assert.equal(report.ok, true);
    assert.equal(report.summary, '1082000000825, caisse C1, 23/11/2026 14:40:58');
  });

  test('one amount changed inside the signed bytes: the PDF signature fails', async () => {
    const encoded = extractReceiptData(signed) ?? '';
    const json = Buffer.from(encoded, 'base64url').toString('utf8');
    const forged = Buffer.from(json.replace('"totalInclVat":15790', '"totalInclVat":15799')).toString(
      'base64url',
    );
    assert.equal(forged.length, encoded.length);
    const tampered = Buffer.from(signed.toString('latin1').replace(encoded, forged), 'latin1');
    const report = await verifyReceiptPdf(tampered, keys);
    assert.equal(report.ok, false);
    assert.match(report.checks[0]?.detail ?? '', /empreinte SHA-256 différente/);
    assert.match(report.checks[3]?.detail ?? '', /différent du ticket : total/);
  });

  test('a PDF re-made with one changed amount and validly re-signed fails on the ticket signature', async () => {
    const other = await loadStoreCertificate(
      await makeSelfSignedStoreCertificate({ commonName: 'FAUSSAIRE', organization: 'X', notBefore: now }),
    );
    const line = ticket.lines[0];
    assert.ok(line !== undefined);
    const forgedTicket: SaleTicket = {
      ...ticket,
      lines: [{ ...line, amount: 1900, unitPrice: 1900 }, ...ticket.lines.slice(1)],
      totals: { ...ticket.totals, totalInclVat: 8790 },
    };
    const forged = await renderSignedPdf(forgedTicket, other, { now });
    const report = await verifyReceiptPdf(forged, keys);
    assert.equal(report.checks[0]?.ok, true, 'the forger signed the PDF itself correctly');
    assert.equal(report.ok, false);
    const qr = report.checks.find((c) => c.label === 'QR code');
    assert.equal(qr?.ok, true, 'the QR payload was rebuilt from the forged document');
    const fiscal = report.checks.find((c) => c.label === 'Signature du ticket (journal)');
    assert.equal(fiscal?.ok, false);
    assert.match(fiscal?.detail ?? '', /le texte signé ne correspond pas au ticket : total/);
  });

  test('genuine receipt data under other visible amounts, re-signed by another certificate, fails', async () => {
    const other = await loadStoreCertificate(
      await makeSelfSignedStoreCertificate({ commonName: 'FAUSSAIRE', organization: 'X', notBefore: now }),
    );
    const line = ticket.lines[0];
    assert.ok(line !== undefined);
    const shown: SaleTicket = {
      ...ticket,
      lines: [{ ...line, amount: 7900, unitPrice: 7900 }, ...ticket.lines.slice(1)],
      totals: { ...ticket.totals, totalInclVat: 14790 },
    };
    const forged = await renderPdf(shown, { now });
    const forgedData = extractReceiptData(forged) ?? '';
    const genuineData = extractReceiptData(signed) ?? '';
    assert.equal(forgedData.length, genuineData.length, 'same length, so the xref offsets stay right');
    const swapped = Buffer.from(forged.toString('latin1').replace(forgedData, genuineData), 'latin1');
    const resigned = await signPdfWithStoreCertificate(swapped, other, { now, name: 'X', location: 'X' });
    const report = await verifyReceiptPdf(resigned, keys);
    assert.deepEqual(
      report.checks.map((c) => [c.label, c.ok]),
      [
        ['Signature du PDF (CMS)', true],
        ['Données du ticket', true],
        ['Contenu visible', false],
        ['QR code', true],
        ['Signature du ticket (journal)', true],
      ],
    );
    assert.equal(report.ok, false);
    assert.match(report.checks[2]?.detail ?? '', /ne correspond pas aux données du ticket/);
  });

  test('a signature by another journal key, a missing key, an unsigned or extended PDF all fail', async () => {
    const stranger = makeJournalKey('k2026-1');
    const wrongKey = parseJournalKeys(stranger.publicPem.replace('-----BEGIN', '# id: k2026-1\n-----BEGIN'));
    const bad = await verifyReceiptPdf(signed, wrongKey);
    assert.match(bad.checks[4]?.detail ?? '', /signature invalide pour la clé « k2026-1 »/);

    const absent = await verifyReceiptPdf(
      signed,
      parseJournalKeys(JSON.stringify({ other: journalKey.publicPem })),
    );
    assert.match(absent.checks[4]?.detail ?? '', /clé « k2026-1 » absente/);

    const unsigned = await verifyReceiptPdf(await renderPdf(ticket, { now }), keys);
    assert.equal(unsigned.ok, false);
    assert.match(unsigned.checks[0]?.detail ?? '', /0 signature\(s\) trouvée\(s\)/);

    const extended = await verifyReceiptPdf(Buffer.concat([signed, Buffer.from('\n% ajout\n')]), keys);
    assert.match(extended.checks[0]?.detail ?? '', /ne couvre pas tout le fichier/);
  });

  test('a re-signed ticket of another sequence keeps the right short code', () => {
    const again = signTicket(exampleSale, journalKey, 826);
    assert.equal(again.fiscal?.shortCode.length, 4);
    assert.notEqual(again.fiscal?.signature, ticket.fiscal?.signature);
  });
});

describe('store certificate and keys files', () => {
  test('a shop certificate whose key does not match, or a non P-256 key, is refused in French', async () => {
    const other = await makeSelfSignedStoreCertificate({
      commonName: 'B',
      organization: 'B',
      notBefore: now,
    });
    await assert.rejects(
      loadStoreCertificate({ certificatePem: storePem.certificatePem, privateKeyPem: other.privateKeyPem }),
      new CertificateError('La clé privée ne correspond pas au certificat'),
    );
    const { generateKeyPairSync } = await import('node:crypto');
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({
      type: 'pkcs8',
      format: 'pem',
    });
    await assert.rejects(
      loadStoreCertificate({ certificatePem: storePem.certificatePem, privateKeyPem: rsa.toString() }),
      /La clé privée doit être une clé ECDSA P-256/,
    );
    await assert.rejects(
      loadStoreCertificate({ certificatePem: 'pas un certificat', privateKeyPem: storePem.privateKeyPem }),
      /Certificat illisible/,
    );
  });

  test('a SEC1 « EC PRIVATE KEY » from openssl is accepted', async () => {
    const { createPrivateKey } = await import('node:crypto');
    const sec1 = createPrivateKey(storePem.privateKeyPem).export({ type: 'sec1', format: 'pem' }).toString();
    const loaded = await loadStoreCertificate({
      certificatePem: storePem.certificatePem,
      privateKeyPem: sec1,
    });
    assert.match(loaded.subject, /CN=CHAUSSURES/);
  });

  test('keys files: JSON list, JSON map, PEM; bad ones are French errors', () => {
    assert.equal(
      parseJournalKeys(JSON.stringify({ a: journalKey.publicPem, b: journalKey.publicPem })).length,
      2,
    );
    assert.equal(parseJournalKeys(journalKey.publicPem)[0]?.id, '*');
    assert.throws(() => parseJournalKeys('{'), /JSON invalide/);
    assert.throws(() => parseJournalKeys('rien'), /aucune clé publique/);
    assert.throws(() => parseJournalKeys(JSON.stringify({ keys: [{ id: 'x' }] })), /« id » et un « pem »/);
    assert.throws(() => parseJournalKeys(JSON.stringify({ x: 'PEM' })), /la clé « x » est illisible/);
  });
});
