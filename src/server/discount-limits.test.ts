/**
 * Discount limits on the spot (issue 12): a limit lowered while a ticket is open applies to the next
 * discount typed and to the discounts already there at Total (with a manager's code), never only at
 * validation; a footer discount needs articles on the ticket.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { call, login, MANAGER, PINS, startTestServer, storeTemplate, type TestServer } from './testing.ts';
import type { TicketView } from './ticket-view.ts';

let template: Awaited<ReturnType<typeof storeTemplate>>;
let server: TestServer;
let token: string;

before(async () => {
  template = await storeTemplate(1);
  server = await startTestServer({ template: template.dir });
  token = await login(server.url, 'CAISSE1', PINS.cashier);
});
after(async () => {
  await server.close();
  template.remove();
});

const post = (path: string, body: unknown = {}) =>
  call<TicketView & { code?: string; message?: string }>(server.url, 'POST', path, { token, body });
const manager = { userCode: MANAGER.code, pin: MANAGER.pin };

async function setLimit(percent: number): Promise<void> {
  const admin = await login(server.url, 'ADMIN', PINS.admin);
  const answer = await call(server.url, 'PUT', '/api/settings', {
    token: admin,
    body: { registers: [{ number: 1, settings: { discountLimitPercent: percent } }] },
  });
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
}

test('a limit lowered while the ticket is open: the next discount and Total ask for the manager', async () => {
  await setLimit(1000);
  const opened = await post('/api/tickets');
  const t = (path: string) => `/api/tickets/${opened.body.id}/${path}`;
  assert.equal((await post(t('lines'), { text: 'BOI0001' })).status, 200);
  assert.equal((await post(t('discount'), { percent: 800 })).status, 200, '8 % under the 10 % limit');

  await setLimit(500);
  const second = await post(t('lines'), { text: 'BOI0002' });
  assert.equal(second.status, 200, 'an article is never refused for an earlier discount');
  const refused = await post(t('discount'), { percent: 800 });
  assert.equal(refused.status, 403);
  assert.equal(refused.body.code, 'RIGHT_REQUIRED');
  const unlocked = await post(t('discount'), { percent: 800, authorization: manager });
  assert.equal(unlocked.status, 200, JSON.stringify(unlocked.body));

  // The first 8 %, typed under the old limit, is over the new one: Total asks, before any payment.
  const total = await post(t('total'));
  assert.equal(total.status, 403, JSON.stringify(total.body));
  assert.equal(total.body.code, 'RIGHT_REQUIRED');
  const wrongPin = await post(t('total'), { authorization: { userCode: MANAGER.code, pin: '0000' } });
  assert.equal(wrongPin.status, 401);
  const paying = await post(t('total'), { authorization: manager });
  assert.equal(paying.status, 200, JSON.stringify(paying.body));
  assert.equal(paying.body.phase, 'payment');
  assert.equal((await post(t('payments'), { mode: 'CASH', amount: null })).status, 200);
  const validated = await post(t('validate'), { idempotencyKey: `${opened.body.id}.limits` });
  assert.equal(validated.status, 200, JSON.stringify(validated.body));
  assert.equal(validated.body.status, 'validated');
});

test('a second discount over the limit is refused even when one is already on the ticket', async () => {
  await setLimit(1000);
  const opened = await post('/api/tickets');
  const t = (path: string) => `/api/tickets/${opened.body.id}/${path}`;
  await post(t('lines'), { text: 'BOI0001' });
  await post(t('discount'), { percent: 900 });
  await post(t('lines'), { text: 'BOI0002' });
  await setLimit(500);
  // BOI0001's 9 % is now over; BOI0002's new 9 % must still be asked for.
  const refused = await post(t('discount'), { percent: 900 });
  assert.equal(refused.status, 403, JSON.stringify(refused.body));
  assert.equal((await post(t('abandon'))).status, 200);
});

test('a footer discount on a ticket with no article is refused, nothing changed', async () => {
  await setLimit(1000);
  const opened = await post('/api/tickets');
  const t = (path: string) => `/api/tickets/${opened.body.id}/${path}`;
  const refused = await post(t('footer-discount'), { percent: 2500 });
  assert.equal(refused.status, 422);
  assert.equal(refused.body.code, 'EMPTY_TICKET');
  assert.match(refused.body.message ?? '', /aucun article/);
  const ticket = await call<TicketView>(server.url, 'GET', `/api/tickets/${opened.body.id}`, { token });
  assert.equal(ticket.body.footerDiscount, null);
  // With an article, 25 % is over the 10 % limit: the manager is asked, as for a line.
  await post(t('lines'), { text: 'BOI0001' });
  const over = await post(t('footer-discount'), { percent: 2500 });
  assert.equal(over.status, 403);
  assert.equal((await post(t('footer-discount'), { percent: 2500, authorization: manager })).status, 200);
  assert.equal((await post(t('abandon'))).status, 200);
});
