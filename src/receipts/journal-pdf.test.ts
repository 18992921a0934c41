import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type JournalRecord, refOf } from '../fiscal/record.ts';
import { createSigner, exportPublicKeyPem, generateSigningKeyPair, shortCodeOf } from '../fiscal/signing.ts';
import { renderEscPos } from './escpos.ts';
import { type DocumentSource, documentFromRecord } from './from-journal.ts';
import {
  loadStoreCertificate,
  makeSelfSignedStoreCertificate,
  renderSignedPdf,
  type StoreCertificate,
} from './pdf-signature.ts';
import { scanEscPos, textOf } from './testing/escpos-scan.ts';
import { exampleDay, journalSettings, SOFTWARE_VERSION } from './testing/journal-fixture.ts';
import { extractReceiptData, parseJournalKeys, readJournalKeysDir, verifyReceiptPdf } from './verify-pdf.ts';

const now = new Date('2026-11-23T18:00:00Z');
const dir = mkdtempSync(join(tmpdir(), 'comptoir-journal-pdf-'));
after(() => rmSync(dir, { recursive: true, force: true }));

// A day signed with a real journal key, whose public key is exported as the journal does it.
const pair = generateSigningKeyPair();
const day = exampleDay(createSigner(pair));
mkdirKeys();
const keys = readJournalKeysDir(join(dir, 'keys'));

function mkdirKeys(): void {
  const registerDir = join(dir, 'keys', '1');
  mkdirSync(registerDir, { recursive: true });
  writeFileSync(join(registerDir, `${pair.keyId}.pub.pem`), exportPublicKeyPem(pair.publicKey));
}

const source = (
  records: readonly JournalRecord[],
  kind: DocumentSource['kind'] = 'ticket',
): DocumentSource => ({
  records,
  settings: journalSettings,
  kind,
});

let store: StoreCertificate;
let ticketPdf: Buffer;
let duplicatePdf: Buffer;

async function pdfOf(src: DocumentSource, format: 'narrow' | 'a4' = 'narrow'): Promise<Buffer> {
  return renderSignedPdf(documentFromRecord(src), store, { now, format, source: src });
}

before(async () => {
  store = await loadStoreCertificate(
    await makeSelfSignedStoreCertificate({
      commonName: 'CHAUSSURES',
      organization: 'Ste chaussures',
      notBefore: now,
    }),
  );
  ticketPdf = await pdfOf(source([day.ticket]));
  duplicatePdf = await pdfOf(source([day.duplicate, day.ticket]));
});

/** Replaces `from` by `to` (same length) inside the base64url receipt data: bytes under the PDF signature. */
function tamperData(pdf: Buffer, from: string, to: string): Buffer {
  const encoded = extractReceiptData(pdf) ?? assert.fail('no receipt data');
  const json = Buffer.from(encoded, 'base64url').toString('utf8');
  assert.ok(json.includes(from), `${from} not in the receipt data`);
  const forged = Buffer.from(json.replaceAll(from, to)).toString('base64url');
  assert.equal(forged.length, encoded.length, 'same length');
  return Buffer.from(pdf.toString('latin1').replace(encoded, forged), 'latin1');
}

