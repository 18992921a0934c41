/**
 * The e-mail receipt through the API: a sale validated over HTTP, the customer's choice « Poster le
 * ticket par e-mail », the message queued in the outbox and delivered by the server's own worker to a
 * real SMTP server over TCP, its PDF attached.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sendFromJournal } from '../cli/commands/mail.ts';
import { type SmtpSink, startSmtpSink } from '../mail/testing/smtp-sink.ts';
import { readJournalKeysDir, verifyReceiptPdf } from '../receipts/verify-pdf.ts';
import { createArticle } from '../store/catalogue.ts';
import { issuedOriginal, issueOriginals } from '../store/journal/index.ts';
import { countRows } from '../store/test-dialects.ts';
import { mailReceipts, OPTION_COPY_REASON, PAPER_COPY_REASON } from './mail-adapter.ts';
import {
  call,
  countRecords,
  login,
  PINS,
  startTestServer,
  type TestServer,
  validatedSale,
  waitFor,
} from './testing.ts';
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
    assert.match(answer.body.message, /adresse e-mail invalide/i);
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

/** The DUPLICATE records of the journal: `copy reason operator` of sale `number`. */
async function copiesOf(number: number): Promise<string[]> {
  const rows = await server.db
    .selectFrom('journal')
    .select('payload')
    .where('chain', '=', 'DUPLICATE')
    .where('ref_sequence', '=', number)
    .orderBy('sequence')
    .execute();
  return rows.map((r) => {
    const p = JSON.parse(r.payload) as { copyNumber: number; reason: string; operator: string };
    return `${p.copyNumber} ${p.reason} ${p.operator}`;
  });
}

