/**
 * Documents from the journal over real HTTP: a sale's ticket downloaded as a signed PDF (a journaled
 * duplicate, right `reprint`), and the Z report of a closure as data and as a signed PDF. Each PDF is
 * checked offline with the journal's public keys, as `comptoir receipt verify` does.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { readJournalKeysDir, verifyReceiptPdf } from '../receipts/verify-pdf.ts';
import {
  call,
  countRecords,
  download as downloadFile,
  login,
  MANAGER,
  PINS,
  startTestServer,
  type TestServer,
  validatedSale,
} from './testing.ts';

let server: TestServer;
let cashier: string;
let seller: string;
let saleNumber: number;

before(async () => {
  server = await startTestServer({ registers: 1 });
  await server.db.updateTable('stores').set({ siret: '12345678900011' }).execute();
  cashier = await login(server.url, 'CAISSE1', PINS.cashier);
  seller = await login(server.url, 'V01', PINS.seller);
  saleNumber = await sale('documents-sale-1');
});
after(async () => {
  await server.close();
});

async function sale(key: string): Promise<number> {
  const ticket = await validatedSale(server.url, cashier, key);
  return ticket.sale?.number ?? assert.fail('pas de vente');
}

const download = (path: string, token: string) => downloadFile(server.url, path, token);

async function lastDuplicatePayload(): Promise<string> {
  const row = await server.db
    .selectFrom('journal')
    .select('payload')
    .where('chain', '=', 'DUPLICATE')
    .orderBy('sequence', 'desc')
    .executeTakeFirstOrThrow();
  return row.payload;
}

describe('GET /api/sales/:register/:number/receipt.pdf', () => {
  test('the signed duplicate PDF, journaled with the default reason then with the one given', async () => {
    const before = await countRecords(server.db, 'DUPLICATE');
    const answer = await download(`/api/sales/1/${saleNumber}/receipt.pdf`, cashier);
    assert.equal(answer.status, 200, answer.bytes.toString('utf8').slice(0, 300));
    assert.match(answer.headers.get('content-type') ?? '', /^application\/pdf/);
    assert.match(
      answer.headers.get('content-disposition') ?? '',
      /^attachment; filename="ticket-1-0+\d+-duplicata-1\.pdf"$/,
    );
    const report = await verifyReceiptPdf(answer.bytes, readJournalKeysDir(join(server.dir, 'keys')));
    assert.ok(report.ok, JSON.stringify(report.checks));
    assert.match(report.summary ?? '', /^DUPLICATA /);
    assert.equal(await countRecords(server.db, 'DUPLICATE'), before + 1);
    assert.match(await lastDuplicatePayload(), /"reason":"Téléchargement PDF"/);

    const second = await download(
      `/api/sales/1/${saleNumber}/receipt.pdf?reason=${encodeURIComponent('Demande du client')}`,
      cashier,
    );
    assert.equal(second.status, 200);
    assert.match(second.headers.get('content-disposition') ?? '', /duplicata-2\.pdf"$/);
    assert.match(
      await lastDuplicatePayload(),
      /"reason":"Demande du client","copyNumber":2|"copyNumber":2.*"reason":"Demande du client"/,
    );
  });

  test('without the right: 403 and nothing journaled but the refusal; a manager’s code allows it', async () => {
    const before = await countRecords(server.db, 'DUPLICATE');
    const refused = await download(`/api/sales/1/${saleNumber}/receipt.pdf`, seller);
    assert.equal(refused.status, 403);
    assert.equal(refused.json().code, 'RIGHT_REQUIRED');
    assert.match(refused.json().message, /réimpression/);
    const wrongPin = await download(
      `/api/sales/1/${saleNumber}/receipt.pdf?authUser=${MANAGER.code}&authPin=0000`,
      seller,
    );
    assert.ok(wrongPin.status === 401 || wrongPin.status === 403, String(wrongPin.status));
    assert.equal(await countRecords(server.db, 'DUPLICATE'), before);
    const granted = await download(
      `/api/sales/1/${saleNumber}/receipt.pdf?authUser=${MANAGER.code}&authPin=${MANAGER.pin}`,
      seller,
    );
    assert.equal(granted.status, 200, granted.bytes.toString('utf8').slice(0, 300));
    assert.match(await lastDuplicatePayload(), /"operator":"RESP"/);
  });

  test('bad input: 4xx with a French message, nothing journaled', async () => {
    const before = await countRecords(server.db, 'DUPLICATE');
    const cases: [string, number, string][] = [
      [`/api/sales/1/${saleNumber}/receipt.pdf?format=a4`, 400, 'INVALID_INPUT'],
      [`/api/sales/1/${saleNumber}/receipt.pdf?reason=${'x'.repeat(201)}`, 400, 'INVALID_INPUT'],
      ['/api/sales/1/0/receipt.pdf', 400, 'INVALID_INPUT'],
      ['/api/sales/1/999999/receipt.pdf', 404, 'SALE_NOT_FOUND'],
    ];
    for (const [path, status, code] of cases) {
      const answer = await download(path, cashier);
      assert.equal(answer.status, status, `${path} → ${answer.bytes.toString('utf8')}`);
      assert.equal(answer.json().code, code);
    }
    assert.equal(await countRecords(server.db, 'DUPLICATE'), before);
  });
});

describe('the Z report', () => {
  test('data and signed PDF of a day closure; unknown or malformed closures refused', async () => {
    const admin = await login(server.url, 'ADMIN', PINS.admin);
    const closed = await call<{ closures: { number: number; type: string }[] }>(
      server.url,
      'POST',
      '/api/closures',
      { token: admin, body: { kind: 'DAY' } },
    );
    assert.equal(closed.status, 200, JSON.stringify(closed.body));
    const day = closed.body.closures[0] ?? assert.fail('pas de clôture');
    const report = await call<{
      kind: string;
      number: string;
      ticketCount: number;
      salesTtc: number;
      perPayment: { mode: string; label: string; amount: number }[];
      perRate: { rate: number; ttc: number }[];
      perpetualTotal: number;
      chainHead: { sequence: number } | null;
    }>(server.url, 'GET', `/api/closures/1/${day.number}/report`, { token: cashier });
    assert.equal(report.status, 200, JSON.stringify(report.body));
    assert.equal(report.body.kind, 'DAY');
    assert.equal('periodStart' in report.body, false, 'only the fields of the Z report schema');
    assert.match(report.body.number, /^1-Z0+\d+$/);
    assert.ok(report.body.ticketCount >= 1);
    const card = report.body.perPayment.find((p) => p.mode === 'CARD');
    assert.equal(card?.amount, report.body.salesTtc);
    assert.equal(card?.label, 'Carte bancaire');
    assert.equal(
      report.body.perRate.reduce((sum, r) => sum + r.ttc, 0),
      report.body.salesTtc,
    );
    assert.ok(report.body.chainHead !== null && report.body.chainHead.sequence >= day.number);

    const pdf = await download(`/api/closures/1/${day.number}/report.pdf`, cashier);
    assert.equal(pdf.status, 200, pdf.bytes.toString('utf8').slice(0, 300));
    assert.match(pdf.headers.get('content-type') ?? '', /^application\/pdf/);
    assert.match(pdf.headers.get('content-disposition') ?? '', /filename="z-1-Z0+\d+\.pdf"$/);
    const checked = await verifyReceiptPdf(pdf.bytes, readJournalKeysDir(join(server.dir, 'keys')));
    assert.ok(checked.ok, JSON.stringify(checked.checks));
    assert.doesNotMatch(checked.summary ?? '', /DUPLICATA/);

    // The first PDF was the Z's original: every later one is a journaled duplicate, with the right.
    const before = await countRecords(server.db, 'DUPLICATE');
    const refused = await download(`/api/closures/1/${day.number}/report.pdf`, seller);
    assert.equal(refused.status, 403, refused.bytes.toString('utf8'));
    assert.equal(refused.json().code, 'RIGHT_REQUIRED');
    assert.equal(await countRecords(server.db, 'DUPLICATE'), before);
    const copy = await download(
      `/api/closures/1/${day.number}/report.pdf?reason=${encodeURIComponent('Expert-comptable')}`,
      cashier,
    );
    assert.equal(copy.status, 200, copy.bytes.toString('utf8').slice(0, 300));
    assert.match(copy.headers.get('content-disposition') ?? '', /filename="z-1-Z0+\d+-duplicata-1\.pdf"$/);
    const copyChecked = await verifyReceiptPdf(copy.bytes, readJournalKeysDir(join(server.dir, 'keys')));
    assert.ok(copyChecked.ok, JSON.stringify(copyChecked.checks));
    assert.equal(await countRecords(server.db, 'DUPLICATE'), before + 1);
    const copied = JSON.parse(await lastDuplicatePayload()) as {
      original: { chain: string; sequence: number };
      reason: string;
      copyNumber: number;
    };
    assert.deepEqual(
      [copied.original.chain, copied.original.sequence, copied.reason, copied.copyNumber],
      ['CLOSURE', day.number, 'Expert-comptable', 1],
    );

    for (const [path, status, code] of [
      ['/api/closures/1/999999/report', 404, 'CLOSURE_NOT_FOUND'],
      ['/api/closures/1/999999/report.pdf', 404, 'CLOSURE_NOT_FOUND'],
      ['/api/closures/1/abc/report', 400, 'INVALID_INPUT'],
      [`/api/closures/1/${day.number}/report?x=1`, 400, 'INVALID_INPUT'],
    ] as const) {
      const answer = await download(path, cashier);
      assert.equal(answer.status, status, `${path} → ${answer.bytes.toString('utf8')}`);
      assert.equal(answer.json().code, code);
    }
    const anonymous = await call(server.url, 'GET', `/api/closures/1/${day.number}/report`);
    assert.equal(anonymous.status, 401);
  });
});
