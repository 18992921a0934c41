/**
 * Articles and CSV import over real HTTP (issue 8): the whole article read back and replaced (a price
 * change lands in price_history), refusals writing nothing, and the CSV import as a job with its report
 * and its JET IMPORT.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { IMPORT_LIMIT } from './routes/imports.ts';
import { call, login, MANAGER, PINS, startTestServer, type TestServer } from './testing.ts';

let server: TestServer;
let admin: string;
let cashier: string;

before(async () => {
  server = await startTestServer({ registers: 2 });
  admin = await login(server.url, 'ADMIN', PINS.admin);
  cashier = await login(server.url, 'CAISSE1', PINS.cashier);
});
after(async () => {
  await server.close();
});

/** A valid EAN-13 from its first 12 digits. */
function ean(first12: string): string {
  const sum = [...first12].reduce((s, d, i) => s + Number(d) * (i % 2 === 0 ? 1 : 3), 0);
  return `${first12}${(10 - (sum % 10)) % 10}`;
}

async function count(table: 'articles' | 'price_history' | 'customers'): Promise<number> {
  const row = await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(server.db);
  return Number(row.rows[0]?.n);
}

interface ArticleAnswer {
  ref: string;
  designation: string;
  ean: string | null;
  otherBarcodes: string[];
  vatRate: number;
  price: number | null;
  prices: Record<string, number>;
  supplierRefs: { supplierCode: string; supplierRef: string }[];
  active: boolean;
}

test('PUT creates an article, GET reads it whole, a price change is one price_history row', async () => {
  const code = ean('376000000101');
  const created = await call<ArticleAnswer>(server.url, 'PUT', '/api/articles/new001', {
    token: admin,
    body: {
      designation: 'Bol en grès',
      ean: code,
      otherBarcodes: ['INT-555'],
      vatRate: 2000,
      price: 1290,
      supplierRefs: [{ supplierCode: 'FOUR', supplierRef: 'B12' }],
    },
  });
  assert.equal(created.status, 200, JSON.stringify(created.body));
  const read = await call<ArticleAnswer>(server.url, 'GET', '/api/articles/NEW001', { token: cashier });
  assert.equal(read.status, 200, JSON.stringify(read.body));
  assert.equal(read.body.ref, 'NEW001');
  assert.equal(read.body.designation, 'Bol en grès');
  assert.equal(read.body.ean, code);
  assert.deepEqual(read.body.otherBarcodes, ['INT-555']);
  assert.equal(read.body.price, 1290);
  assert.deepEqual(read.body.supplierRefs, [{ supplierCode: 'FOUR', supplierRef: 'B12' }]);

  const historyBefore = await count('price_history');
  const { ref: _ref, ...rest } = read.body;
  const changed = await call<ArticleAnswer>(server.url, 'PUT', '/api/articles/NEW001', {
    token: admin,
    body: { ...rest, designation: 'Bol en grès émaillé', price: 1490 },
  });
  assert.equal(changed.status, 200, JSON.stringify(changed.body));
  assert.equal(changed.body.price, 1490);
  assert.equal(changed.body.designation, 'Bol en grès émaillé');
  assert.equal(await count('price_history'), historyBefore + 1);
  const row = await server.db
    .selectFrom('price_history')
    .selectAll()
    .where('article_ref', '=', 'NEW001')
    .executeTakeFirstOrThrow();
  assert.deepEqual([row.field, row.tariff_code, row.old_value, row.new_value], ['price', 'BASE', 1290, 1490]);
});