describe('every copy after the original is a duplicate (issue 11 item 6)', () => {
  test('the receipt choice is made once: a repeated POST is refused, nothing more is queued', async () => {
    const validated = await validatedSale(server.url, token, 'mail-test-once-1');
    const number = validated.sale?.number ?? assert.fail('pas de vente');
    const path = `/api/tickets/${validated.id}/receipt`;
    await ok(path, { choice: 'email', email: 'une-fois@exemple.fr' });
    const ticket = { register: 1, chain: 'TICKET' as const, sequence: number, document: 'ticket' as const };
    assert.deepEqual(
      { ...(await issuedOriginal(server.db, ticket)), issuedAt: '' },
      { issuedAt: '', channel: 'email', operator: 'CAISSE1' },
      'the e-mail is the original, by the cashier',
    );
    const queued = await countRows(server.db, 'mail_outbox');
    for (const choice of ['email', 'print', 'none']) {
      const again = await call<{ code: string; message: string }>(server.url, 'POST', path, {
        token,
        body: { choice, email: 'une-fois@exemple.fr' },
      });
      assert.equal(again.status, 409, JSON.stringify(again.body));
      assert.equal(again.body.code, 'RECEIPT_ALREADY_CHOSEN');
      assert.match(
        again.body.message,
        new RegExp(
          `^Le choix du ticket n° ${number} est déjà fait \\(par e-mail, le .*\\) : toute nouvelle copie est un duplicata journalisé avec son motif — Réimpression \\(POST /api/sales/1/${number}/reprint\\)`,
        ),
      );
    }
    assert.equal(await countRows(server.db, 'mail_outbox'), queued, 'no second original queued');
    assert.deepEqual(await copiesOf(number), [], 'and no copy journaled');
  });

  test('paper and e-mail (« both »): the e-mail is the original, the paper ticket a journaled duplicate', async () => {
    const validated = await validatedSale(server.url, token, 'mail-test-both-1');
    const number = validated.sale?.number ?? assert.fail('pas de vente');
    const view = await ok(`/api/tickets/${validated.id}/receipt`, {
      choice: 'both',
      email: 'both@exemple.fr',
    });
    assert.equal(view.receipt?.printed, true);
    assert.equal(view.receipt?.duplicates.length, 1);
    assert.deepEqual(await copiesOf(number), [`1 ${PAPER_COPY_REASON} CAISSE1`]);
  });

  test('« Ticket + Ticket » on paper: the original printed, the second ticket a journaled duplicate', async () => {
    const validated = await validatedSale(server.url, token, 'mail-test-twice-1');
    const number = validated.sale?.number ?? assert.fail('pas de vente');
    const duplicates = await countRecords(server.db, 'DUPLICATE');
    const view = await ok(`/api/tickets/${validated.id}/receipt`, {
      choice: 'print',
      option: 'ticket+ticket',
    });
    assert.equal(view.receipt?.printed, true);
    assert.equal(view.receipt?.queued, null);
    assert.deepEqual(view.receipt?.duplicates, [duplicates + 1]);
    assert.deepEqual(await copiesOf(number), [`1 ${OPTION_COPY_REASON} CAISSE1`]);
    const printed = await issuedOriginal(server.db, {
      register: 1,
      chain: 'TICKET',
      sequence: number,
      document: 'ticket',
    });
    assert.equal(printed?.channel, 'print');
  });

  test('an original already handed over elsewhere refuses the choice (409 ALREADY_ISSUED), nothing queued', async () => {
    const validated = await validatedSale(server.url, token, 'mail-test-elsewhere-1');
    const number = validated.sale?.number ?? assert.fail('pas de vente');
    // As `comptoir receipt text N` would have done before the cashier chose.
    await issueOriginals(
      server.db,
      [{ register: 1, chain: 'TICKET', sequence: number, document: 'ticket' }],
      { at: new Date('2026-11-23T10:00:00Z'), channel: 'text', operator: '' },
    );
    const queued = await countRows(server.db, 'mail_outbox');
    const refused = await call<{ code: string; message: string }>(
      server.url,
      'POST',
      `/api/tickets/${validated.id}/receipt`,
      { token, body: { choice: 'email', email: 'ailleurs@exemple.fr' } },
    );
    assert.equal(refused.status, 409, JSON.stringify(refused.body));
    assert.equal(refused.body.code, 'ALREADY_ISSUED');
    assert.match(
      refused.body.message,
      /^L’original du ticket 1-0+\d+ a déjà été remis \(le 23\/11\/2026 à 10:00:00 UTC, en texte/,
    );
    assert.equal(await countRows(server.db, 'mail_outbox'), queued);
    // Refused, not recorded: the choice is still open, and the reprint is the way to a copy.
    const view = await call<{ receipt: unknown }>(server.url, 'GET', `/api/tickets/${validated.id}`, {
      token,
    });
    assert.equal(view.body.receipt, null);
  });

  test('comptoir mail send N: the original once, then only a copy asked with its reason and user', async () => {
    // A store without SIRET (the test store has none): its genuine PDF verifies all the same.
    assert.equal((await server.db.selectFrom('stores').select('siret').executeTakeFirstOrThrow()).siret, '');
    const validated = await validatedSale(server.url, token, 'mail-test-cli-1');
    const number = validated.sale?.number ?? assert.fail('pas de vente');
    const input = { ticket: `1-${number}`, to: 'cli@exemple.fr', storeId: 1 };
    const first = await sendFromJournal(server.db, server.dir, input);
    assert.equal(first.recipient, 'cli@exemple.fr');
    const before = JSON.stringify([await countRows(server.db, 'mail_outbox'), await copiesOf(number)]);
    await assert.rejects(sendFromJournal(server.db, server.dir, input), (error: Error) => {
      assert.match(error.message, /^Refusé : L’original du ticket 1-0+\d+ a déjà été remis \(.*par e-mail\)/);
      assert.match(
        error.message,
        /\nPour une copie : comptoir mail send 1-\d+ --to cli@exemple.fr --duplicate --reason "motif" --operator CODE$/,
      );
      return true;
    });
    await assert.rejects(
      sendFromJournal(server.db, server.dir, {
        ...input,
        duplicate: true,
        reason: 'Perdu',
        operator: 'NOBODY',
      }),
      /Utilisateur inconnu ou inactif : NOBODY/,
    );
    await assert.rejects(
      sendFromJournal(server.db, server.dir, { ...input, duplicate: true, operator: 'CAISSE1' }),
      /--duplicate demande le motif/,
    );
    assert.equal(
      JSON.stringify([await countRows(server.db, 'mail_outbox'), await copiesOf(number)]),
      before,
      'refusals write nothing',
    );
    const copy = await sendFromJournal(server.db, server.dir, {
      ...input,
      duplicate: true,
      reason: 'Ticket perdu',
      operator: 'CAISSE1',
    });
    assert.deepEqual(await copiesOf(number), ['1 Ticket perdu CAISSE1']);
    const message = await waitFor('la copie reçue par le serveur SMTP', () =>
      sink
        .accepted()
        .find((m) => m.to.includes('cli@exemple.fr') && m.raw.toString('latin1').includes(copy.message_id)),
    );
    const parsed = await sink.parse(message);
    const pdf = parsed.attachments[0]?.content ?? assert.fail('pas de pièce jointe');
    const report = await verifyReceiptPdf(pdf, readJournalKeysDir(join(server.dir, 'keys')));
    assert.ok(report.ok, JSON.stringify(report.checks));
    assert.match(report.summary ?? '', /^DUPLICATA /, 'the PDF sent is the copy');
  });
});
