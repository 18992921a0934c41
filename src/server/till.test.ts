/** The till's day over real HTTP: closing, opening with a count, cash in and out with rights, X, blind count. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  call,
  countRecords,
  login,
  MANAGER,
  PINS,
  startTestServer,
  storeTemplate,
  type TestServer,
  validatedSale,
} from './testing.ts';

let template: Awaited<ReturnType<typeof storeTemplate>>;
let server: TestServer;

before(async () => {
  template = await storeTemplate(2);
  server = await startTestServer({ template: template.dir });
});
after(async () => {
  await server.close();
  template.remove();
});

type Err = { code: string; message: string };
type Status = {
  open: boolean;
  expectedFloat: number | null;
  showsExpected: boolean;
  modes: { code: string }[];
  denominations: { value: number; key: string; label: string }[];
  reading: { ticketCount: number; perMode: { mode: string; expected: number | null }[] } | null;
};

const manager = { userCode: MANAGER.code, pin: MANAGER.pin };

/** A refused call leaves the journal as it was. */
async function refused(
  token: string,
  path: string,
  body: unknown,
  status: number,
  code: string,
): Promise<string> {
  const before = await countRecords(server.db, 'MOVEMENT');
  const jet = await countRecords(server.db, 'JET');
  const answer = await call<Err>(server.url, 'POST', path, { token, body });
  assert.equal(answer.status, status, JSON.stringify(answer.body));
  assert.equal(answer.body.code, code);
  assert.equal(await countRecords(server.db, 'MOVEMENT'), before);
  // A manager's code given on the spot is journaled as such (RIGHTS_OVERRIDE); nothing else is.
  const authorized = typeof body === 'object' && body !== null && 'authorization' in body;
  if (code !== 'RIGHT_REQUIRED' && !authorized) assert.equal(await countRecords(server.db, 'JET'), jet);
  return answer.body.message;
}