describe('PDF of a journal-built document', () => {
  test("poppler's pdfsig validates the PAdES signature of a ticket built from the journal", (t) => {
    const probe = spawnSync('pdfsig', ['-v']);
    if (probe.error !== undefined) {
      assert.notEqual(process.env.CI, 'true', 'pdfsig is missing in CI: install poppler-utils');
      return t.skip('pdfsig absent');
    }
    const path = join(dir, 'ticket.pdf');
    writeFileSync(path, ticketPdf);
    const out = spawnSync('pdfsig', [path], { encoding: 'utf8' });
    assert.match(out.stdout, /Signature Validation: Signature is Valid\./);
    assert.match(out.stdout, /Total document signed/);
  });

  test('verify: a ticket, a duplicate, a Z report and an A4 invoice pass every check', async () => {
    for (const [name, pdf] of [
      ['ticket', ticketPdf],
      ['duplicate', duplicatePdf],
      ['z', await pdfOf(source([day.closure]))],
      ['invoice', await pdfOf(source([day.ticket], 'invoice'), 'a4')],
    ] as const) {
      const report = await verifyReceiptPdf(pdf, keys);
      assert.ok(report.ok, `${name}: ${JSON.stringify(report.checks)}`);
      assert.deepEqual(
        report.checks.map((c) => c.label),
        [
          'Signature du PDF (CMS)',
          'Données du ticket',
          'Contenu visible',
          'QR code',
          'Signature du ticket (journal)',
          'Ticket reconstruit depuis le journal',
        ],
        name,
      );
    }
    const dup = await verifyReceiptPdf(duplicatePdf, keys);
    assert.match(dup.summary ?? '', /^DUPLICATA 1-000001, caisse 1/);
    assert.match(dup.checks[4]?.detail ?? '', /DUPLICATE n° 1, TICKET n° 1/);
  });

  test('verify: duplicates of an invoice and of a voucher say DUPLICATA and pass every check; ESC/POS too', async () => {
    const copies: [DocumentSource['kind'], JournalRecord][] = [
      ['invoice', day.ticket],
      ['deposit', day.issuing],
    ];
    for (const [kind, original] of copies) {
      if (kind === 'ticket') continue;
      const record = day.journal.append({
        register: '1',
        type: 'DUPLICATE',
        softwareVersion: SOFTWARE_VERSION,
        payload: {
          original: refOf(original),
          copyNumber: 1,
          reason: 'Comptabilité',
          operator: 'CAISSE1',
          document: kind,
        },
      });
      const src = source([record, original], kind);
      const report = await verifyReceiptPdf(await pdfOf(src, 'a4'), keys);
      assert.ok(report.ok, `${kind}: ${JSON.stringify(report.checks)}`);
      assert.match(report.summary ?? '', /^DUPLICATA 1-00000[12], caisse 1/);
      assert.match(report.checks[4]?.detail ?? '', new RegExp(`DUPLICATE n° ${record.sequence}, TICKET n°`));
      const text = textOf(scanEscPos(renderEscPos(documentFromRecord(src), { columns: 48 })));
      for (const mention of [
        'DUPLICATA',
        'Duplicata n°1 du 23/11/2026',
        'Motif : Comptabilité',
        `Duplicata n°1 : n° d'ordre ${record.sequence}, signature ${shortCodeOf(record.signature)}`,
      ]) {
        assert.ok(text.includes(mention), `${kind} ESC/POS: missing « ${mention} »`);
      }
    }
  });

  test('verify: one changed amount fails, however the forger goes about it', async () => {
    // 1. Inside the signed bytes: the PDF's own signature breaks.
    const inPlace = await verifyReceiptPdf(
      tamperData(ticketPdf, '"totalInclVat":15790', '"totalInclVat":15799'),
      keys,
    );
    assert.equal(inPlace.ok, false);
    assert.match(inPlace.checks[0]?.detail ?? '', /empreinte SHA-256 différente/);

    // 2. The document re-made with another amount and validly re-signed: rebuilt from the journal's
    //    records, it is not what the PDF shows.
    const forger = await loadStoreCertificate(
      await makeSelfSignedStoreCertificate({ commonName: 'FAUSSAIRE', organization: 'X', notBefore: now }),
    );
    const src = source([day.ticket]);
    const genuine = documentFromRecord(src);
    if (genuine.kind !== 'sale') return assert.fail('sale expected');
    const forgedDoc = {
      ...genuine,
      lines: genuine.lines.map((l, i) =>
        i === 0 ? { ...l, amount: l.amount - 1000, unitPrice: l.unitPrice - 1000 } : l,
      ),
    };
    const resigned = await renderSignedPdf(forgedDoc, forger, { now, source: src });
    const report = await verifyReceiptPdf(resigned, keys);
    assert.equal(report.ok, false);
    assert.equal(report.checks[0]?.ok, true, 'the forger signed the PDF validly');
    assert.deepEqual(report.checks.at(-1), {
      label: 'Ticket reconstruit depuis le journal',
      ok: false,
      detail: 'différent du ticket imprimé (montant, ligne ou mention modifiés)',
    });

    // 3. The record's amount changed too: its CPT1 signed text no longer matches, or its signature.
    const record = day.ticket;
    if (record.type !== 'TICKET') return assert.fail('ticket expected');
    const forgedRecord = {
      ...record,
      payload: { ...record.payload, totalTtc: record.payload.totalTtc - 1000 },
    };
    const forgedSource = source([forgedRecord]);
    const again = await verifyReceiptPdf(
      await renderSignedPdf(documentFromRecord(forgedSource), forger, { now, source: forgedSource }),
      keys,
    );
    assert.equal(again.ok, false);
    assert.match(again.checks[4]?.detail ?? '', /le texte signé ne correspond pas aux données du ticket/);
    const reSigned = { ...forgedRecord, signedText: record.signedText.replace('|15790|', '|14790|') };
    const third = await verifyReceiptPdf(
      await renderSignedPdf(documentFromRecord(source([reSigned])), forger, {
        now,
        source: source([reSigned]),
      }),
      keys,
    );
    assert.equal(third.ok, false);
    assert.match(third.checks[4]?.detail ?? '', /signature invalide pour la clé/);
  });

  test('verify takes the output of `comptoir keys export` as it is', async () => {
    const exported = JSON.stringify({
      ok: true,
      algorithm: 'ES256',
      keys: [{ register: '1', keyId: pair.keyId, pem: exportPublicKeyPem(pair.publicKey), matches: true }],
    });
    const report = await verifyReceiptPdf(ticketPdf, parseJournalKeys(exported));
    assert.ok(report.ok, JSON.stringify(report.checks));
  });

  test('verify: a key missing from the journal keys is reported', async () => {
    const other = generateSigningKeyPair();
    const report = await verifyReceiptPdf(
      ticketPdf,
      parseJournalKeys(JSON.stringify({ [other.keyId]: exportPublicKeyPem(other.publicKey) })),
    );
    assert.equal(report.ok, false);
    assert.match(report.checks[4]?.detail ?? '', /clé « [0-9a-f]{16} » absente des clés du journal/);
  });
});
