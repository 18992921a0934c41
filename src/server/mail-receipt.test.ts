/**
 * The e-mail receipt through the API: a sale validated over HTTP, the customer's choice « Poster le
 * ticket par e-mail », the message queued in the outbox and delivered by the server's own worker to a
 * real SMTP server over TCP, its PDF attached.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type SmtpSink, startSmtpSink } from '../mail/testing/smtp-sink.ts';
import { countRows } from '../store/test-dialects.ts';
import { mailReceipts } from './mail-adapter.ts';
import {
  call,
  login,
  PINS,
  startTestServer,
  storeTemplate,
  type TestServer,
  validatedSale,
  waitFor,
} from './testing.ts';
import type { TicketView } from './ticket-view.ts';

let template: Awaited<ReturnType<typeof storeTemplate>>;
let server: TestServer;
let sink: SmtpSink;
let token: string;

before(async () => {
  sink = await startSmtpSink();
  template = await storeTemplate(1);
  server = await startTestServer({
    template: template.dir,
    receipts: (db, journal) =>
      mailReceipts(db, {
        journal,
        software: { name: 'Comptoir', version: 'test' },
        env: { SMTP_URL: sink.url },
        pollMs: 50,
      }),
  });
  // The sender is the store's sign and e-mail (seed 000): the test store gets its address.
  await server.db.updateTable('stores').set({ email: 'boutique@exemple.fr' }).execute();
  token = await login(server.url, 'CAISSE1', PINS.cashier);
});
after(async () => {
  await server.close();
  await sink.close();
  template.remove();
});

async function ok(path: string, body?: unknown): Promise<TicketView> {
  const answer = await call<TicketView>(server.url, 'POST', path, {
    token,
    ...(body === undefined ? {} : { body }),
  });
  assert.equal(answer.status, 200, `${path} : ${JSON.stringify(answer.body)}`);
  return answer.body;
}

/** A validated one-line sale paid by card; returns its id. */
async function sale(key: string): Promise<string> {
  return (await validatedSale(server.url, token, key)).id;
}

describe('the receipt by e-mail through the API', () => {
  test('an invalid address is refused with a French message and nothing is queued', async () => {
    const id = await sale('mail-test-bad-1');
    const answer = await call<{ code: string; message: string }>(
      server.url,
      'POST',
      `/api/tickets/${id}/receipt`,
      { token, body: { choice: 'email', email: 'client@exemple' } },
    );
    assert.equal(answer.status, 400, JSON.stringify(answer.body));
    assert.equal(answer.body.code, 'INVALID_INPUT');
    assert.match(answer.body.message, /adresse e-mail invalide/);
    assert.equal(await countRows(server.db, 'mail_outbox'), 0);
  });

  test('« Poster le ticket par e-mail »: queued, then delivered by the server with the signed PDF', async () => {
    const id = await sale('mail-test-ok-1');
    const ticket = await ok(`/api/tickets/${id}/receipt`, { choice: 'email', email: 'client@exemple.fr' });
    assert.equal(ticket.receipt?.choice, 'email');
    assert.equal(await countRows(server.db, 'mail_outbox'), 1);
    const message = await waitFor('le ticket reçu par le serveur SMTP', () => sink.accepted()[0]);
    assert.deepEqual(message.to, ['client@exemple.fr']);
    const parsed = await sink.parse(message);
    assert.match(parsed.subject ?? '', /^Votre ticket de /);
    assert.equal(parsed.attachments.length, 1);
    const pdf = parsed.attachments[0];
    assert.equal(pdf?.contentType, 'application/pdf');
    assert.ok(pdf?.content.subarray(0, 5).toString('latin1') === '%PDF-', 'la pièce jointe est un PDF');
    assert.match(parsed.text ?? '', /mentions légales/);
  });
});
