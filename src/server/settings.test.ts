/**
 * The settings over real HTTP: read (the SMTP password never answered), changed in part with the
 * right `manage_settings` (each part journaled as JET 1030 naming its fields), refused without the
 * right or with bad input, with nothing written.
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
let cashier: string;
let admin: string;

before(async () => {
  server = await startTestServer({ registers: 2 });
  cashier = await login(server.url, 'CAISSE1', PINS.cashier);
  admin = await login(server.url, 'ADMIN', PINS.admin);
});
after(async () => {
  await server.close();
});

interface Settings {
  store: Record<string, string>;
  registers: { number: number; name: string; settings: Record<string, unknown> }[];
  paymentModes: { code: string; label: string; active: boolean }[];
  receipt: { forceEmail: boolean; reprint: { freeReason: boolean; reasons: string[] } };
  smtp: { host: string; port: number; user: string; passwordSet: boolean } | null;
}

/** Everything the settings live in, and the count of journal records. */
async function state(): Promise<string> {
  const parts: unknown[] = [await countRecords(server.db, 'JET')];
  for (const table of ['stores', 'registers', 'payment_modes', 'mail_settings']) {
    parts.push((await sql`select * from ${sql.table(table)} order by 1`.execute(server.db)).rows);
  }
  return JSON.stringify(parts);
}

async function settingsEvents(): Promise<string[]> {
  const rows = await server.db
    .selectFrom('journal')
    .select('payload')
    .where('chain', '=', 'JET')
    .where('payload', 'like', '%"code":1030,%')
    .orderBy('sequence')
    .execute();
  return rows.map((r) => (JSON.parse(r.payload) as { data: string }).data);
}

test('GET: the store, its registers, payment modes, receipt settings; no SMTP yet', async () => {
  const answer = await call<Settings>(server.url, 'GET', '/api/settings', { token: cashier });
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  assert.equal(answer.body.store.code, 'MAG1');
  assert.deepEqual(
    answer.body.registers.map((r) => r.number),
    [1, 2],
  );
  assert.equal(answer.body.registers[0]?.settings.discountLimitPercent, 1000);
  assert.ok(answer.body.paymentModes.some((m) => m.code === 'CARD' && m.label === 'Carte bancaire'));
  assert.equal(answer.body.receipt.reprint.freeReason, true);
  assert.equal(answer.body.smtp, null);
  const refused = await call(server.url, 'GET', '/api/settings?all=1', { token: cashier });
  assert.equal(refused.status, 400);
});

test('PUT without the right: 403, nothing changed but the refusal event', async () => {
  const events = await settingsEvents();
  const store = await server.db.selectFrom('stores').selectAll().execute();
  const answer = await call<{ code: string; message: string }>(server.url, 'PUT', '/api/settings', {
    token: cashier,
    body: { store: { phone: '01 23 45 67 89' } },
  });
  assert.equal(answer.status, 403, JSON.stringify(answer.body));
  assert.equal(answer.body.code, 'RIGHT_REQUIRED');
  assert.match(answer.body.message, /paramètres/);
  assert.deepEqual(await server.db.selectFrom('stores').selectAll().execute(), store);
  assert.deepEqual(await settingsEvents(), events);
});

test('bad input: 4xx in French, nothing written', async () => {
  const before = await state();
  const cases: [unknown, number, string][] = [
    [{ store: { siret: '123' } }, 400, 'INVALID_INPUT'],
    [{ store: { code: 'AUTRE' } }, 400, 'INVALID_INPUT'],
    [{ store: { phone: '01' }, registers: [{ number: 9 }] }, 404, 'UNKNOWN_REGISTER'],
    [{ registers: [{ number: 1, settings: { discountLimitPercent: 20_000 } }] }, 400, 'INVALID_INPUT'],
    [
      { registers: [{ number: 1, settings: { receiptOptions: { showColour: true } } }] },
      400,
      'INVALID_INPUT',
    ],
    // The register's receipt threshold is gone: the per-country one of the receipt settings acts.
    [{ registers: [{ number: 1, settings: { receiptThreshold: 500 } }] }, 400, 'INVALID_INPUT'],
    [{ registers: [{ number: 1, defaultCustomerCode: 'NOPE0000' }] }, 404, 'UNKNOWN_CUSTOMER'],
    [{ paymentModes: [{ code: 'NOPE', label: 'Rien' }] }, 404, 'UNKNOWN_PAYMENT_MODE'],
    [{ paymentModes: [{ code: 'CARD', excess: 'tout' }] }, 400, 'INVALID_INPUT'],
    [{ receipt: { retry: { days: 0 } } }, 400, 'INVALID_INPUT'],
    [{ smtp: { host: 'mauvais hôte!' } }, 400, 'INVALID_INPUT'],
    [{ smtp: { port: 25 } }, 400, 'INVALID_INPUT'],
    [{ store: { name: '' } }, 400, 'INVALID_INPUT'],
  ];
  for (const [body, status, code] of cases) {
    const answer = await call<{ code: string; message: string }>(server.url, 'PUT', '/api/settings', {
      token: admin,
      body,
    });
    assert.equal(answer.status, status, `${JSON.stringify(body)} → ${JSON.stringify(answer.body)}`);
    assert.equal(answer.body.code, code);
    assert.ok(answer.body.message.length > 0);
  }
  assert.equal(await state(), before);
});

