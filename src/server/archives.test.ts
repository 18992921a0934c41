/**
 * The archive download over real HTTP: the signed file of a closed month, verified offline and
 * journaled (ARCHIVE record, JET 20); refused without the right, for a period not closed or
 * malformed, with nothing archived.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, test } from 'node:test';
import { verifyArchive } from '../fiscal/archive.ts';
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
let month: string;

before(async () => {
  // The system clock until the test moves it (the store is made, and its day opened, at the real time).
  let moved: Date | undefined;
  server = await startTestServer({ registers: 1, clock: () => moved ?? new Date() });
  cashier = await login(server.url, 'CAISSE1', PINS.cashier);
  await validatedSale(server.url, cashier, 'archive-sale-1');
  // A month is closed once it has ended (PERIOD_NOT_ENDED before): the clock moves to the next one.
  const now = new Date();
  moved = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 2, 9));
  cashier = await login(server.url, 'CAISSE1', PINS.cashier);
  const admin = await login(server.url, 'ADMIN', PINS.admin);
  const closed = await call<{ closures: { payload: { kind: string; periodLabel: string } }[] }>(
    server.url,
    'POST',
    '/api/closures',
    { token: admin, body: { kind: 'MONTH' } },
  );
  assert.equal(closed.status, 200, JSON.stringify(closed.body));
  month = closed.body.closures.find((c) => c.payload.kind === 'MONTH')?.payload.periodLabel ?? '';
  assert.match(month, /^\d{4}-\d{2}$/);
});
after(async () => {
  await server.close();
});

const download = (path: string, token: string) => downloadFile(server.url, path, token);

test('without the right: 403; with a manager’s code: the signed archive, journaled', async () => {
  const before = await countRecords(server.db, 'ARCHIVE');
  const refused = await download(`/api/archives/${month}`, cashier);
  assert.equal(refused.status, 403);
  assert.equal(refused.json().code, 'RIGHT_REQUIRED');
  assert.match(refused.json().message, /export des archives/);
  assert.equal(await countRecords(server.db, 'ARCHIVE'), before);

  const answer = await download(
    `/api/archives/${month}?authUser=${MANAGER.code}&authPin=${MANAGER.pin}`,
    cashier,
  );
  assert.equal(answer.status, 200, answer.bytes.toString('utf8').slice(0, 300));
  assert.equal(answer.headers.get('content-type'), 'application/zip');
  assert.equal(
    answer.headers.get('content-disposition'),
    `attachment; filename="archive-caisse-1-${month}.zip"`,
  );
  const report = verifyArchive(answer.bytes);
  assert.ok(report.ok, JSON.stringify(report.fileProblems));
  assert.equal(report.manifest?.period.label, month);
  const sha = createHash('sha256').update(answer.bytes).digest('hex');
  assert.equal(answer.headers.get('x-archive-sha256'), sha);
  const archive = await server.db
    .selectFrom('journal')
    .select('payload')
    .where('chain', '=', 'ARCHIVE')
    .orderBy('sequence', 'desc')
    .executeTakeFirstOrThrow();
  assert.match(archive.payload, new RegExp(`"contentSha256":"${sha}"`));
  assert.match(archive.payload, /"operator":"RESP"/);
  assert.equal(await countRecords(server.db, 'ARCHIVE'), before + 1);
});

test('a period not closed, a malformed period or query: refused, nothing archived', async () => {
  const admin = await login(server.url, 'ADMIN', PINS.admin);
  const before = await countRecords(server.db, 'ARCHIVE');
  const jets = await countRecords(server.db, 'JET');
  const cases: [string, number, string, RegExp][] = [
    ['/api/archives/2020-01', 409, 'PERIOD_NOT_CLOSED', /n'est pas clôturée/],
    ['/api/archives/2026-13', 400, 'BAD_PERIOD', /Période invalide/],
    ['/api/archives/novembre', 400, 'BAD_PERIOD', /Période invalide/],
    [`/api/archives/${month}?register=abc`, 400, 'INVALID_INPUT', /Saisie invalide/],
    [`/api/archives/${month}?format=tar`, 400, 'INVALID_INPUT', /Saisie invalide/],
  ];
  for (const [path, status, code, message] of cases) {
    const answer = await download(path, admin);
    assert.equal(answer.status, status, `${path} → ${answer.bytes.toString('utf8')}`);
    assert.equal(answer.json().code, code);
    assert.match(answer.json().message, message);
  }
  assert.equal(await countRecords(server.db, 'ARCHIVE'), before);
  assert.equal(await countRecords(server.db, 'JET'), jets);
});
