/**
 * The back office's e-mail routes over real HTTP: a receipt e-mailed again (a journaled duplicate,
 * delivered by the server's worker to a real SMTP server with the signed duplicate PDF), the outbox
 * list and the manual retry, with their refusals (no right, bad input: nothing written).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type SmtpSink, startSmtpSink } from '../mail/testing/smtp-sink.ts';
import { readJournalKeysDir, verifyReceiptPdf } from '../receipts/verify-pdf.ts';
import { countRows } from '../store/test-dialects.ts';
import { mailReceipts } from './mail-adapter.ts';
import {
  call,
  countRecords,
  login,
  MANAGER,
  PINS,
  startTestServer,
  type TestServer,
  validatedSale,
  waitFor,
} from './testing.ts';

let server: TestServer;
let sink: SmtpSink;
let cashier: string;
let seller: string;
/** Recipients the SMTP server refuses for good (550) while they are listed. */
const refused = new Set<string>();

before(async () => {
  sink = await startSmtpSink({
    respond: (raw) => {
      const text = raw.toString('latin1');
      for (const address of refused) {
        if (text.includes(`To: ${address}`)) return { code: 550, message: 'Boîte inconnue' };
      }
      return undefined;
    },
  });
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
  await server.db
    .updateTable('stores')
    .set({ email: 'boutique@exemple.fr', siret: '12345678900011' })
    .execute();
  cashier = await login(server.url, 'CAISSE1', PINS.cashier);
  seller = await login(server.url, 'V01', PINS.seller);
});
after(async () => {
  await server.close();
  await sink.close();
});

/** A validated sale's number. */
async function sale(key: string, customer?: string): Promise<number> {
  const ticket = await validatedSale(server.url, cashier, key, customer);
  return ticket.sale?.number ?? assert.fail('pas de vente');
}

/** What a refused request must leave as it was. */
async function written(): Promise<string> {
  return JSON.stringify([
    await countRecords(server.db, 'DUPLICATE'),
    await countRows(server.db, 'mail_outbox'),
  ]);
}

interface Outbox {
  items: { id: number; to: string; status: string; kind: string; lastError: string | null }[];
  counts: { pending: number; sent: number; failed: number };
}