test('refusals: bad EAN, unknown VAT rate, no right, unknown article; nothing written', async () => {
  const articles = await count('articles');
  const history = await count('price_history');
  const before = await call<ArticleAnswer>(server.url, 'GET', '/api/articles/BOI0001', { token: admin });
  assert.equal(before.status, 200);

  const badEan = await call<{ code: string; field: string }>(server.url, 'PUT', '/api/articles/BOI0001', {
    token: admin,
    body: { designation: 'Autre', vatRate: 2000, ean: '3760000001019', price: 1 },
  });
  assert.equal(badEan.status, 422, JSON.stringify(badEan.body));
  assert.equal(badEan.body.code, 'INVALID_EAN');
  assert.equal(badEan.body.field, 'ean');

  const badVat = await call<{ code: string }>(server.url, 'PUT', '/api/articles/NEW002', {
    token: admin,
    body: { designation: 'Taux inventé', vatRate: 1234, price: 100 },
  });
  assert.equal(badVat.status, 422, JSON.stringify(badVat.body));
  assert.equal(badVat.body.code, 'UNKNOWN_VAT_RATE');

  const noRight = await call<{ code: string }>(server.url, 'PUT', '/api/articles/BOI0001', {
    token: cashier,
    body: { designation: 'Sans droit', vatRate: 2000, price: 1 },
  });
  assert.equal(noRight.status, 403, JSON.stringify(noRight.body));
  assert.equal(noRight.body.code, 'RIGHT_REQUIRED');
  // A manager has no catalogue right by default either.
  const manager = await call<{ code: string }>(server.url, 'PUT', '/api/articles/BOI0001', {
    token: cashier,
    body: {
      designation: 'Sans droit',
      vatRate: 2000,
      price: 1,
      authorization: { userCode: MANAGER.code, pin: MANAGER.pin },
    },
  });
  assert.equal(manager.status, 403, JSON.stringify(manager.body));

  const unknown = await call<{ code: string }>(server.url, 'GET', '/api/articles/NOPE404', { token: admin });
  assert.equal(unknown.status, 404);
  assert.equal(unknown.body.code, 'UNKNOWN_ARTICLE');

  assert.equal(await count('articles'), articles);
  assert.equal(await count('price_history'), history);
  const after = await call<ArticleAnswer>(server.url, 'GET', '/api/articles/BOI0001', { token: admin });
  assert.deepEqual(after.body, before.body);

  // With an administrator's code given on the spot, the cashier's change goes through.
  const granted = await call<ArticleAnswer>(server.url, 'PUT', '/api/articles/BOI0001', {
    token: cashier,
    body: {
      ...Object.fromEntries(Object.entries(before.body).filter(([k]) => k !== 'ref')),
      designation: 'Changé avec le code',
      authorization: { userCode: 'ADMIN', pin: PINS.admin },
    },
  });
  assert.equal(granted.status, 200, JSON.stringify(granted.body));
  assert.equal(granted.body.designation, 'Changé avec le code');
});

/** The registers of the JET IMPORT (1050) records, in order. */
async function imports(): Promise<string[]> {
  const rows = await server.db
    .selectFrom('journal')
    .select('register')
    .where('chain', '=', 'JET')
    .where('payload', 'like', '%"code":1050%')
    .orderBy('register')
    .orderBy('sequence')
    .execute();
  return rows.map((r) => r.register);
}

interface JobAnswer {
  id: string;
  total: number;
  done: number;
  finished: boolean;
  report?: { records: number; imported: number; rejected: { line: number; code: string; reason: string }[] };
  error?: { code: string };
}

