/** A full sale through the API over real HTTP, on a real SQLite file. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
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
let token: string;

before(async () => {
  template = await storeTemplate(2);
  server = await startTestServer({ template: template.dir });
  token = await login(server.url, 'CAISSE1', PINS.cashier);
});
after(async () => {
  await server.close();
  template.remove();
});

async function post(path: string, body?: unknown): Promise<{ status: number; body: TicketView }> {
  return call<TicketView>(server.url, 'POST', path, { token, ...(body === undefined ? {} : { body }) });
}

async function ok(path: string, body?: unknown): Promise<TicketView> {
  const answer = await post(path, body);
  assert.equal(answer.status, 200, `${path} : ${JSON.stringify(answer.body)}`);
  return answer.body;
}

describe('a full sale through the API', () => {
  test('open, lines, edits, sub-total, discounts, shipping, composition, hold, payments, validation, receipt', async () => {
    const opened = await ok('/api/tickets', {});
    assert.equal(opened.customer?.code, 'DIVERS');
    assert.equal(opened.status, 'open');
    const id = opened.id;
    const t = (path: string) => `/api/tickets/${id}/${path}`;

    // Lines by reference, by barcode, inserted after a given line.
    let ticket = await ok(t('lines'), { text: 'BOI0001' });
    assert.equal(ticket.items.length, 1);
    assert.equal(ticket.totals.ttc, 410);
    ticket = await ok(t('lines'), { text: 'boi0002', qty: 2000 });
    assert.equal(ticket.totals.ttc, 410 + 2 * 519);
    const first = ticket.items[0]?.id ?? 0;
    ticket = await ok(t('lines'), { text: 'BOI0003', after: first });
    assert.deepEqual(
      ticket.items.map((i) => (i.kind === 'article' ? i.ref : i.kind)),
      ['BOI0001', 'BOI0003', 'BOI0002'],
    );

    // Point the first line, change its quantity, give it a 5 % discount (under the 10 % limit).
    ticket = await ok(t('point'), { lineId: first });
    assert.equal(ticket.pointer, first);
    ticket = await ok(t('quantity'), { qty: 3000 });
    ticket = await ok(t('discount'), { percent: 500 });
    const line = ticket.items.find((i) => i.id === first);
    assert.ok(line?.kind === 'article');
    assert.equal(line.gross, 1230);
    assert.equal(line.lineDiscount, 62);

    // Sub-total after the last line, then footer discount and shipping.
    ticket = await ok(t('point'), { lineId: ticket.items.at(-1)?.id });
    ticket = await ok(t('subtotal'));
    assert.equal(ticket.items.at(-1)?.kind, 'subtotal');
    ticket = await ok(t('footer-discount'), { amount: 100 });
    ticket = await ok(t('shipping'), { shipping: { amount: 590, vatRate: 2000 } });
    assert.equal(ticket.shipping?.net, 590);

    // A composition typed on the fly, and a composed article from the catalogue.
    ticket = await ok(t('compositions'), {
      ref: 'COFFRET',
      designation: 'Coffret maison',
      price: 2000,
      components: [{ text: 'BOI0001' }, { text: 'BOI0002', qty: 2000 }],
    });
    const composition = ticket.items.at(-1);
    assert.ok(composition?.kind === 'composition');
    assert.equal(composition.price, 2000);
    assert.equal(composition.components.length, 2);
    ticket = await ok(t('lines'), { text: 'COF0001' });
    assert.equal(ticket.items.at(-1)?.kind, 'composition');

    // Delete that last composition again.
    ticket = await ok(t('delete'), { lineIds: [ticket.items.at(-1)?.id] });
    assert.equal(ticket.items.filter((i) => i.kind === 'composition').length, 1);

    // HT/TVA view agrees with the ticket.
    const vat = await call<{ ht: number; ttc: number; rows: { total: number }[] }>(
      server.url,
      'GET',
      `/api/tickets/${id}/vat`,
      { token },
    );
    assert.equal(vat.status, 200);
    assert.equal(vat.body.ttc, ticket.totals.ttc);
    assert.equal(
      vat.body.rows.reduce((sum, r) => sum + r.total, 0),
      ticket.totals.ttc,
    );

    // Hold: listed as held, commands refused, then resumed.
    ticket = await ok(t('hold'));
    assert.equal(ticket.status, 'held');
    const held = await call<{ items: TicketView[] }>(server.url, 'GET', '/api/tickets?status=held', {
      token,
    });
    assert.ok(
      held.body.items.some((h) => h.id === id),
      'le ticket en attente est listé',
    );
    const refused = await post(t('lines'), { text: 'BOI0001' });
    assert.equal(refused.status, 422);
    assert.equal((refused.body as unknown as { code: string }).code, 'TICKET_HELD');
    ticket = await ok(t('resume'));
    assert.equal(ticket.status, 'open');

    // Seller and customer.
    ticket = await ok(t('seller'), { code: 'V01' });
    assert.equal(ticket.seller?.code, 'V01');
    ticket = await ok(t('customer'), { text: 'C00001' });
    assert.equal(ticket.customer?.name, 'PETIT Noé');

    // Total, a partial card payment, a cash payment with change.
    ticket = await ok(t('total'));
    assert.equal(ticket.phase, 'payment');
    const due = ticket.totals.ttc;
    ticket = await ok(t('payments'), { mode: 'CARD', amount: 1000 });
    assert.equal(ticket.totals.remaining, due - 1000);
    const cancelled = await call<TicketView>(
      server.url,
      'DELETE',
      `/api/tickets/${id}/payments/${ticket.payments[0]?.id}`,
      { token },
    );
    assert.equal(cancelled.status, 200);
    assert.equal(cancelled.body.payments.length, 0);
    ticket = await ok(t('payments'), { mode: 'CARD', amount: 1000 });
    ticket = await ok(t('payments'), { mode: 'CASH', amount: due - 1000 + 500 });
    assert.equal(ticket.totals.remaining, 0);
    assert.equal(ticket.totals.change, 500);

    // Validation, retried with the same key: the same sale, one sale only.
    ticket = await ok(t('validate'), { idempotencyKey: 'sale-test-0001' });
    assert.equal(ticket.status, 'validated');
    assert.equal(ticket.sale?.number, 1);
    assert.equal(ticket.sale?.totalTTC, due);
    const again = await ok(t('validate'), { idempotencyKey: 'sale-test-0001' });
    assert.deepEqual(again.sale, ticket.sale);
    assert.equal(await countRecords(server.db, 'TICKET'), 1, 'une seule vente au journal');
    const otherKey = await post(t('validate'), { idempotencyKey: 'sale-test-0002' });
    assert.equal(otherKey.status, 409);

    // A validated ticket no longer changes.
    const late = await post(t('lines'), { text: 'BOI0001' });
    assert.equal(late.status, 409);

    // Receipt choice: paper.
    ticket = await ok(t('receipt'), { choice: 'print' });
    assert.equal(ticket.receipt?.choice, 'print');
    assert.equal(ticket.receipt?.printed, true);

    // The sale in the journal: search, detail, reprint with a reason, cancellation with a manager.
    type Rec = {
      number: number;
      type: string;
      totalTTC: number | null;
      customer: string | null;
      cancels: number | null;
    };
    const found = await call<{ items: Rec[] }>(server.url, 'GET', '/api/sales?customer=C00001', { token });
    assert.equal(found.status, 200);
    assert.deepEqual(
      found.body.items.map((r) => [r.number, r.totalTTC]),
      [[1, due]],
    );
    const none = await call<{ items: Rec[] }>(server.url, 'GET', `/api/sales?minTotal=${due + 1}`, { token });
    assert.equal(none.body.items.length, 0);
    const detail = await call<Rec>(server.url, 'GET', '/api/sales/1/1', { token });
    assert.equal(detail.body.type, 'TICKET');
    const reprint = await call<Rec>(server.url, 'POST', '/api/sales/1/1/reprint', {
      token,
      body: { reason: 'Ticket perdu par le client' },
    });
    assert.equal(reprint.status, 200, JSON.stringify(reprint.body));
    assert.equal(reprint.body.type, 'DUPLICATE');
    const cancelRefused = await call<{ code: string }>(server.url, 'POST', '/api/sales/1/1/cancel', {
      token,
      body: {},
    });
    assert.equal(cancelRefused.status, 403);
    const cancellation = await call<Rec>(server.url, 'POST', '/api/sales/1/1/cancel', {
      token,
      body: { authorization: { userCode: 'RESP', pin: '4444' } },
    });
    assert.equal(cancellation.status, 200, JSON.stringify(cancellation.body));
    assert.equal(cancellation.body.type, 'CANCELLATION');
    assert.equal(cancellation.body.cancels, 1);
    assert.equal(cancellation.body.totalTTC, -due);
  });

  test('validation is refused before Total and while payments do not match', async () => {
    const { id } = await ok('/api/tickets');
    await ok(`/api/tickets/${id}/lines`, { text: 'BOI0001' });
    const early = await post(`/api/tickets/${id}/validate`, { idempotencyKey: 'early-key-01' });
    assert.equal(early.status, 422);
    await ok(`/api/tickets/${id}/total`);
    const unpaid = await post(`/api/tickets/${id}/validate`, { idempotencyKey: 'early-key-02' });
    assert.equal(unpaid.status, 422);
    assert.equal((unpaid.body as unknown as { code: string }).code, 'PAYMENT_MISMATCH');
    const abandoned = await ok(`/api/tickets/${id}/abandon`);
    assert.equal(abandoned.status, 'abandoned');
    assert.ok(
      server.events.events.some((e) => e.kind === 'TICKET_ABANDONED' && e.subject === id),
      'l’abandon est un événement technique',
    );
  });

  test('a daily closure needs the right, then lists its Z data', async () => {
    const refused = await call<{ code: string }>(server.url, 'POST', '/api/closures', {
      token,
      body: { kind: 'DAY' },
    });
    assert.equal(refused.status, 403);
    const closed = await call<{ closures: { type: string; payload: { ticketCount: number } }[] }>(
      server.url,
      'POST',
      '/api/closures',
      { token, body: { kind: 'DAY', authorization: { userCode: 'RESP', pin: '4444' } } },
    );
    assert.equal(closed.status, 200, JSON.stringify(closed.body));
    assert.equal(closed.body.closures[0]?.type, 'CLOSURE');
    assert.equal(closed.body.closures[0]?.payload.ticketCount, 1);
    const list = await call<{ items: unknown[] }>(server.url, 'GET', '/api/closures', { token });
    assert.equal(list.body.items.length, 1);
  });

  test('lookups, price check, customers with consent, health and the OpenAPI document', async () => {
    const articles = await call<{ items: { ref: string }[]; hasMore: boolean }>(
      server.url,
      'GET',
      '/api/articles?text=BOI&limit=2',
      { token },
    );
    assert.equal(articles.status, 200);
    assert.equal(articles.body.items.length, 2);
    assert.equal(articles.body.hasMore, true);

    const price = await call<{ unitPrice: number }>(server.url, 'GET', '/api/price-check?text=BOI0001', {
      token,
    });
    assert.equal(price.status, 200);
    assert.equal(price.body.unitPrice, 410);
    const missing = await call(server.url, 'GET', '/api/price-check?text=NOPE0000', { token });
    assert.equal(missing.status, 404);

    const created = await call<{ code: string; consentEmailReceipts: boolean }>(
      server.url,
      'POST',
      '/api/customers',
      {
        token,
        body: {
          code: 'NEW01',
          name: 'Nouveau Client',
          email: 'nouveau@example.fr',
          consentEmailReceipts: true,
        },
      },
    );
    assert.equal(created.status, 200, JSON.stringify(created.body));
    assert.equal(created.body.consentEmailReceipts, true);
    const badConsent = await call<{ code: string }>(server.url, 'PUT', '/api/customers/NEW01', {
      token,
      body: { name: 'Nouveau Client', consentEmailReceipts: true },
    });
    assert.equal(badConsent.status, 422, 'un consentement e-mail sans adresse est refusé');
    const updated = await call<{ consentEmailReceipts: boolean; dematRefused: boolean }>(
      server.url,
      'PUT',
      '/api/customers/NEW01',
      { token, body: { name: 'Nouveau Client', email: 'nouveau@example.fr', dematRefused: true } },
    );
    assert.equal(updated.status, 200, JSON.stringify(updated.body));
    assert.equal(updated.body.dematRefused, true);
    const dup = await call<{ code: string }>(server.url, 'POST', '/api/customers', {
      token,
      body: { code: 'NEW01', name: 'Doublon' },
    });
    assert.equal(dup.status, 409);
    assert.equal(dup.body.code, 'DUPLICATE_CODE');

    const sellers = await call<{ items: { sellerCode: string }[] }>(server.url, 'GET', '/api/sellers', {
      token,
    });
    assert.ok(
      sellers.body.items.some((s) => s.sellerCode === 'V01'),
      'le vendeur V01 est listé',
    );

    const health = await call<{ status: string; database: { ok: boolean } }>(
      server.url,
      'GET',
      '/api/health',
    );
    assert.equal(health.status, 200);
    assert.equal(health.body.database.ok, true);

    const info = await call<{ product: string; version: string; certification: string; digest: string }>(
      server.url,
      'GET',
      '/api/info',
    );
    assert.equal(info.status, 200, 'l’écran d’information se lit sans session');
    assert.equal(info.body.product, 'Comptoir');
    assert.equal(info.body.certification, 'non certifié');
    assert.match(info.body.digest, /^[0-9a-f]{64}$/);

    const doc = await call<{ openapi: string; paths: Record<string, Record<string, unknown>> }>(
      server.url,
      'GET',
      '/api/openapi.json',
    );
    assert.equal(doc.status, 200);
    assert.match(doc.body.openapi, /^3\./);
    const lines = doc.body.paths['/api/tickets/{id}/lines']?.post as
      | { requestBody?: { content?: Record<string, { schema?: { additionalProperties?: unknown } }> } }
      | undefined;
    assert.equal(
      lines?.requestBody?.content?.['application/json']?.schema?.additionalProperties,
      false,
      'le document dit que les champs inconnus sont refusés',
    );
  });
});