describe('POST /api/sales/:register/:number/email', () => {
  test('queues the signed duplicate for the address given; the server sends it', async () => {
    const number = await sale('mail-again-ok-1');
    const answer = await call<{ outboxId: number; to: string }>(
      server.url,
      'POST',
      `/api/sales/1/${number}/email`,
      { token: cashier, body: { to: 'Client@Exemple.fr', reason: 'Ticket perdu' } },
    );
    assert.equal(answer.status, 202, JSON.stringify(answer.body));
    assert.equal(answer.body.to, 'Client@exemple.fr');
    const duplicate = await server.db
      .selectFrom('journal')
      .select('payload')
      .where('chain', '=', 'DUPLICATE')
      .orderBy('sequence', 'desc')
      .executeTakeFirstOrThrow();
    assert.match(duplicate.payload, /"reason":"Ticket perdu"/);
    const message = await waitFor('le duplicata reçu par le serveur SMTP', () =>
      sink.accepted().find((m) => m.to.includes('Client@exemple.fr')),
    );
    const parsed = await sink.parse(message);
    const pdf = parsed.attachments[0]?.content ?? assert.fail('pas de pièce jointe');
    const report = await verifyReceiptPdf(pdf, readJournalKeysDir(join(server.dir, 'keys')));
    assert.ok(report.ok, JSON.stringify(report.checks));
    assert.match(report.summary ?? '', /^DUPLICATA /);
  });

  test('without an address: the customer’s, only with their consent', async () => {
    const counter = await sale('mail-again-counter-1');
    const before = await written();
    const refusedAnswer = await call<{ code: string; message: string }>(
      server.url,
      'POST',
      `/api/sales/1/${counter}/email`,
      { token: cashier, body: {} },
    );
    assert.equal(refusedAnswer.status, 422, JSON.stringify(refusedAnswer.body));
    assert.equal(refusedAnswer.body.code, 'EMAIL_REQUIRED');
    assert.match(refusedAnswer.body.message, /Adresse e-mail manquante/);
    assert.equal(await written(), before);

    const customer = await server.db
      .selectFrom('customers')
      .select('code')
      .where('code', '!=', 'DIVERS')
      .orderBy('code')
      .executeTakeFirstOrThrow();
    await server.db
      .updateTable('customers')
      .set({ email: 'fidele@exemple.fr', consent_email_receipts: 1 })
      .where('code', '=', customer.code)
      .execute();
    const number = await sale('mail-again-customer-1', customer.code);
    const answer = await call<{ outboxId: number; to: string }>(
      server.url,
      'POST',
      `/api/sales/1/${number}/email`,
      { token: cashier, body: {} },
    );
    assert.equal(answer.status, 202, JSON.stringify(answer.body));
    assert.equal(answer.body.to, 'fidele@exemple.fr');
  });

  test('bad input is refused in French and nothing is written', async () => {
    const number = await sale('mail-again-bad-1');
    const before = await written();
    const cases: [string, unknown, number, string][] = [
      [`/api/sales/1/${number}/email`, { to: 'client@exemple' }, 400, 'INVALID_EMAIL'],
      [`/api/sales/1/${number}/email`, { to: 'a@b.fr', extra: 1 }, 400, 'INVALID_INPUT'],
      [`/api/sales/1/${number}/email`, { reason: 42 }, 400, 'INVALID_INPUT'],
      [`/api/sales/1/999999/email`, { to: 'a@exemple.fr' }, 404, 'SALE_NOT_FOUND'],
      ['/api/sales/1/abc/email', { to: 'a@exemple.fr' }, 400, 'INVALID_INPUT'],
    ];
    for (const [path, body, status, code] of cases) {
      const answer = await call<{ code: string; message: string }>(server.url, 'POST', path, {
        token: cashier,
        body,
      });
      assert.equal(answer.status, status, `${path} ${JSON.stringify(body)} → ${JSON.stringify(answer.body)}`);
      assert.equal(answer.body.code, code);
      assert.ok(answer.body.message.length > 0);
    }
    assert.equal(await written(), before);
  });

  test('a user without the reprint right is refused; a manager’s code on the spot allows it', async () => {
    const number = await sale('mail-again-right-1');
    const before = await written();
    const refusedAnswer = await call<{ code: string }>(server.url, 'POST', `/api/sales/1/${number}/email`, {
      token: seller,
      body: { to: 'client@exemple.fr' },
    });
    assert.equal(refusedAnswer.status, 403, JSON.stringify(refusedAnswer.body));
    assert.equal(refusedAnswer.body.code, 'RIGHT_REQUIRED');
    assert.equal(await written(), before);
    const granted = await call<{ outboxId: number }>(server.url, 'POST', `/api/sales/1/${number}/email`, {
      token: seller,
      body: { to: 'client@exemple.fr', authorization: { userCode: MANAGER.code, pin: MANAGER.pin } },
    });
    assert.equal(granted.status, 202, JSON.stringify(granted.body));
    const duplicate = await server.db
      .selectFrom('journal')
      .select('payload')
      .where('chain', '=', 'DUPLICATE')
      .orderBy('sequence', 'desc')
      .executeTakeFirstOrThrow();
    assert.match(duplicate.payload, /"operator":"RESP"/);
    assert.match(duplicate.payload, /"reason":"Envoi par e-mail"/);
  });
});