async function upload(kind: string, csv: string, token: string, query = '') {
  const response = await fetch(`${server.url}/api/import/${kind}${query}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv; charset=utf-8' },
    body: csv,
  });
  return { status: response.status, body: (await response.json()) as JobAnswer & { code?: string } };
}

async function finished(id: string): Promise<JobAnswer> {
  let last: JobAnswer | undefined;
  const poll = async () => {
    const answer = await call<JobAnswer>(server.url, 'GET', `/api/import/jobs/${id}`, { token: admin });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    last = answer.body;
  };
  await poll();
  while (last?.finished !== true) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    await poll();
  }
  return last;
}

test('CSV import: good rows imported, bad ones reported with their line, one JET IMPORT per register', async () => {
  const jets = await imports();
  const csv = [
    'ref;designation;ean;vat_rate;price',
    `CSV001;Tasse importée;${ean('376000000202')};20;4,50`,
    'CSV002;EAN faux;3760000002021;20;3',
    'CSV003;Taux inconnu;;12,34;3',
    'CSV004;Sous-tasse importée;;5,5;2,10',
  ].join('\n');
  const started = await upload('articles', csv, admin, '?name=tasses.csv');
  assert.equal(started.status, 202, JSON.stringify(started.body));
  assert.equal(started.body.total, 4);
  const job = await finished(started.body.id);
  assert.equal(job.done, 4);
  assert.equal(job.report?.records, 4);
  assert.equal(job.report?.imported, 2);
  assert.deepEqual(
    job.report?.rejected.map((r) => [r.line, r.code]),
    [
      [3, 'INVALID_EAN'],
      [4, 'UNKNOWN_VAT_RATE'],
    ],
  );
  const imported = await call<ArticleAnswer>(server.url, 'GET', '/api/articles/CSV004', { token: admin });
  assert.equal(imported.body.price, 210);
  assert.equal(imported.body.vatRate, 550);
  // Two registers: the import is journaled on each.
  assert.deepEqual(await imports(), [...jets, '1', '2']);
  const jet = await server.db
    .selectFrom('journal')
    .select('payload')
    .where('chain', '=', 'JET')
    .where('payload', 'like', '%"code":1050%')
    .executeTakeFirstOrThrow();
  assert.match(jet.payload, /\(tasses\.csv\) : 2 ligne\(s\) importée\(s\) sur 4/);
});

test('CSV import refusals: broken quoting, wrong header, JSON, no right, too large; nothing written', async () => {
  const articles = await count('articles');
  const customers = await count('customers');
  const jets = await imports();
  const broken = await upload('articles', 'ref;designation;vat_rate\nBRK001;"Guillemet ouvert;20\n', admin);
  assert.equal(broken.status, 422, JSON.stringify(broken.body));
  assert.equal(broken.body.code, 'CSV_QUOTING');
  const header = await upload('customers', 'code;nom\nC1;Dupont\n', admin);
  assert.equal(header.status, 422, JSON.stringify(header.body));
  assert.equal(header.body.code, 'CSV_HEADER');
  const json = await call<{ code: string }>(server.url, 'POST', '/api/import/articles', {
    token: admin,
    body: { ref: 'X' },
  });
  assert.equal(json.status, 415, JSON.stringify(json.body));
  const noRight = await upload('customers', 'code;name\nC900;Sans Droit\n', cashier);
  assert.equal(noRight.status, 403, JSON.stringify(noRight.body));
  assert.equal(noRight.body.code, 'RIGHT_REQUIRED');
  const huge = await upload('articles', `ref;designation;vat_rate\n${'x'.repeat(IMPORT_LIMIT)}\n`, admin);
  assert.equal(huge.status, 413, JSON.stringify(huge.body));
  assert.equal(huge.body.code, 'BODY_TOO_LARGE');
  const unknownJob = await call<{ code: string }>(server.url, 'GET', '/api/import/jobs/nope', {
    token: admin,
  });
  assert.equal(unknownJob.status, 404);
  assert.equal(await count('articles'), articles);
  assert.equal(await count('customers'), customers);
  assert.deepEqual(await imports(), jets, 'no import journaled');

  // The same customer file with an administrator's code in the query goes through.
  const granted = await upload(
    'customers',
    'code;name\nC900;Avec Droit\n',
    cashier,
    `?authUser=ADMIN&authPin=${PINS.admin}`,
  );
  assert.equal(granted.status, 202, JSON.stringify(granted.body));
  const job = await finished(granted.body.id);
  assert.equal(job.report?.imported, 1);
  assert.equal(await count('customers'), customers + 1);
});
