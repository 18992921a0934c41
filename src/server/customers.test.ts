/** Customers over real HTTP: PATCH changes only the fields given and keeps every other one. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { call, login, PINS, startTestServer, type TestServer } from './testing.ts';

let server: TestServer;
let token: string;

before(async () => {
  server = await startTestServer({ registers: 1 });
  token = await login(server.url, 'CAISSE1', PINS.cashier);
});
after(async () => {
  await server.close();
});

const row = (code: string) =>
  server.db.selectFrom('customers').selectAll().where('code', '=', code).executeTakeFirstOrThrow();

test('PATCH keeps the fields it is not given, null removes card, tariff and seller', async () => {
  const seller = await server.db
    .selectFrom('users')
    .select('seller_code')
    .where('seller_code', 'is not', null)
    .executeTakeFirstOrThrow();
  const created = await call(server.url, 'POST', '/api/customers', {
    token,
    body: {
      code: 'KEEP01',
      name: 'Garde Tout',
      cardNumber: 'CARD0001',
      address1: '1 rue Haute',
      address2: 'Bâtiment B',
      postalCode: '69001',
      city: 'Lyon',
      country: 'BE',
      email: 'garde@example.fr',
      phone: '0102030405',
      tariff: 'PRO',
      sellerCode: seller.seller_code ?? '',
      consentEmailReceipts: true,
      consentMailings: true,
      dematLetterSent: true,
    },
  });
  assert.equal(created.status, 200, JSON.stringify(created.body));
  await server.db
    .updateTable('customers')
    .set({ loyalty_points: 42, visits: 7 })
    .where('code', '=', 'KEEP01')
    .execute();
  const before = await row('KEEP01');

  // What the back office's form sends: only the field changed.
  const patched = await call<{ city: string; email: string }>(server.url, 'PATCH', '/api/customers/keep01', {
    token,
    body: { city: 'Villeurbanne' },
  });
  assert.equal(patched.status, 200, JSON.stringify(patched.body));
  assert.equal(patched.body.city, 'Villeurbanne');
  const after = await row('KEEP01');
  assert.deepEqual(
    { ...after, updated_at: '' },
    { ...before, city: 'Villeurbanne', updated_at: '' },
    'every other column is kept (address 2, country, card, tariff, seller, consents, letter, points)',
  );

  const cleared = await call(server.url, 'PATCH', '/api/customers/KEEP01', {
    token,
    body: { cardNumber: null, tariff: null, sellerCode: null },
  });
  assert.equal(cleared.status, 200, JSON.stringify(cleared.body));
  const bare = await row('KEEP01');
  assert.deepEqual([bare.card_number, bare.tariff_code, bare.seller_code], [null, null, null]);
  assert.equal(bare.address2, 'Bâtiment B');
  assert.equal(bare.demat_letter_sent, 1);
});

test('PATCH refuses bad input and unknown customers, writing nothing', async () => {
  const before = await row('KEEP01');
  const cases: [string, unknown, number, string][] = [
    ['/api/customers/KEEP01', { email: '' }, 422, 'consent without address'],
    ['/api/customers/KEEP01', { dematRefused: true }, 422, 'refusal with e-mail consent'],
    ['/api/customers/KEEP01', { email: 'pas une adresse' }, 422, 'bad address'],
    ['/api/customers/KEEP01', { tariff: 'NOPE' }, 422, 'unknown tariff'],
    ['/api/customers/KEEP01', { name: '' }, 422, 'empty name'],
    ['/api/customers/KEEP01', { city: 'Lyon', loyaltyPoints: 1000 }, 400, 'points are not writable'],
    ['/api/customers/NOPE0000', { city: 'Lyon' }, 404, 'unknown customer'],
  ];
  for (const [path, body, status, what] of cases) {
    const answer = await call<{ code: string; message: string }>(server.url, 'PATCH', path, { token, body });
    assert.equal(answer.status, status, `${what}: ${JSON.stringify(answer.body)}`);
    assert.equal(typeof answer.body.code, 'string');
    assert.equal(typeof answer.body.message, 'string');
  }
  assert.deepEqual(await row('KEEP01'), before, 'nothing written');
});

test('the customer record’s seller comes with the customer unless a seller was typed (seed 001)', async () => {
  const sellers = await server.db
    .selectFrom('users')
    .select(['seller_code', 'name'])
    .where('seller_code', 'is not', null)
    .orderBy('seller_code')
    .execute();
  type View = { id: string; seller: { code: string; name: string | null } | null };
  const post = async (path: string, body: unknown) => {
    const answer = await call<View>(server.url, 'POST', path, { token, body });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    return answer.body;
  };
  const opened = await post('/api/tickets', {});
  const before = opened.seller?.code ?? null;
  const recordSeller = sellers.find((s) => s.seller_code !== before)?.seller_code ?? '';
  assert.notEqual(recordSeller, '', 'a seller other than the default one');
  const made = await call(server.url, 'POST', '/api/customers', {
    token,
    body: { code: 'SUIVI01', name: 'Client Suivi', sellerCode: recordSeller },
  });
  assert.equal(made.status, 200, JSON.stringify(made.body));
  const withCustomer = await post(`/api/tickets/${opened.id}/customer`, { text: 'SUIVI01' });
  assert.equal(withCustomer.seller?.code, recordSeller);
  const back = await post(`/api/tickets/${opened.id}/customer`, { text: null });
  assert.equal(back.seller?.code ?? null, before, 'the counter customer brings the default seller back');

  const typed = await post(`/api/tickets/${opened.id}/seller`, { code: recordSeller });
  assert.equal(typed.seller?.code, recordSeller);
  await server.db.updateTable('customers').set({ seller_code: null }).where('code', '=', 'SUIVI01').execute();
  const kept = await post(`/api/tickets/${opened.id}/customer`, { text: 'SUIVI01' });
  assert.equal(kept.seller?.code, recordSeller, 'a typed seller stays whatever the customer');

  const openedFor = await post('/api/tickets', { customer: 'SUIVI01' });
  assert.equal(openedFor.seller?.code ?? null, before, 'a record without seller: the default');
});
