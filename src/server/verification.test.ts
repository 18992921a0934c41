/**
 * The journal verification over real HTTP: a run journaled as JET 1070 and read back, an amount
 * altered behind the triggers found at its record (and JET 90), bad input refused with nothing written.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import {
  call,
  countRecords,
  login,
  PINS,
  startTestServer,
  type TestServer,
  validatedSale,
} from './testing.ts';

let server: TestServer;
let token: string;

before(async () => {
  server = await startTestServer({ registers: 1 });
  token = await login(server.url, 'CAISSE1', PINS.cashier);
});
after(async () => {
  await server.close();
});

interface Verification {
  ranAt: string;
  ok: boolean;
  checked: number;
  problemCount: number;
  problems: { register: string; chain: string; sequence: number; code: string; message: string }[];
  operator: string;
}

async function sale(key: string): Promise<number> {
  const ticket = await validatedSale(server.url, token, key);
  return ticket.sale?.number ?? assert.fail('pas de vente');
}

test('GET before any run: 404 NO_VERIFICATION; a run is journaled and read back', async () => {
  const none = await call<{ code: string; message: string }>(server.url, 'GET', '/api/verification', {
    token,
  });
  assert.equal(none.status, 404);
  assert.equal(none.body.code, 'NO_VERIFICATION');
  assert.match(none.body.message, /Aucun contrôle/);

  await sale('verification-1');
  const jets = await countRecords(server.db, 'JET');
  const run = await call<Verification>(server.url, 'POST', '/api/verification', { token, body: {} });
  assert.equal(run.status, 200, JSON.stringify(run.body));
  assert.equal(run.body.ok, true, JSON.stringify(run.body.problems));
  assert.ok(run.body.checked > 1);
  assert.deepEqual(run.body.problems, []);
  assert.equal(await countRecords(server.db, 'JET'), jets + 1, 'one JET 1070 for the one register');

  const last = await call<Verification>(server.url, 'GET', '/api/verification', { token });
  assert.equal(last.status, 200, JSON.stringify(last.body));
  assert.equal(last.body.ok, true);
  assert.equal(last.body.checked, run.body.checked);
  assert.equal(last.body.operator, 'CAISSE1');
  assert.ok(Number.isFinite(Date.parse(last.body.ranAt)));
});

test('bad input and no session: 4xx with a French message, nothing journaled', async () => {
  const jets = await countRecords(server.db, 'JET');
  const cases: [string, string, unknown, number, string][] = [
    ['POST', '/api/verification', { register: 'un' }, 400, 'INVALID_INPUT'],
    ['POST', '/api/verification', { register: 0 }, 400, 'INVALID_INPUT'],
    ['POST', '/api/verification', { all: true }, 400, 'INVALID_INPUT'],
    ['POST', '/api/verification', '[1]', 400, 'INVALID_INPUT'],
    ['GET', '/api/verification?register=abc', undefined, 400, 'INVALID_INPUT'],
    ['GET', '/api/verification?since=2026', undefined, 400, 'INVALID_INPUT'],
  ];
  for (const [method, path, body, status, code] of cases) {
    const answer = await call<{ code: string; message: string }>(server.url, method, path, {
      token,
      ...(body === undefined ? {} : { body }),
    });
    assert.equal(answer.status, status, `${method} ${path} → ${JSON.stringify(answer.body)}`);
    assert.equal(answer.body.code, code);
    assert.match(answer.body.message, /Saisie invalide/);
  }
  const anonymous = await call<{ code: string }>(server.url, 'POST', '/api/verification', { body: {} });
  assert.equal(anonymous.status, 401);
  assert.equal(await countRecords(server.db, 'JET'), jets);
});

test('an amount altered behind the triggers is found at its record; the last result says so', async () => {
  const number = await sale('verification-2');
  await sql`drop trigger journal_no_update`.execute(server.db);
  const row = await server.db
    .selectFrom('journal')
    .select('payload')
    .where('chain', '=', 'TICKET')
    .where('sequence', '=', number)
    .executeTakeFirstOrThrow();
  const payload = JSON.parse(row.payload) as { totalTtc: number };
  payload.totalTtc -= 500;
  await server.db
    .updateTable('journal')
    .set({ payload: JSON.stringify(payload) })
    .where('chain', '=', 'TICKET')
    .where('sequence', '=', number)
    .execute();

  const run = await call<Verification>(server.url, 'POST', '/api/verification', { token });
  assert.equal(run.status, 200, JSON.stringify(run.body));
  assert.equal(run.body.ok, false);
  const flaw = run.body.problems.find((p) => p.chain === 'TICKET' && p.sequence === number);
  assert.equal(flaw?.code, 'TEXT_MISMATCH');
  assert.equal(run.body.problemCount, run.body.problems.length);

  const last = await call<Verification>(server.url, 'GET', '/api/verification?register=1', { token });
  assert.equal(last.status, 200);
  assert.equal(last.body.ok, false);
  assert.equal(last.body.problemCount, run.body.problemCount);
  const read = last.body.problems.find((p) => p.chain === 'TICKET' && p.sequence === number);
  assert.equal(read?.code, 'TEXT_MISMATCH');
  assert.equal(read?.message, 'texte signé différent des champs');
  const events = await server.db
    .selectFrom('journal')
    .select('payload')
    .where('chain', '=', 'JET')
    .orderBy('sequence', 'desc')
    .limit(2)
    .execute();
  assert.match(events[0]?.payload ?? '', /"code":90,/);
  assert.match(events[1]?.payload ?? '', /"code":1070,/);
});