/** A 9 % discount on a new ticket's line, by the cashier: its status; the ticket is then abandoned. */
async function discountOfNine(): Promise<number> {
  const opened = await call<{ id: string }>(server.url, 'POST', '/api/tickets', { token: cashier, body: {} });
  const path = `/api/tickets/${opened.body.id}`;
  await call(server.url, 'POST', `${path}/lines`, { token: cashier, body: { text: 'BOI0001' } });
  const discount = await call(server.url, 'POST', `${path}/discount`, {
    token: cashier,
    body: { percent: 900 },
  });
  await call(server.url, 'POST', `${path}/abandon`, { token: cashier, body: {} });
  return discount.status;
}

test('PUT with the right: each part changed is written and journaled; the password never answered', async () => {
  assert.equal(await discountOfNine(), 200, 'under the 10 % limit of register 1');
  const events = await settingsEvents();
  const answer = await call<Settings>(server.url, 'PUT', '/api/settings', {
    token: admin,
    body: {
      store: { phone: '01 23 45 67 89', name: 'Épicerie du coin' },
      registers: [{ number: 1, settings: { discountLimitPercent: 500, receipt: { copies: 2 } } }],
      paymentModes: [{ code: 'CARD', label: 'CB' }],
      receipt: { reprint: { freeReason: false, reasons: ['Ticket perdu'] } },
      smtp: { host: 'smtp.exemple.fr', port: 587, user: 'boutique', password: 'motdepasse-secret' },
    },
  });
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  assert.equal(answer.body.store.phone, '01 23 45 67 89');
  const register = answer.body.registers.find((r) => r.number === 1);
  assert.equal(register?.settings.discountLimitPercent, 500);
  assert.deepEqual(register?.settings.receipt, { askBeforePrinting: true, offerEmail: true, copies: 2 });
  assert.equal(register?.settings.sellerMandatory, false, 'the other options are kept');
  assert.ok(answer.body.paymentModes.some((m) => m.code === 'CARD' && m.label === 'CB'));
  assert.deepEqual(answer.body.receipt.reprint, { freeReason: false, reasons: ['Ticket perdu'] });
  assert.deepEqual(answer.body.smtp, {
    host: 'smtp.exemple.fr',
    port: 587,
    security: 'starttls',
    user: 'boutique',
    passwordSet: true,
  });
  assert.doesNotMatch(JSON.stringify(answer.body), /motdepasse-secret/);
  const read = await call<Settings>(server.url, 'GET', '/api/settings', { token: cashier });
  assert.doesNotMatch(JSON.stringify(read.body), /motdepasse-secret/);
  assert.equal(read.body.smtp?.passwordSet, true);

  const added = (await settingsEvents()).slice(events.length);
  assert.deepEqual(added, [
    'paramètres modifiés : magasin : name, phone',
    'paramètres modifiés : caisse 1 : settings.discountLimitPercent, settings.receipt.copies',
    'paramètres modifiés : mode de règlement CARD : label',
    'paramètres modifiés : tickets et e-mails : reprint.freeReason, reprint.reasons',
    'paramètres modifiés : serveur SMTP : host, port, security, user, password',
  ]);
  const jet = await server.db
    .selectFrom('journal')
    .select('payload')
    .where('chain', '=', 'JET')
    .orderBy('sequence', 'desc')
    .executeTakeFirstOrThrow();
  assert.match(jet.payload, /"operator":"ADMIN"/);

  // A part of the SMTP server alone: the rest is kept.
  const port = await call<Settings>(server.url, 'PUT', '/api/settings', {
    token: admin,
    body: { smtp: { port: 465, security: 'tls' } },
  });
  assert.equal(port.status, 200, JSON.stringify(port.body));
  assert.deepEqual(port.body.smtp, {
    host: 'smtp.exemple.fr',
    port: 465,
    security: 'tls',
    user: 'boutique',
    passwordSet: true,
  });
  assert.equal((await settingsEvents()).at(-1), 'paramètres modifiés : serveur SMTP : port, security');

  // The same change again changes nothing and journals nothing.
  const again = await call<Settings>(server.url, 'PUT', '/api/settings', {
    token: admin,
    body: { store: { phone: '01 23 45 67 89' }, paymentModes: [{ code: 'CARD', label: 'CB' }] },
  });
  assert.equal(again.status, 200);
  assert.equal((await settingsEvents()).length, events.length + 6);

  // The register's new discount limit (5 %) applies at once: 9 % now needs a manager's code.
  assert.equal(await discountOfNine(), 403);

  // The reprint reasons now come from the list only.
  const sale = await validatedSale(server.url, cashier, 'settings-sale-1');
  const refused = await call<{ code: string }>(
    server.url,
    'POST',
    `/api/sales/1/${sale.sale?.number}/reprint`,
    {
      token: cashier,
      body: { reason: 'Autre chose' },
    },
  );
  assert.equal(refused.status, 422, JSON.stringify(refused.body));
  assert.equal(refused.body.code, 'INVALID_REASON');
});
