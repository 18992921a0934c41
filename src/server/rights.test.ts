/** Sessions, rights and overrides over real HTTP: refusals and overrides are events naming both users. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { call, login, MANAGER, PINS, startTestServer, storeTemplate, type TestServer } from './testing.ts';
import type { TicketView } from './ticket-view.ts';

let template: Awaited<ReturnType<typeof storeTemplate>>;
let server: TestServer;

before(async () => {
  template = await storeTemplate(2);
  server = await startTestServer({ template: template.dir, config: { pinMaxAttempts: 3 } });
});
after(async () => {
  await server.close();
  template.remove();
});

type Err = { code: string; message: string };

async function ticketWithLine(token: string): Promise<string> {
  const opened = await call<TicketView>(server.url, 'POST', '/api/tickets', { token });
  assert.equal(opened.status, 200);
  const added = await call<TicketView>(server.url, 'POST', `/api/tickets/${opened.body.id}/lines`, {
    token,
    body: { text: 'BOI0001' },
  });
  assert.equal(added.status, 200);
  return opened.body.id;
}

describe('sessions', () => {
  test('no token, a bad token, a logged-out token: 401; the session tells who and where', async () => {
    assert.equal((await call(server.url, 'GET', '/api/tickets')).status, 401);
    const bad = await call<Err>(server.url, 'GET', '/api/tickets', { token: 'x'.repeat(43) });
    assert.equal(bad.status, 401);
    assert.equal(bad.body.code, 'NOT_AUTHENTICATED');
    const token = await login(server.url, 'CAISSE1', PINS.cashier, 2);
    const me = await call<{ register: number; user: { code: string } }>(server.url, 'GET', '/api/session', {
      token,
    });
    assert.equal(me.body.register, 2);
    assert.equal(me.body.user.code, 'CAISSE1');
    assert.equal((await call(server.url, 'DELETE', '/api/session', { token })).status, 200);
    assert.equal((await call(server.url, 'GET', '/api/session', { token })).status, 401);
    const unknownRegister = await call<Err>(server.url, 'POST', '/api/session', {
      body: { userCode: 'CAISSE1', pin: PINS.cashier, register: 99 },
    });
    assert.equal(unknownRegister.status, 404);
    assert.equal(unknownRegister.body.code, 'UNKNOWN_REGISTER');
  });

  test('PIN attempts are limited, journaled, and a lock holds even for the right PIN', async () => {
    const before = server.events.events.length;
    const attempt = (pin: string) =>
      call<Err>(server.url, 'POST', '/api/session', { body: { userCode: 'ADMIN', pin, register: 2 } });
    assert.equal((await attempt('0000')).status, 401);
    assert.equal((await attempt('0001')).status, 401);
    const third = await attempt('0002');
    assert.equal(third.status, 429);
    assert.equal(third.body.code, 'PIN_LOCKED');
    const right = await attempt(PINS.admin);
    assert.equal(right.status, 429, 'verrouillé même avec le bon code');
    const kinds = server.events.events.slice(before).map((e) => e.kind);
    assert.deepEqual(kinds, ['LOGIN_FAILED', 'LOGIN_FAILED', 'LOGIN_LOCKED']);
    // Another register is another counter.
    const elsewhere = await call(server.url, 'POST', '/api/session', {
      body: { userCode: 'ADMIN', pin: PINS.admin, register: 1 },
    });
    assert.equal(elsewhere.status, 200);
  });
});

describe('rights and overrides', () => {
  test('a price change needs the right: refused, then granted by a manager’s code', async () => {
    const token = await login(server.url, 'CAISSE1', PINS.cashier);
    const id = await ticketWithLine(token);
    const mark = server.events.events.length;
    const refused = await call<Err>(server.url, 'POST', `/api/tickets/${id}/price`, {
      token,
      body: { unitPrice: 100 },
    });
    assert.equal(refused.status, 403);
    assert.equal(refused.body.code, 'RIGHT_REQUIRED');
    const notAManager = await call<Err>(server.url, 'POST', `/api/tickets/${id}/price`, {
      token,
      body: { unitPrice: 100, authorization: { userCode: 'ADMIN', pin: '9999' } },
    });
    assert.equal(notAManager.status, 401);
    const granted = await call<TicketView>(server.url, 'POST', `/api/tickets/${id}/price`, {
      token,
      body: { unitPrice: 100, authorization: { userCode: MANAGER.code, pin: MANAGER.pin } },
    });
    assert.equal(granted.status, 200, JSON.stringify(granted.body));
    assert.equal(granted.body.totals.ttc, 100);
    const events = server.events.events.slice(mark);
    const refusal = events.find((e) => e.kind === 'RIGHT_REFUSED' && e.authorizer === undefined);
    assert.equal(refusal?.operator, 'CAISSE1');
    const wrongPin = events.find((e) => e.kind === 'RIGHT_REFUSED' && e.authorizer === 'ADMIN');
    assert.equal(wrongPin?.operator, 'CAISSE1', 'le refus nomme le caissier et le responsable');
    const override = events.find((e) => e.kind === 'RIGHTS_OVERRIDE');
    assert.equal(override?.operator, 'CAISSE1');
    assert.equal(override?.authorizer, MANAGER.code);
    assert.match(override?.subject ?? '', /change_price/);
    const jet = await server.db
      .selectFrom('journal')
      .select('payload')
      .where('chain', '=', 'JET')
      .where('payload', 'like', '%dérogation accordée%')
      .execute();
    assert.equal(jet.length, 1, 'la dérogation est un enregistrement JET signé');
    assert.match(jet[0]?.payload ?? '', /utilisateur=CAISSE1; second utilisateur=RESP/);
  });

  test('a user without the right cannot authorize; a discount over the limit needs an override', async () => {
    const token = await login(server.url, 'CAISSE1', PINS.cashier);
    const id = await ticketWithLine(token);
    const seller = await call<Err>(server.url, 'POST', `/api/tickets/${id}/discount`, {
      token,
      body: { percent: 1500, authorization: { userCode: 'V01', pin: PINS.seller } },
    });
    assert.equal(seller.status, 403);
    assert.ok(
      server.events.events.some(
        (e) => e.kind === 'RIGHT_REFUSED' && e.operator === 'CAISSE1' && e.authorizer === 'V01',
      ),
      'le refus nomme les deux utilisateurs',
    );
    const underLimit = await call<TicketView>(server.url, 'POST', `/api/tickets/${id}/discount`, {
      token,
      body: { percent: 900 },
    });
    assert.equal(underLimit.status, 200, 'sous la limite, pas de code');
    const overLimit = await call<TicketView>(server.url, 'POST', `/api/tickets/${id}/discount`, {
      token,
      body: { percent: 1500, authorization: { userCode: MANAGER.code, pin: MANAGER.pin } },
    });
    assert.equal(overLimit.status, 200);
    const item = overLimit.body.items[0];
    assert.ok(item?.kind === 'article');
    assert.equal(item.discount?.authorized, true);
    assert.equal(item.lineDiscount, 62);
  });

  test('a return line needs the refund right; « Changer utilisateur » lends the manager’s rights', async () => {
    const token = await login(server.url, 'CAISSE1', PINS.cashier);
    const id = await ticketWithLine(token);
    const ret = await call<Err>(server.url, 'POST', `/api/tickets/${id}/lines`, {
      token,
      body: { text: 'BOI0002', qty: -1000 },
    });
    assert.equal(ret.status, 403);
    const switched = await call<{ user: { code: string } }>(server.url, 'POST', '/api/session/switch', {
      token,
      body: { userCode: MANAGER.code, pin: MANAGER.pin },
    });
    assert.equal(switched.status, 200);
    assert.equal(switched.body.user.code, MANAGER.code);
    const allowed = await call<TicketView>(server.url, 'POST', `/api/tickets/${id}/lines`, {
      token,
      body: { text: 'BOI0002', qty: -1000 },
    });
    assert.equal(allowed.status, 200);
    const last = allowed.body.items.at(-1);
    assert.ok(last?.kind === 'article');
    assert.equal(last.qty, -1000);
    assert.equal(last.net, -519);
    assert.ok(
      server.events.events.some(
        (e) => e.kind === 'USER_SWITCH' && e.operator === MANAGER.code && e.authorizer === 'CAISSE1',
      ),
      'le changement d’utilisateur est un événement',
    );
  });

  test('an excess on a mode that refuses it needs the override right', async () => {
    const token = await login(server.url, 'CAISSE1', PINS.cashier);
    const id = await ticketWithLine(token);
    await call(server.url, 'POST', `/api/tickets/${id}/total`, { token });
    const refused = await call<Err>(server.url, 'POST', `/api/tickets/${id}/payments`, {
      token,
      body: { mode: 'CARD', amount: 1000 },
    });
    assert.equal(refused.status, 403);
    const granted = await call<TicketView>(server.url, 'POST', `/api/tickets/${id}/payments`, {
      token,
      body: { mode: 'CARD', amount: 1000, authorization: { userCode: MANAGER.code, pin: MANAGER.pin } },
    });
    assert.equal(granted.status, 200, JSON.stringify(granted.body));
    assert.equal(granted.body.totals.change, 590);
  });
});
