import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, beforeEach, describe, it } from 'node:test';
import { exampleSale } from '../receipts/examples.ts';
import { countRows, DIALECTS, type TestDatabase } from '../store/test-dialects.ts';
import { isMailError } from './errors.ts';
import { claimDueJobs, getJob, recordResult, retryJob } from './outbox.ts';
import { insertStore, queueReceipt, STORE_EMAIL } from './testing/fixtures.ts';
import { type SinkReply, type SmtpSink, startSmtpSink } from './testing/smtp-sink.ts';
import { storeTransports, type WorkerOptions, workOnce } from './worker.ts';

const T0 = new Date('2026-11-23T13:40:58.000Z');
const at = (ms: number): Date => new Date(T0.getTime() + ms);
const MINUTE = 60_000;

/** poppler's pdftotext; missing only outside CI (CI installs poppler-utils). */
function pdfText(pdf: Buffer): string | undefined {
  const run = spawnSync('pdftotext', ['-layout', '-', '-'], { input: pdf, encoding: 'utf8' });
  if (run.error !== undefined) {
    assert.notEqual(process.env.CI, 'true', 'pdftotext is missing in CI: install poppler-utils');
    return undefined;
  }
  return run.stdout;
}

for (const dialect of DIALECTS) {
  describe(`${dialect.name}: the outbox worker against a real SMTP server`, () => {
    let test: TestDatabase;
    let storeId: number;
    let sink: SmtpSink;
    let replies: (SinkReply | undefined)[] = [];
    let clock = T0;

    const worker = (extra: Partial<WorkerOptions> = {}): WorkerOptions => ({
      db: test.db,
      transports: storeTransports(test.db, { SMTP_URL: sink.url }),
      clock: () => clock,
      ...extra,
    });
    const work = async (extra: Partial<WorkerOptions> = {}) => {
      const options = worker(extra);
      try {
        return await workOnce(options);
      } finally {
        options.transports.close();
      }
    };

    before(async () => {
      test = await dialect.open();
      storeId = await insertStore(test.db, T0);
      sink = await startSmtpSink({ respond: (_raw, index) => replies[index] });
    });
    after(async () => {
      await sink.close();
      await test.close();
    });
    beforeEach(async () => {
      await test.db.deleteFrom('mail_outbox').execute();
      sink.reset();
      replies = [];
      clock = T0;
    });

    it('delivers the receipt: headers, subject, bodies, and the PDF named after the subject', async () => {
      const job = await queueReceipt(test.db, storeId, exampleSale, 'lea@exemple.fr', T0);
      assert.equal(job.status, 'queued');
      assert.match(job.message_id, /^<[0-9a-f-]{36}@chaussures\.example>$/);
      assert.deepEqual(await work(), { sent: 1, retrying: 0, failed: 0, lost: 0 });

      assert.equal(sink.accepted().length, 1);
      const received = sink.messages[0];
      assert.ok(received !== undefined);
      assert.equal(received.from, STORE_EMAIL);
      assert.deepEqual(received.to, ['lea@exemple.fr']);
      const mail = await sink.parse(received);
      assert.equal(mail.messageId, job.message_id);
      assert.equal(mail.subject, 'Votre ticket de chaussures du 23/11/2026');
      assert.equal(mail.from?.value[0]?.name, 'CHAUSSURES');
      assert.equal(mail.from?.value[0]?.address, STORE_EMAIL);
      assert.equal(mail.date?.toISOString(), T0.toISOString());
      assert.ok(mail.text?.startsWith('Votre ticket simplifié :'), mail.text);
      assert.ok(
        mail.text?.includes(
          'Veuillez consulter la pièce jointe pour obtenir le ticket comportant les mentions légales.',
        ),
      );
      assert.ok(
        typeof mail.html === 'string' && mail.html.includes('157,90 €'),
        'HTML alternative with the total',
      );
      assert.equal(mail.attachments.length, 1);
      const attachment = mail.attachments[0];
      assert.ok(attachment !== undefined);
      assert.equal(attachment.filename, 'Votre ticket de chaussures du 23_11_2026.pdf');
      assert.equal(attachment.contentType, 'application/pdf');
      assert.ok(
        job.attachment !== null && attachment.content.equals(Buffer.from(job.attachment)),
        'same PDF bytes',
      );
      const text = pdfText(attachment.content);
      if (text !== undefined) {
        assert.match(text, /TICKET/);
        assert.match(text, /1082000000825/);
        assert.match(text, /157,90/);
      }

      const sent = await getJob(test.db, job.id);
      assert.equal(sent.status, 'sent');
      assert.equal(sent.attempts, 1);
      assert.equal(sent.last_code, 250);
      assert.equal(sent.sent_at, T0.toISOString());
    });

    it('421 then 250: retried after the backoff, the same Message-ID both times', async () => {
      replies = [{ code: 421, message: 'Service temporairement indisponible' }];
      const job = await queueReceipt(test.db, storeId, exampleSale, 'lea@exemple.fr', T0);
      assert.deepEqual(await work(), { sent: 0, retrying: 1, failed: 0, lost: 0 });
      const waiting = await getJob(test.db, job.id);
      assert.equal(waiting.status, 'retrying');
      assert.equal(waiting.last_code, 421);
      assert.match(waiting.last_response ?? '', /temporairement/);
      assert.equal(waiting.next_attempt_at, at(MINUTE).toISOString());

      clock = at(MINUTE - 1);
      assert.deepEqual(await work(), { sent: 0, retrying: 0, failed: 0, lost: 0 }, 'not due yet');
      clock = at(MINUTE);
      assert.deepEqual(await work(), { sent: 1, retrying: 0, failed: 0, lost: 0 });
      const ids = await Promise.all(sink.messages.map(async (m) => (await sink.parse(m)).messageId));
      assert.deepEqual(ids, [job.message_id, job.message_id]);
      const sent = await getJob(test.db, job.id);
      assert.equal(sent.status, 'sent');
      assert.equal(sent.attempts, 2);
      assert.equal(sent.last_code, 250);
    });

    it('451 several times: exponential backoff, then delivered', async () => {
      replies = [1, 2, 3].map(() => ({ code: 451, message: 'Greylisted, try again later' }));
      const job = await queueReceipt(test.db, storeId, exampleSale, 'lea@exemple.fr', T0);
      const waits: number[] = [];
      for (let i = 0; i < 3; i += 1) {
        assert.equal((await work()).retrying, 1, `attempt ${i + 1} retried`);
        const state = await getJob(test.db, job.id);
        waits.push(Date.parse(state.next_attempt_at) - clock.getTime());
        clock = new Date(state.next_attempt_at);
      }
      assert.deepEqual(waits, [MINUTE, 2 * MINUTE, 4 * MINUTE]);
      assert.equal((await work()).sent, 1);
      const sent = await getJob(test.db, job.id);
      assert.equal(sent.attempts, 4);
      assert.equal(sent.status, 'sent');
      assert.equal(sink.messages.length, 4);
    });

    it('550: a definitive failure, no further attempt until a manual retry', async () => {
      replies = [{ code: 550, message: 'Mailbox unavailable' }];
      const job = await queueReceipt(test.db, storeId, exampleSale, 'inconnu@exemple.fr', T0);
      assert.deepEqual(await work(), { sent: 0, retrying: 0, failed: 1, lost: 0 });
      const failed = await getJob(test.db, job.id);
      assert.equal(failed.status, 'failed');
      assert.equal(failed.last_code, 550);
      assert.equal(failed.attempts, 1);
      clock = at(10 * 86_400_000);
      assert.equal((await work()).sent, 0, 'a failed job is not retried by itself');

      const retried = await retryJob(test.db, job.id, clock);
      assert.equal(retried.status, 'queued');
      assert.equal((await work()).sent, 1);
      await assert.rejects(
        retryJob(test.db, job.id, clock),
        (e) => isMailError(e) && e.code === 'NOT_RETRYABLE',
      );
      await assert.rejects(
        retryJob(test.db, 999_999, clock),
        (e) => isMailError(e) && e.code === 'UNKNOWN_JOB',
      );
    });

    // The backoff arithmetic is the same on every engine: one is enough for the 21 SMTP exchanges.
    const onlyOnce = { skip: dialect !== DIALECTS[0] };
    it(
      '4xx for three days: retries with growing waits, then fails at the give-up instant',
      onlyOnce,
      async () => {
        replies = Array.from({ length: 100 }, () => ({ code: 451, message: 'Try again later' }));
        const job = await queueReceipt(test.db, storeId, exampleSale, 'lea@exemple.fr', T0);
        const attempts: number[] = [];
        for (let i = 0; i < 100; i += 1) {
          attempts.push(clock.getTime());
          const report = await work({ backoff: { firstDelayMs: MINUTE, maxDelayMs: 6 * 60 * MINUTE } });
          const state = await getJob(test.db, job.id);
          if (state.status === 'failed') {
            assert.equal(report.failed, 1);
            break;
          }
          assert.equal(state.status, 'retrying', `attempt ${i + 1}`);
          clock = new Date(state.next_attempt_at);
        }
        const failed = await getJob(test.db, job.id);
        assert.equal(failed.status, 'failed');
        assert.equal(failed.last_code, 451);
        assert.equal(
          attempts.at(-1),
          Date.parse(job.give_up_at),
          'the last attempt is at the give-up instant',
        );
        assert.equal(Date.parse(job.give_up_at) - T0.getTime(), 3 * 86_400_000);
        const gaps = attempts.slice(1).map((t, i) => t - (attempts[i] ?? 0));
        assert.equal(gaps[0], MINUTE);
        assert.equal(Math.max(...gaps), 6 * 60 * MINUTE);
        assert.equal(failed.attempts, attempts.length);
        assert.equal(sink.messages.length, attempts.length);
      },
    );

    it('two workers at once send each message exactly once', async () => {
      const jobs = [];
      for (let i = 0; i < 20; i += 1) {
        jobs.push(await queueReceipt(test.db, storeId, exampleSale, `client${i}@exemple.fr`, T0));
      }
      const [a, b] = await Promise.all([
        work({ batchSize: 4, concurrency: 2 }),
        work({ batchSize: 4, concurrency: 2 }),
      ]);
      assert.equal((a?.sent ?? 0) + (b?.sent ?? 0), 20);
      assert.equal(sink.messages.length, 20);
      const ids = new Set(await Promise.all(sink.messages.map(async (m) => (await sink.parse(m)).messageId)));
      assert.equal(ids.size, 20);
      for (const job of jobs) assert.equal((await getJob(test.db, job.id)).status, 'sent', `job ${job.id}`);
    });

    it('a result from a worker whose claim was taken over is not recorded', async () => {
      const job = await queueReceipt(test.db, storeId, exampleSale, 'lea@exemple.fr', T0);
      const [first] = await claimDueJobs(test.db, T0, { limit: 1, leaseMs: MINUTE, token: 'worker-a' });
      assert.equal(first?.status, 'sending');
      assert.deepEqual(
        await claimDueJobs(test.db, at(MINUTE - 1), { limit: 1, leaseMs: MINUTE, token: 'b' }),
        [],
      );
      const [again] = await claimDueJobs(test.db, at(MINUTE), {
        limit: 1,
        leaseMs: MINUTE,
        token: 'worker-b',
      });
      assert.equal(again?.id, job.id);
      assert.equal(again?.attempts, 2);
      assert.ok(first !== undefined && again !== undefined);
      const stale = await recordResult(
        test.db,
        first,
        'worker-a',
        { kind: 'sent', code: 250, response: '250 OK' },
        at(MINUTE),
      );
      assert.equal(stale.recorded, false);
      const fresh = await recordResult(
        test.db,
        again,
        'worker-b',
        { kind: 'sent', code: 250, response: '250 OK' },
        at(MINUTE),
      );
      assert.equal(fresh.recorded, true);
    });

    it('refuses a bad address before anything is queued', async () => {
      await assert.rejects(
        queueReceipt(test.db, storeId, exampleSale, 'lea@exemple', T0),
        (e) =>
          isMailError(e) && e.code === 'INVALID_EMAIL' && e.message.startsWith('Adresse e-mail invalide'),
      );
      assert.equal(await countRows(test.db, 'mail_outbox'), 0);
    });

    it('records a missing SMTP server as temporary (no SMTP_URL, no store settings)', async () => {
      const job = await queueReceipt(test.db, storeId, exampleSale, 'lea@exemple.fr', T0);
      const options = { ...worker(), transports: storeTransports(test.db, {}) };
      assert.equal((await workOnce(options)).retrying, 1);
      const state = await getJob(test.db, job.id);
      assert.equal(state.status, 'retrying');
      assert.match(state.last_response ?? '', /Aucun serveur SMTP paramétré/);
    });
  });
}
