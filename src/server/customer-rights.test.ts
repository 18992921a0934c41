/**
 * The customer's rights over real HTTP: export and anonymisation need the right `customer_data` (a
 * cashier is refused, a manager's code on the spot grants it), and an anonymised customer's file can no
 * longer be given personal data.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { call, login, MANAGER, PINS, startTestServer, type TestServer, validatedSale } from './testing.ts';

let server: TestServer;
let token: string;

before(async () => {
  server = await startTestServer({ registers: 1 });
  token = await login(server.url, 'CAISSE1', PINS.cashier);
  const created = await call(server.url, 'POST', '/api/customers', {
    token,
    body: { code: 'RGPD01', name: 'Chloé Dubois', email: 'chloe@example.fr', phone: '0601020304' },
  });
  assert.equal(created.status, 200, JSON.stringify(created.body));
  await validatedSale(server.url, token, 'rgpd-sale-1', 'RGPD01');
});
after(() => server.close());

const manager = `authUser=${MANAGER.code}&authPin=${MANAGER.pin}`;

test('the export needs the right; with the manager’s code it answers the whole file as an attachment', async () => {
  const refused = await call<{ code: string; message: string }>(
    server.url,
    'GET',
    '/api/customers/RGPD01/export',
    {
      token,
    },
  );
  assert.equal(refused.status, 403);
  assert.equal(refused.body.code, 'RIGHT_REQUIRED');

  const response = await fetch(`${server.url}/api/customers/rgpd01/export?${manager}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  assert.equal(response.status, 200);
  assert.equal(response.headers.get('content-disposition'), 'attachment; filename="client-RGPD01.json"');
  const body = (await response.json()) as {
    format: string;
    customer: { email: string; phone: string };
    sales: { chain: string }[];
  };
  assert.equal(body.format, 'comptoir-customer-export/1');
  assert.deepEqual([body.customer.email, body.customer.phone], ['chloe@example.fr', '0601020304']);
  assert.deepEqual(
    body.sales.map((s) => s.chain),
    ['TICKET'],
  );
  assert.ok(
    server.events.events.some((e) => e.kind === 'RIGHTS_OVERRIDE' && e.authorizer === MANAGER.code),
    'the override is journaled',
  );
});

test('anonymisation: refused without the right, then done with the manager’s code; the file stays closed', async () => {
  const refused = await call(server.url, 'POST', '/api/customers/RGPD01/anonymise', { token, body: {} });
  assert.equal(refused.status, 403);
  const unknown = await call<{ code: string }>(server.url, 'POST', '/api/customers/PERSONNE/anonymise', {
    token,
    body: { authorization: { userCode: MANAGER.code, pin: MANAGER.pin } },
  });
  assert.equal(unknown.status, 404);
  assert.equal(unknown.body.code, 'UNKNOWN_CUSTOMER');

  const done = await call<{ code: string; erased: string[]; salesKept: number }>(
    server.url,
    'POST',
    '/api/customers/RGPD01/anonymise',
    { token, body: { authorization: { userCode: MANAGER.code, pin: MANAGER.pin } } },
  );
  assert.equal(done.status, 200, JSON.stringify(done.body));
  assert.equal(done.body.salesKept, 1);
  assert.ok(done.body.erased.includes('email'));
  const row = await server.db
    .selectFrom('customers')
    .select(['name', 'email', 'phone'])
    .where('code', '=', 'RGPD01')
    .executeTakeFirstOrThrow();
  assert.deepEqual(row, { name: 'Client anonymisé', email: '', phone: '' });

  const again = await call<{ code: string }>(server.url, 'POST', '/api/customers/RGPD01/anonymise', {
    token,
    body: { authorization: { userCode: MANAGER.code, pin: MANAGER.pin } },
  });
  assert.equal(again.status, 409);
  assert.equal(again.body.code, 'ALREADY_ANONYMISED');
  const edit = await call<{ code: string; message: string }>(server.url, 'PATCH', '/api/customers/RGPD01', {
    token,
    body: { email: 'chloe@example.fr' },
  });
  assert.equal(edit.status, 409);
  assert.match(edit.body.message, /anonymisé \(RGPD\)/);
});
