/**
 * Printing at validation through the API (issue 15): the register's paper goes to its network
 * printer (a fake one on real TCP), the drawer pulse only for a cash sale, the « Copies » setting
 * adds journaled duplicates, and a printer that is off leaves the job waiting until it comes back;
 * the job then prints once.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { pendingPrintJobs } from '../receipts/print-queue.ts';
import { type FakePrinter, startFakePrinter } from '../receipts/testing/fake-printer.ts';
import { call, countRecords, login, PINS, startTestServer, type TestServer } from './testing.ts';
import type { TicketView } from './ticket-view.ts';

let server: TestServer;
let printer: FakePrinter;
let token: string;

async function setRegister(settings: Record<string, unknown>): Promise<void> {
  await server.db
    .updateTable('registers')
    .set({ settings: JSON.stringify(settings) })
    .where('number', '=', 1)
    .execute();
}

before(async () => {
  printer = await startFakePrinter();
  server = await startTestServer({ registers: 1 });
  await setRegister({ printer: { target: printer.target } });
  token = await login(server.url, 'CAISSE1', PINS.cashier);
});
after(async () => {
  await server.close();
  await printer.stop();
});

async function post(path: string, body?: unknown): Promise<TicketView> {
  const answer = await call<TicketView>(server.url, 'POST', path, {
    token,
    ...(body === undefined ? {} : { body }),
  });
  assert.equal(answer.status, 200, `${path} : ${JSON.stringify(answer.body)}`);
  return answer.body;
}

/** A one-line sale paid with `mode`, validated; its id. */
async function sale(key: string, mode: 'CASH' | 'CARD'): Promise<string> {
  const { id } = await post('/api/tickets', {});
  await post(`/api/tickets/${id}/lines`, { text: 'BOI0001' });
  const total = await post(`/api/tickets/${id}/total`);
  await post(`/api/tickets/${id}/payments`, { mode, amount: total.totals.ttc });
  await post(`/api/tickets/${id}/validate`, { idempotencyKey: key });
  return id;
}

describe('printing at validation', () => {
  test('a card sale on paper prints the ticket once, without opening the drawer', async () => {
    const before = printer.jobs.length;
    const id = await sale('print-card-1', 'CARD');
    const view = await post(`/api/tickets/${id}/receipt`, { choice: 'print' });
    assert.equal(view.receipt?.print?.printer, 'queue');
    assert.equal(view.receipt?.print?.error, null);
    await printer.waitForJobs(before + 1);
    const job = printer.jobs[before];
    assert.match(job?.text ?? '', /TICKET/);
    assert.match(job?.text ?? '', new RegExp(`${view.sale?.number ?? 'x'}`));
    assert.equal(job?.pulses, 0);
    assert.equal(job?.cuts, 1);
    assert.equal(printer.jobs.length, before + 1);
  });

  test('a cash sale opens the drawer, even with no paper', async () => {
    const before = printer.jobs.length;
    const id = await sale('print-cash-1', 'CASH');
    await post(`/api/tickets/${id}/receipt`, { choice: 'none' });
    await printer.waitForJobs(before + 1);
    assert.equal(printer.jobs[before]?.pulses, 1);
    assert.equal(printer.jobs[before]?.text.trim(), '');
  });

  test('the « Copies » setting prints journaled duplicates besides the original', async () => {
    await setRegister({ printer: { target: printer.target }, receipt: { copies: 2 } });
    try {
      const duplicates = await countRecords(server.db, 'DUPLICATE');
      const before = printer.jobs.length;
      const id = await sale('print-copies-1', 'CARD');
      const view = await post(`/api/tickets/${id}/receipt`, { choice: 'print' });
      assert.equal(view.receipt?.duplicates.length, 1);
      assert.equal(await countRecords(server.db, 'DUPLICATE'), duplicates + 1);
      await printer.waitForJobs(before + 2);
      assert.doesNotMatch(printer.jobs[before]?.text ?? '', /DUPLICATA/);
      assert.match(printer.jobs[before + 1]?.text ?? '', /DUPLICATA/);
    } finally {
      await setRegister({ printer: { target: printer.target } });
    }
  });

  test('a printer that is off keeps the job waiting; back on, a retry prints it once', async () => {
    await printer.stop();
    const before = printer.jobs.length;
    const id = await sale('print-off-1', 'CARD');
    const view = await post(`/api/tickets/${id}/receipt`, { choice: 'print' });
    assert.match(view.receipt?.print?.error ?? '', /injoignable/);
    const waiting = await pendingPrintJobs(server.db, 1);
    assert.equal(waiting.length, 1);
    assert.equal(waiting[0]?.status, 'waiting');
    await printer.start();
    const retried = await call<{ printed: number[]; error: string | null }>(
      server.url,
      'POST',
      '/api/registers/1/print-queue/retry',
      { token, body: {} },
    );
    assert.equal(retried.status, 200, JSON.stringify(retried.body));
    assert.deepEqual(retried.body.printed, [waiting[0]?.id]);
    await printer.waitForJobs(before + 1);
    const again = await call(server.url, 'POST', '/api/registers/1/print-queue/retry', { token, body: {} });
    assert.deepEqual(again.body, { printed: [], error: null, waiting: [] });
    assert.equal(printer.jobs.length, before + 1);
    assert.deepEqual(await pendingPrintJobs(server.db, 1), []);
  });

  test('a job left waiting goes out first with the paper of the next sale, each once', async () => {
    await printer.stop();
    const before = printer.jobs.length;
    const first = await sale('print-next-1', 'CARD');
    const waiting = await post(`/api/tickets/${first}/receipt`, { choice: 'print' });
    assert.notEqual(waiting.receipt?.print?.error, null);
    await printer.start();
    const second = await sale('print-next-2', 'CARD');
    const printed = await post(`/api/tickets/${second}/receipt`, { choice: 'print' });
    assert.equal(printed.receipt?.print?.error, null);
    await printer.waitForJobs(before + 2);
    assert.match(printer.jobs[before]?.text ?? '', new RegExp(`TICKET 1-0*${waiting.sale?.number}\\b`));
    assert.match(printer.jobs[before + 1]?.text ?? '', new RegExp(`TICKET 1-0*${printed.sale?.number}\\b`));
    assert.equal(printer.jobs.length, before + 2);
    assert.deepEqual(await pendingPrintJobs(server.db, 1), []);
  });
});