describe('till API', () => {
  test('a day closes, the next opens with a count, cash moves with rights, X reads the day', async () => {
    const token = await login(server.url, 'CAISSE1', PINS.cashier);
    const sale = await validatedSale(server.url, token, 'till-api-1');
    const open = await call<Status>(server.url, 'GET', '/api/till', { token });
    assert.equal(open.status, 200);
    assert.equal(open.body.open, true);
    assert.equal(open.body.reading?.ticketCount, 1);
    assert.ok(open.body.modes.some((m) => m.code === 'CASH'));
    assert.deepEqual(open.body.denominations.slice(3, 4), [
      { value: 5000, key: '50', label: 'Billets de 50 €' },
    ]);
    assert.deepEqual(open.body.denominations.at(-4), { value: 10, key: '0.10', label: 'Pièces de 0,10 €' });
    const card = open.body.reading?.perMode.find((m) => m.mode === 'CARD');
    assert.equal(card?.expected, sale.totals.ttc);

    // Closing needs the closure right: a cashier without a manager's code is refused, nothing written.
    const closing = { cash: { denominations: { '20': 2, '5': 2 } }, counts: { CARD: sale.totals.ttc - 10 } };
    await refused(token, '/api/till/close', closing, 403, 'RIGHT_REQUIRED');
    await refused(
      token,
      '/api/till/close',
      { ...closing, cash: { denominations: { '0.03': 1 } }, authorization: manager },
      400,
      'INVALID_INPUT',
    );
    await refused(
      token,
      '/api/till/close',
      { ...closing, keep: 6000, authorization: manager },
      422,
      'INVALID_INPUT',
    );
    const closed = await call<{
      counts: { mode: string; expected: number; counted: number; difference: number }[];
      kept: number;
      removed: number;
    }>(server.url, 'POST', '/api/till/close', {
      token,
      body: { ...closing, keep: 3000, authorization: manager },
    });
    assert.equal(closed.status, 200, JSON.stringify(closed.body));
    assert.deepEqual(closed.body.counts, [
      { mode: 'CASH', expected: 0, counted: 5000, difference: 5000 },
      { mode: 'CARD', expected: sale.totals.ttc, counted: sale.totals.ttc - 10, difference: -10 },
    ]);
    assert.equal(closed.body.kept, 3000);
    assert.equal(closed.body.removed, 2000);
    await refused(token, '/api/till/close', { ...closing, authorization: manager }, 409, 'TILL_NOT_OPEN');

    // Closed: no sale, the status says what the opening expects.
    await assert.rejects(validatedSale(server.url, token, 'till-api-2'), /TILL_NOT_OPEN/);
    const shut = await call<Status>(server.url, 'GET', '/api/till', { token });
    assert.equal(shut.body.open, false);
    assert.equal(shut.body.expectedFloat, 3000);
    assert.equal(shut.body.reading, null);
    await refused(token, '/api/till/x', {}, 409, 'TILL_NOT_OPEN');
    await refused(
      token,
      '/api/till/movements',
      { direction: 'in', amount: 100, reason: 'Monnaie', authorization: manager },
      409,
      'TILL_NOT_OPEN',
    );

    // Opening: a difference needs a reason; bad counts are refused in French.
    const message = await refused(
      token,
      '/api/till/open',
      { count: { total: 2990 } },
      400,
      'REASON_REQUIRED',
    );
    assert.match(message, /motif/);
    await refused(token, '/api/till/open', { count: { denominations: { '20': -1 } } }, 400, 'INVALID_INPUT');
    await refused(token, '/api/till/open', { count: { denominations: { '20': 1.5 } } }, 400, 'INVALID_INPUT');
    await refused(token, '/api/till/open', { count: { denominations: { '3': 1 } } }, 400, 'INVALID_INPUT');
    await refused(token, '/api/till/open', { count: { total: -5 } }, 400, 'INVALID_INPUT');
    const opened = await call<{ counted: number; expected: number; difference: number }>(
      server.url,
      'POST',
      '/api/till/open',
      { token, body: { count: { denominations: { '20': 1, '5': 1, '2': 2, '0.50': 2 } } } },
    );
    assert.equal(opened.status, 200, JSON.stringify(opened.body));
    assert.deepEqual(opened.body, { ...opened.body, counted: 3000, expected: 3000, difference: 0 });
    await refused(token, '/api/till/open', { count: { total: 3000 } }, 409, 'TILL_ALREADY_OPEN');

    // Cash in and out: the right, or a manager's code; a cash-out over the expected cash is confirmed.
    const out = { direction: 'out', amount: 1000, reason: 'Remise en banque' };
    await refused(token, '/api/till/movements', out, 403, 'RIGHT_REQUIRED');
    await refused(token, '/api/till/movements', { ...out, reason: ' ' }, 400, 'INVALID_INPUT');
    await refused(
      token,
      '/api/till/movements',
      { ...out, amount: 5000, authorization: manager },
      409,
      'CASH_OUT_OVER_EXPECTED',
    );
    const moved = await call<{ expectedCash: number }>(server.url, 'POST', '/api/till/movements', {
      token,
      body: { ...out, authorization: manager },
    });
    assert.equal(moved.status, 200, JSON.stringify(moved.body));
    assert.equal(moved.body.expectedCash, 2000);
    const x = await call<{ movementCount: number; perMode: { mode: string; expected: number }[] }>(
      server.url,
      'POST',
      '/api/till/x',
      { token, body: {} },
    );
    assert.equal(x.status, 200, JSON.stringify(x.body));
    assert.equal(x.body.movementCount, 2);
    assert.equal(x.body.perMode.find((m) => m.mode === 'CASH')?.expected, 2000);
  });

  test('a blind count hides the expected amounts from a cashier, not from a manager', async () => {
    await server.db
      .updateTable('registers')
      .set({ settings: JSON.stringify({ blindCount: true }) })
      .where('number', '=', 2)
      .execute();
    const cashier = await login(server.url, 'CAISSE1', PINS.cashier, 2);
    const blind = await call<Status>(server.url, 'GET', '/api/till', { token: cashier });
    assert.equal(blind.status, 200, JSON.stringify(blind.body));
    assert.equal(blind.body.showsExpected, false);
    assert.equal(blind.body.expectedFloat, null);
    assert.ok(blind.body.reading?.perMode.every((m) => m.expected === null));
    const boss = await login(server.url, MANAGER.code, MANAGER.pin, 2);
    const seen = await call<Status>(server.url, 'GET', '/api/till', { token: boss });
    assert.equal(seen.body.showsExpected, true);
    assert.equal(seen.body.expectedFloat, 0);
  });
});

describe('till API on PostgreSQL', () => {
  let pg: TestServer;
  before(async () => {
    pg = await startTestServer({
      engine: 'postgres',
      registers: 1,
      demo: { articles: 10, boxes: 1, customers: 1 },
    });
  });
  after(async () => {
    await pg.close();
  });

  test('a day closes and the next opens, the amounts read back as numbers', async () => {
    const token = await login(pg.url, 'CAISSE1', PINS.cashier);
    const post = (path: string, body: unknown) =>
      call<Record<string, unknown>>(pg.url, 'POST', path, { token, body });
    const closed = await post('/api/till/close', { cash: { total: 0 }, keep: 0, authorization: manager });
    assert.equal(closed.status, 200, JSON.stringify(closed.body));
    const shut = await call<Status>(pg.url, 'GET', '/api/till', { token });
    assert.deepEqual([shut.body.open, shut.body.expectedFloat], [false, 0]);
    const refusedOpen = await post('/api/till/open', { count: { total: 1500 } });
    assert.equal(refusedOpen.status, 400);
    assert.equal(await countRecords(pg.db, 'MOVEMENT'), 2, 'the float and the closing count, nothing more');
    const opened = await post('/api/till/open', {
      count: { denominations: { '10': 1, '5': 1 } },
      reason: 'Coffre',
    });
    assert.equal(opened.status, 200, JSON.stringify(opened.body));
    assert.deepEqual([opened.body.counted, opened.body.difference], [1500, 1500]);
    const open = await call<Status>(pg.url, 'GET', '/api/till', { token });
    assert.deepEqual([open.body.open, open.body.expectedFloat], [true, 1500]);
  });
});
