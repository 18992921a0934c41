/** Returns and instruments over real HTTP: the refund right (or a manager's code), the balance by number. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  call,
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
  template = await storeTemplate(1);
  server = await startTestServer({ template: template.dir });
});
after(async () => {
  await server.close();
  template.remove();
});

type Err = { code: string; message: string };

describe('returns and instruments API', () => {
  test('a cashier needs a manager’s code to return; the credit note’s balance reads back by number', async () => {
    const token = await login(server.url, 'CAISSE1', PINS.cashier);
    const sale = await validatedSale(server.url, token, 'returns-api-1');
    const number = sale.sale?.number as number;
    const causes = await call<{ code: string; label: string }[]>(server.url, 'GET', '/api/returns/causes', {
      token,
    });
    assert.deepEqual(
      causes.body.map((c) => c.code),
      ['AVIS', 'DEFAUT', 'ERREUR'],
    );
    const returnable = await call<{ line: number; returnable: number }[]>(
      server.url,
      'GET',
      `/api/sales/1/${number}/returnable`,
      { token },
    );
    assert.equal(returnable.status, 200);
    assert.deepEqual(
      returnable.body.map((l) => [l.line, l.returnable]),
      [[1, 1000]],
    );
    const body = { lines: [{ line: 1, qty: 1000 }], cause: 'DEFAUT', refund: 'credit-note' };
    const denied = await call<Err>(server.url, 'POST', `/api/sales/1/${number}/return`, { token, body });
    assert.equal(denied.status, 403);
    const bad = await call<Err>(server.url, 'POST', `/api/sales/1/${number}/return`, {
      token,
      body: { ...body, lines: [{ line: 1, qty: -1 }] },
    });
    assert.equal(bad.status, 400);
    const done = await call<{ record: { totalTTC: number }; instrument: { number: string; amount: number } }>(
      server.url,
      'POST',
      `/api/sales/1/${number}/return`,
      { token, body: { ...body, authorization: { userCode: MANAGER.code, pin: MANAGER.pin } } },
    );
    assert.equal(done.status, 200, JSON.stringify(done.body));
    assert.equal(done.body.record.totalTTC, -done.body.instrument.amount);
    const again = await call<Err>(server.url, 'POST', `/api/sales/1/${number}/return`, {
      token,
      body: { ...body, authorization: { userCode: MANAGER.code, pin: MANAGER.pin } },
    });
    assert.equal(again.status, 422);
    assert.match(again.body.message, /plus rien à retourner/);
    const card = await call<{ kind: string; balance: number; ledger: unknown[] }>(
      server.url,
      'GET',
      `/api/instruments/${done.body.instrument.number}`,
      { token },
    );
    assert.deepEqual(
      [card.body.kind, card.body.balance, card.body.ledger.length],
      ['credit-note', done.body.instrument.amount, 1],
    );
    const n = done.body.instrument.number;
    const typo = await call<Err>(
      server.url,
      'GET',
      `/api/instruments/${n.slice(0, 15)}${(Number(n[15]) + 1) % 10}`,
      {
        token,
      },
    );
    assert.equal(typo.status, 422);
    assert.match(typo.body.message, /clé de contrôle fausse/);
  });
});
