/** Several registers selling at once, and concurrent requests on one ticket, over real HTTP. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  call,
  countRecords,
  login,
  PINS,
  startTestServer,
  storeTemplate,
  type TestServer,
} from './testing.ts';
import type { TicketView } from './ticket-view.ts';

let template: Awaited<ReturnType<typeof storeTemplate>>;
let server: TestServer;

before(async () => {
  template = await storeTemplate(4);
  server = await startTestServer({ template: template.dir });
});
after(async () => {
  await server.close();
  template.remove();
});

const REFS = ['BOI0001', 'BOI0002', 'BOI0003', 'BOI0004', 'BOI0005'];

async function sale(token: string, key: string): Promise<TicketView> {
  const post = async (path: string, body?: unknown) => {
    const answer = await call<TicketView>(server.url, 'POST', path, {
      token,
      ...(body === undefined ? {} : { body }),
    });
    assert.equal(answer.status, 200, `${path} : ${JSON.stringify(answer.body)}`);
    return answer.body;
  };
  const { id } = await post('/api/tickets');
  for (const ref of REFS) await post(`/api/tickets/${id}/lines`, { text: ref });
  await post(`/api/tickets/${id}/total`);
  await post(`/api/tickets/${id}/payments`, { mode: 'CASH', amount: null });
  return post(`/api/tickets/${id}/validate`, { idempotencyKey: key });
}

test('four registers sell at the same time: gapless numbers per register, nothing mixed', async () => {
  const tokens = await Promise.all(
    [1, 2, 3, 4].map((register) => login(server.url, 'CAISSE1', PINS.cashier, register)),
  );
  const results = await Promise.all(
    tokens.map(async (token, index) => {
      const sales: TicketView[] = [];
      for (let n = 0; n < 3; n += 1) sales.push(await sale(token, `conc-${index + 1}-${n}`));
      return sales;
    }),
  );
  results.forEach((sales, index) => {
    assert.deepEqual(
      sales.map((s) => [s.register, s.sale?.number]),
      [1, 2, 3].map((n) => [index + 1, n]),
      `caisse ${index + 1} : numéros 1, 2, 3`,
    );
    for (const s of sales) assert.equal(s.sale?.totalTTC, s.totals.ttc, 'le total signé est celui du ticket');
  });
  assert.equal(await countRecords(server.db, 'TICKET'), 12);
  // A register does not see another register's tickets.
  const other = await call(server.url, 'GET', `/api/tickets/${results[0]?.[0]?.id}`, {
    token: tokens[1] ?? '',
  });
  assert.equal(other.status, 404);
});

test('requests on one ticket are serialized: every line is kept, versions follow each other', async () => {
  const token = await login(server.url, 'CAISSE1', PINS.cashier, 2);
  const opened = await call<TicketView>(server.url, 'POST', '/api/tickets', { token });
  const id = opened.body.id;
  const answers = await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      call<TicketView>(server.url, 'POST', `/api/tickets/${id}/lines`, {
        token,
        body: { text: REFS[i % REFS.length] },
      }),
    ),
  );
  for (const answer of answers) assert.equal(answer.status, 200, JSON.stringify(answer.body));
  const versions = answers.map((a) => a.body.version).sort((a, b) => a - b);
  assert.deepEqual(
    versions,
    Array.from({ length: 20 }, (_, i) => i + 2),
  );
  const final = await call<TicketView>(server.url, 'GET', `/api/tickets/${id}`, { token });
  assert.equal(final.body.items.length, 20);

  // The same validation sent twice at once: one sale.
  await call(server.url, 'POST', `/api/tickets/${id}/total`, { token });
  await call(server.url, 'POST', `/api/tickets/${id}/payments`, {
    token,
    body: { mode: 'CARD', amount: null },
  });
  const before = await countRecords(server.db, 'TICKET');
  const [a, b] = await Promise.all([
    call<TicketView>(server.url, 'POST', `/api/tickets/${id}/validate`, {
      token,
      body: { idempotencyKey: 'twice-0001' },
    }),
    call<TicketView>(server.url, 'POST', `/api/tickets/${id}/validate`, {
      token,
      body: { idempotencyKey: 'twice-0001' },
    }),
  ]);
  assert.equal(a.status, 200);
  assert.equal(b.status, 200);
  assert.deepEqual(a.body.sale, b.body.sale);
  assert.equal(await countRecords(server.db, 'TICKET'), before + 1);
});