describe('the outbox', () => {
  test('lists messages with their status and counts; a failed one is retried with the right', async () => {
    refused.add('absent@exemple.fr');
    const number = await sale('outbox-1');
    const queued = await call<{ outboxId: number }>(server.url, 'POST', `/api/sales/1/${number}/email`, {
      token: cashier,
      body: { to: 'absent@exemple.fr' },
    });
    assert.equal(queued.status, 202, JSON.stringify(queued.body));
    const id = queued.body.outboxId;
    const failed = await waitFor('l’échec définitif', () =>
      sink.messages.some((m) => m.to.includes('absent@exemple.fr') && m.code === 550) ? true : undefined,
    );
    assert.ok(failed);
    let list: Outbox | undefined;
    for (let i = 0; i < 200; i += 1) {
      const answer = await call<Outbox>(server.url, 'GET', '/api/outbox?status=failed', { token: cashier });
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      if (answer.body.items.some((item) => item.id === id)) {
        list = answer.body;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const item = list?.items.find((i) => i.id === id) ?? assert.fail('e-mail en échec absent de la liste');
    assert.equal(item.status, 'failed');
    assert.equal(item.kind, 'ticket');
    assert.match(item.lastError ?? '', /550/);
    assert.ok((list?.counts.failed ?? 0) >= 1);
    const all = await call<Outbox>(server.url, 'GET', '/api/outbox', { token: cashier });
    assert.ok(all.body.counts.sent >= 1, JSON.stringify(all.body.counts));
    assert.ok(all.body.items.every((i) => typeof i.to === 'string'));

    // The cashier lacks `manage_settings`: refused, nothing changed.
    const before = await server.db
      .selectFrom('mail_outbox')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    const denied = await call<{ code: string }>(server.url, 'POST', `/api/outbox/${id}/retry`, {
      token: cashier,
    });
    assert.equal(denied.status, 403, JSON.stringify(denied.body));
    assert.equal(denied.body.code, 'RIGHT_REQUIRED');
    const after = await server.db
      .selectFrom('mail_outbox')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    assert.deepEqual(after, before);

    refused.delete('absent@exemple.fr');
    const retried = await call<{ id: number; status: string; nextAttemptAt: string }>(
      server.url,
      'POST',
      `/api/outbox/${id}/retry`,
      { token: cashier, body: { authorization: { userCode: 'ADMIN', pin: PINS.admin } } },
    );
    assert.equal(retried.status, 200, JSON.stringify(retried.body));
    assert.equal(retried.body.id, id);
    assert.equal(retried.body.status, 'queued');
    await waitFor('le nouvel essai accepté', () =>
      sink.accepted().find((m) => m.to.includes('absent@exemple.fr')),
    );
  });

  test('retry: unknown id 404, a sent message 409, bad input 400', async () => {
    const sent = await server.db
      .selectFrom('mail_outbox')
      .select('id')
      .where('status', '=', 'sent')
      .executeTakeFirstOrThrow();
    const admin = await login(server.url, 'ADMIN', PINS.admin);
    const before = JSON.stringify(await server.db.selectFrom('mail_outbox').selectAll().execute());
    const cases: [string, unknown, number, string][] = [
      ['/api/outbox/999999/retry', {}, 404, 'UNKNOWN_JOB'],
      [`/api/outbox/${sent.id}/retry`, {}, 409, 'NOT_RETRYABLE'],
      ['/api/outbox/abc/retry', {}, 400, 'INVALID_INPUT'],
      [`/api/outbox/${sent.id}/retry`, { force: true }, 400, 'INVALID_INPUT'],
    ];
    for (const [path, body, status, code] of cases) {
      const answer = await call<{ code: string }>(server.url, 'POST', path, { token: admin, body });
      assert.equal(answer.status, status, `${path} → ${JSON.stringify(answer.body)}`);
      assert.equal(answer.body.code, code);
    }
    const list = await call<{ code: string }>(server.url, 'GET', '/api/outbox?status=lost', { token: admin });
    assert.equal(list.status, 400);
    assert.equal(list.body.code, 'INVALID_INPUT');
    const noSession = await call<{ code: string }>(server.url, 'GET', '/api/outbox');
    assert.equal(noSession.status, 401);
    assert.equal(JSON.stringify(await server.db.selectFrom('mail_outbox').selectAll().execute()), before);
  });
});
