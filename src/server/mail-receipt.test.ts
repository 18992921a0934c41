/**
 * The e-mail receipt through the API: a sale validated over HTTP, the customer's choice « Poster le
 * ticket par e-mail », the message queued in the outbox and delivered by the server's own worker to a
 * real SMTP server over TCP, its PDF attached.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type SmtpSink, startSmtpSink } from '../mail/testing/smtp-sink.ts';
import { createArticle } from '../store/catalogue.ts';
import { countRows } from '../store/test-dialects.ts';
import { mailReceipts } from './mail-adapter.ts';
import { call, login, PINS, startTestServer, type TestServer, validatedSale, waitFor } from './testing.ts';
import type { TicketView } from './ticket-view.ts';

let server: TestServer;
let sink: SmtpSink;
let token: string;

before(async () => {
  sink = await startSmtpSink();
  server = await startTestServer({
    registers: 1,
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

  test('« option en caisse »: the gift ticket in its own e-mail; the invoice instead of the ticket', async () => {
    const subjectsOf = async (key: string, option: string, customer?: string) => {
      const before = sink.accepted().length;
      const { id } = await ok('/api/tickets', {});
      const t = (path: string) => `/api/tickets/${id}/${path}`;
      if (customer !== undefined) await ok(t('customer'), { text: customer });
      await ok(t('lines'), { text: 'BOI0001' });
      const total = await ok(t('total'));
      await ok(t('payments'), { mode: 'CARD', amount: total.totals.ttc });
      await ok(t('validate'), { idempotencyKey: key });
      await ok(`/api/tickets/${id}/receipt`, { choice: 'email', email: 'option@exemple.fr', option });
      const expected = option === 'ticket+gift' ? 2 : 1;
      const messages = await waitFor(`${expected} e-mail(s) pour ${option}`, () => {
        const mine = sink.accepted().slice(before);
        return mine.length >= expected ? mine : undefined;
      });
      // Nothing more arrives than the option asks.
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(sink.accepted().length - before, expected, option);
      return (await Promise.all(messages.map((m) => sink.parse(m)))).map((p) => p.subject ?? '').sort();
    };
    const gift = await subjectsOf('mail-test-option-gift', 'ticket+gift');
    assert.ok(
      gift.some((subject) => subject.startsWith('Votre ticket à donner avec votre cadeau de ')),
      gift.join(' | '),
    );
    assert.ok(
      gift.some((subject) => /^Votre ticket de /.test(subject)),
      gift.join(' | '),
    );
    const invoice = await subjectsOf('mail-test-option-invoice', 'invoice', 'C00001');
    assert.match(invoice[0] ?? '', /^Votre facture de /);
    // Without an identified customer there is no invoice: the ticket goes.
    const counter = await subjectsOf('mail-test-option-counter', 'invoice');
    assert.match(counter[0] ?? '', /^Votre ticket de /);
    const bad = await call<{ code: string }>(
      server.url,
      'POST',
      '/api/tickets/00000000-0000-4000-8000-000000000000/receipt',
      {
        token,
        body: { choice: 'email', email: 'x@exemple.fr', option: 'facture' },
      },
    );
    assert.equal(bad.status, 400);
  });

  test('a sale that issues a gift card and a service ticket e-mails each, built from the journal', async () => {
    const now = new Date();
    // The test store has only its 20 % rate; a real gift card is sold outside VAT.
    await createArticle(
      server.db,
      { ref: 'CARTE50', designation: 'Carte cadeau 50 €', vatRate: 2000, price: 5000, issues: 'gift-card' },
      now,
    );
    await createArticle(
      server.db,
      { ref: 'OURLET', designation: 'Retouche ourlet', vatRate: 2000, price: 1200, issues: 'service' },
      now,
    );
    const before = sink.accepted().length;
    const { id } = await ok('/api/tickets', {});
    const t = (path: string) => `/api/tickets/${id}/${path}`;
    await ok(t('lines'), { text: 'CARTE50' });
    await ok(t('lines'), { text: 'OURLET' });
    const total = await ok(t('total'));
    await ok(t('payments'), { mode: 'CARD', amount: total.totals.ttc });
    await ok(t('validate'), { idempotencyKey: 'mail-test-issued-1' });
    await ok(`/api/tickets/${id}/receipt`, { choice: 'email', email: 'cadeau@exemple.fr' });
    const messages = await waitFor('les trois e-mails de la vente', () => {
      const mine = sink.accepted().slice(before);
      return mine.length >= 3 ? mine : undefined;
    });
    const subjects = (await Promise.all(messages.map((m) => sink.parse(m)))).map((p) => p.subject ?? '');
    subjects.sort();
    assert.equal(subjects.length, 3, subjects.join(' | '));
    assert.match(subjects.join('\n'), /^Votre carte cadeau de /m, 'la carte cadeau part dans son e-mail');
    assert.match(
      subjects.join('\n'),
      /^Votre ticket de ticket de retouche de /m,
      'le ticket de retouche aussi',
    );
    assert.match(subjects.join('\n'), /^Votre ticket de (?!ticket)/m, 'et le ticket de caisse');
  });
});
