import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import Fastify from 'fastify';
import { staticRoutes } from './static.ts';
import { call, login, PINS, startTestServer } from './testing.ts';

test('the front end is served beside the API: files, index.html for the browser’s routes, no escape', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'comptoir-web-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Comptoir</title>');
  writeFileSync(join(dir, 'assets', 'index-abc.js'), 'console.log(1)');
  writeFileSync(join(tmpdir(), 'comptoir-secret.txt'), 'secret');
  const app = Fastify();
  app.setNotFoundHandler((_request, reply) => reply.code(404).send({ code: 'ROUTE_NOT_FOUND' }));
  staticRoutes(app, dir);
  try {
    const page = await app.inject({ method: 'GET', url: '/' });
    assert.equal(page.statusCode, 200);
    assert.match(String(page.headers['content-type']), /text\/html/);
    assert.equal(page.headers['cache-control'], 'no-cache');
    const asset = await app.inject({ method: 'GET', url: '/assets/index-abc.js' });
    assert.equal(asset.statusCode, 200);
    assert.match(String(asset.headers['content-type']), /javascript/);
    assert.match(String(asset.headers['cache-control']), /immutable/);
    const route = await app.inject({ method: 'GET', url: '/gestion/ventes?x=1' });
    assert.equal(route.body, '<!doctype html><title>Comptoir</title>', 'a browser route gets the page');
    const api = await app.inject({ method: 'GET', url: '/api/nothing' });
    assert.equal(api.statusCode, 404, 'an unknown API route stays a 404');
    const outside = await app.inject({ method: 'GET', url: '/..%2Fcomptoir-secret.txt' });
    assert.doesNotMatch(outside.body, /secret/, 'no file outside the folder');
  } finally {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
    rmSync(join(tmpdir(), 'comptoir-secret.txt'), { force: true });
  }
});

test('GET /api/register: the register, its limits, its payment modes in order, its receipt settings; session required', async () => {
  const server = await startTestServer();
  try {
    const anonymous = await call(server.url, 'GET', '/api/register');
    assert.equal(anonymous.status, 401);
    const token = await login(server.url, 'CAISSE1', PINS.cashier);
    const answer = await call<{
      number: number;
      defaultCustomer: string;
      discountLimitPercent: number | null;
      paymentModes: { code: string; label: string; opensDrawer: boolean }[];
      receipt: unknown;
    }>(server.url, 'GET', '/api/register', { token });
    assert.equal(answer.status, 200);
    assert.equal(answer.body.number, 1);
    assert.equal(answer.body.defaultCustomer, 'DIVERS');
    assert.equal(answer.body.discountLimitPercent, 1000);
    assert.deepEqual(
      answer.body.paymentModes.map((m) => m.code),
      ['CASH', 'CARD', 'CHEQUE', 'CREDIT_NOTE', 'GIFT_CARD'],
    );
    assert.equal(answer.body.paymentModes[0]?.label, 'Espèces');
    assert.equal(answer.body.paymentModes[0]?.opensDrawer, true);
    const extra = await call(server.url, 'GET', '/api/register?x=1', { token });
    assert.equal(extra.status, 400, 'an unknown query parameter is refused');
    assert.deepEqual(
      answer.body.receipt,
      { askBeforePrinting: true, offerEmail: true },
      'asked, e-mail offered',
    );
    // The register's receipt settings, changed in the back office, reach the register screen.
    const admin = await login(server.url, 'ADMIN', PINS.admin);
    const saved = await call(server.url, 'PUT', '/api/settings', {
      token: admin,
      body: {
        registers: [{ number: 1, settings: { receipt: { askBeforePrinting: false, offerEmail: false } } }],
      },
    });
    assert.equal(saved.status, 200, JSON.stringify(saved.body));
    const after = await call<{ receipt: unknown }>(server.url, 'GET', '/api/register', { token });
    assert.deepEqual(after.body.receipt, { askBeforePrinting: false, offerEmail: false });
  } finally {
    await server.close();
  }
});
