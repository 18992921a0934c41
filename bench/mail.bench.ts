/**
 * `npm run bench:mail`: 10,000 receipts (subject, simplified ticket in text and HTML, a PDF attached)
 * queued in the outbox of a SQLite file while the worker delivers them to a local SMTP server over TCP
 * (smtp-server on 127.0.0.1, pooled nodemailer connections). Prints e-mails per second end to end and
 * the queue's delay (queued → accepted by the server): median, p99, max.
 *
 * `BENCH_MAILS` sets the count (default 10,000), `BENCH_CONCURRENCY` the messages in flight (10).
 * The PDFs are rendered beforehand (20 distinct tickets, reused): their cost is bench:receipts'.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { composeDocumentMail } from '../src/mail/compose.ts';
import { documentMail, type NewMail, queueMails } from '../src/mail/outbox.ts';
import { DEFAULT_MAIL_SETTINGS } from '../src/mail/settings.ts';
import { insertStore, STORE_EMAIL } from '../src/mail/testing/fixtures.ts';
import { startSmtpSink } from '../src/mail/testing/smtp-sink.ts';
import { runWorker, storeTransports } from '../src/mail/worker.ts';
import { exampleSale } from '../src/receipts/examples.ts';
import { renderPdf } from '../src/receipts/pdf.ts';
import { openDatabase } from '../src/store/open-database.ts';

const COUNT = Number(process.env.BENCH_MAILS ?? 10_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 10);
const BATCH = 100;

const dir = mkdtempSync(join(tmpdir(), 'comptoir-bench-mail-'));
const db = await openDatabase({ engine: 'sqlite', file: join(dir, 'comptoir.db') });
const storeId = await insertStore(db, new Date());

const documents = await Promise.all(
  Array.from({ length: 20 }, async (_, i) => {
    const doc = { ...exampleSale, number: `10820000${String(i).padStart(5, '0')}` };
    const pdf = await renderPdf(doc, { now: new Date('2026-11-23T13:40:58Z'), font: 'standard' });
    return { doc, pdf, composed: composeDocumentMail(doc, DEFAULT_MAIL_SETTINGS) };
  }),
);

const queuedAt = new Float64Array(COUNT);
const deliveredAt = new Float64Array(COUNT);
let delivered = 0;
let finish: () => void = () => undefined;
const done = new Promise<void>((resolve) => {
  finish = resolve;
});
const sink = await startSmtpSink({
  keep: false,
  onAccepted(message) {
    const index = Number(/^client(\d+)@/.exec(message.to[0] ?? '')?.[1] ?? -1);
    if (index >= 0 && deliveredAt[index] === 0) {
      deliveredAt[index] = performance.now();
      delivered += 1;
      if (delivered === COUNT) finish();
    }
  },
});

const controller = new AbortController();
const transports = storeTransports(db, { SMTP_URL: sink.url }, { pool: true, maxConnections: 5 });
const worker = runWorker({
  db,
  transports,
  signal: controller.signal,
  pollMs: 20,
  batchSize: 100,
  concurrency: CONCURRENCY,
});

const start = performance.now();
let queueMs = 0;
for (let i = 0; i < COUNT; i += BATCH) {
  const mails: NewMail[] = [];
  for (let j = i; j < Math.min(COUNT, i + BATCH); j += 1) {
    const item = documents[j % documents.length];
    if (item === undefined) throw new Error('no document');
    const { pdf, composed, doc } = item;
    mails.push(
      documentMail(composed, pdf, {
        storeId,
        sender: { name: 'CHAUSSURES', address: STORE_EMAIL },
        to: `client${j}@exemple.fr`,
        reference: doc.number,
        retryDays: 3,
      }),
    );
  }
  const t = performance.now();
  await queueMails(db, mails, new Date());
  queueMs += performance.now() - t;
  const stamp = performance.now();
  for (let j = i; j < Math.min(COUNT, i + BATCH); j += 1) queuedAt[j] = stamp;
  // Let the worker run between batches, as a till queues one sale at a time.
  await new Promise((resolve) => setImmediate(resolve));
}
await done;
const elapsed = (performance.now() - start) / 1000;
controller.abort();
await worker;
transports.close();
await sink.close();
await db.destroy();
rmSync(dir, { recursive: true, force: true });

const delays = Array.from(deliveredAt, (d, i) => d - (queuedAt[i] ?? 0)).sort((a, b) => a - b);
const pct = (p: number) => delays[Math.min(delays.length - 1, Math.floor((p / 100) * delays.length))] ?? 0;
const size = documents[0]?.pdf.length ?? 0;
console.log(`| what | figure |`);
console.log(`| --- | --- |`);
console.log(
  `| e-mails queued and delivered | ${COUNT.toLocaleString('en')} (PDF of ${(size / 1024).toFixed(1)} KiB each) |`,
);
console.log(`| end to end | ${(COUNT / elapsed).toFixed(0)} e-mails/s (${elapsed.toFixed(1)} s) |`);
console.log(
  `| queueing alone (inserts, ${BATCH} per transaction) | ${(COUNT / (queueMs / 1000)).toFixed(0)} e-mails/s |`,
);
console.log(
  `| queue delay (queued → 250 from the server) | median ${pct(50).toFixed(0)} ms, p99 ${pct(99).toFixed(0)} ms, max ${(delays.at(-1) ?? 0).toFixed(0)} ms |`,
);
