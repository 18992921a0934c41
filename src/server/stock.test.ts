/**
 * Stock over real HTTP: a sale validated by the register moves the stock that GET /api/stock/:ref
 * shows; the register setting blockOutOfStock refuses the sale (409, nothing written); the stock
 * documents need the right manage_stock, an ME- is received once, bad documents are refused in French.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { setStock } from '../store/catalogue.ts';
import { createDepot, createStore } from '../store/setup.ts';
import { countRows } from '../store/test-dialects.ts';
import {
  call,
  countRecords,
  login,
  MANAGER,
  PINS,
  startTestServer,
  type TestServer,
  validatedSale,
} from './testing.ts';

let server: TestServer;
let token: string;
const manager = { userCode: MANAGER.code, pin: MANAGER.pin };

before(async () => {
  server = await startTestServer({ registers: 1 });
  token = await login(server.url, 'CAISSE1', PINS.cashier);
  await createStore(server.db, { code: 'MAG2', name: 'Magasin 2' }, new Date());
  await createDepot(server.db, 'MAG2', 'DEP2', 'Dépôt 2');
  await setStock(server.db, 'BOI0001', 'DEP1', 5000);
});
after(() => server.close());

interface StockAnswer {
  depots: { store: string; depot: string; quantity: string }[];
  movements: { kind: string; quantity: string; document: string }[];
}

async function quantityOf(ref: string, depot = 'DEP1'): Promise<string | undefined> {
  const answer = await call<StockAnswer>(server.url, 'GET', `/api/stock/${ref}`, { token });
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  return answer.body.depots.find((d) => d.depot === depot)?.quantity;
}

test('a sale validated at the register moves the stock in the same transaction', async () => {
  const sale = await validatedSale(server.url, token, 'stock-sale-1');
  assert.equal(await quantityOf('BOI0001'), '4');
  const answer = await call<StockAnswer>(server.url, 'GET', '/api/stock/BOI0001?limit=1', { token });
  assert.deepEqual(answer.body.movements, [
    { ...answer.body.movements[0], kind: 'sale', quantity: '-1', document: `TICKET 1/${sale.sale?.number}` },
  ]);
});

test('blockOutOfStock on the register refuses a sale going below zero: 409, nothing written', async () => {
  await setStock(server.db, 'BOI0001', 'DEP1', 0);
  const settings = await server.db
    .selectFrom('registers')
    .select('settings')
    .where('number', '=', 1)
    .executeTakeFirstOrThrow();
  await server.db
    .updateTable('registers')
    .set({ settings: JSON.stringify({ ...JSON.parse(settings.settings), blockOutOfStock: true }) })
    .where('number', '=', 1)
    .execute();
  try {
    const tickets = await countRecords(server.db, 'TICKET');
    const moves = await countRows(server.db, 'stock_movements');
    await assert.rejects(
      validatedSale(server.url, token, 'stock-sale-2'),
      /409 .*OUT_OF_STOCK.*rupture de stock/,
    );
    assert.equal(await countRecords(server.db, 'TICKET'), tickets);
    assert.equal(await countRows(server.db, 'stock_movements'), moves);
    assert.equal(await quantityOf('BOI0001'), '0');
  } finally {
    await server.db
      .updateTable('registers')
      .set({ settings: settings.settings })
      .where('number', '=', 1)
      .execute();
  }
  await validatedSale(server.url, token, 'stock-sale-3');
  assert.equal(await quantityOf('BOI0001'), '-1', 'without the setting the sale goes through');
});

test('stock documents need manage_stock; an ME- is received once; bad input refused in French', async () => {
  await setStock(server.db, 'BOI0002', 'DEP1', 10_000);
  const document = {
    kind: 'transfer_out',
    depot: 'DEP1',
    toDepot: 'DEP2',
    lines: [{ ref: 'BOI0002', quantity: '3' }],
  };
  const refused = await call(server.url, 'POST', '/api/stock-documents', { token, body: { document } });
  assert.equal(refused.status, 403);
  assert.equal(refused.body.code, 'RIGHT_REQUIRED');

  const before = [
    await countRows(server.db, 'stock_documents'),
    await countRows(server.db, 'stock_movements'),
  ];
  const bad = await call(server.url, 'POST', '/api/stock-documents', {
    token,
    body: {
      document: { ...document, lines: [{ ref: 'BOI0002', quantity: 'trois' }] },
      authorization: manager,
    },
  });
  assert.equal(bad.status, 422);
  assert.equal(bad.body.code, 'INVALID_QUANTITY');
  assert.match(String(bad.body.message), /Quantité invalide « trois »/);
  assert.deepEqual(
    [await countRows(server.db, 'stock_documents'), await countRows(server.db, 'stock_movements')],
    before,
  );

  const draft = await call<{ number: string; status: string }>(server.url, 'POST', '/api/stock-documents', {
    token,
    body: { document, authorization: manager },
  });
  assert.equal(draft.status, 200, JSON.stringify(draft.body));
  assert.equal(draft.body.status, 'draft');
  const number = draft.body.number;
  const early = await call(server.url, 'POST', `/api/stock-documents/${number}/receive`, {
    token,
    body: { authorization: manager },
  });
  assert.equal(early.status, 409);
  assert.equal(early.body.code, 'NOT_VALIDATED');
  const validated = await call(server.url, 'POST', `/api/stock-documents/${number}/validate`, {
    token,
    body: { authorization: manager },
  });
  assert.equal(validated.status, 200, JSON.stringify(validated.body));
  assert.equal(await quantityOf('BOI0002'), '7');
  const received = await call<{ number: string }>(
    server.url,
    'POST',
    `/api/stock-documents/${number}/receive`,
    {
      token,
      body: { authorization: manager },
    },
  );
  assert.equal(received.status, 200, JSON.stringify(received.body));
  assert.equal(received.body.number, 'ME+000001');
  assert.equal(await quantityOf('BOI0002', 'DEP2'), '3');
  const twice = await call(server.url, 'POST', `/api/stock-documents/${number}/receive`, {
    token,
    body: { authorization: manager },
  });
  assert.equal(twice.status, 409);
  assert.equal(twice.body.code, 'ALREADY_RECEIVED');

  const managerToken = await login(server.url, MANAGER.code, MANAGER.pin);
  const counts = await call<{ number: string; lines: { difference: string }[] }>(
    server.url,
    'POST',
    '/api/stock-documents/import-counts',
    { token: managerToken, body: { depot: 'DEP1', csv: 'ref;quantity\nBOI0002;6\n' } },
  );
  assert.equal(counts.status, 200, JSON.stringify(counts.body));
  assert.equal(counts.body.lines[0]?.difference, '-1');
  const list = await call<{ documents: { number: string }[] }>(
    server.url,
    'GET',
    '/api/stock-documents?status=draft',
    {
      token: managerToken,
    },
  );
  assert.deepEqual(
    list.body.documents.map((d) => d.number),
    [counts.body.number],
  );
  const valuation = await call(server.url, 'GET', '/api/stock-valuation?depot=DEP1', { token: managerToken });
  assert.equal(valuation.status, 200);
  assert.ok(Array.isArray(valuation.body.lines));
});
