/**
 * `npm run bench:receipts`: documents rendered per second for the example sales ticket (4 lines, a
 * composition, 2 VAT rates, 2 payments, barcode and QR code), built from a journal record signed with
 * a real key (so the PDF embeds its source records, as in production), and for the example document
 * of `examples.ts`. One thread unless said; `BENCH_SECONDS` sets the length of each measure.
 *
 * Prints the rate by wall clock and by CPU time of the process (user + system): on a machine shared
 * with other jobs the wall-clock rate drops with the load, the CPU rate much less.
 */
import { cpus, loadavg } from 'node:os';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { createSigner, exportPublicKeyPem, generateSigningKeyPair } from '../src/fiscal/signing.ts';
import { renderEscPos } from '../src/receipts/escpos.ts';
import { documentFromRecord } from '../src/receipts/from-journal.ts';
import { renderPdf } from '../src/receipts/pdf.ts';
import {
  loadStoreCertificate,
  makeSelfSignedStoreCertificate,
  renderSignedPdf,
} from '../src/receipts/pdf-signature.ts';
import { exampleDay, journalSettings } from '../src/receipts/testing/journal-fixture.ts';
import { makeJournalKey, signedExampleSale } from '../src/receipts/testing/signed-ticket.ts';
import { renderText } from '../src/receipts/text.ts';
import { parseJournalKeys, verifyReceiptPdf } from '../src/receipts/verify-pdf.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 2);
const now = new Date('2026-11-23T13:40:58Z');
const pair = generateSigningKeyPair();
const day = exampleDay(createSigner(pair));
const source = { records: [day.ticket], settings: journalSettings, kind: 'ticket' as const };
const ticket = documentFromRecord(source);
const store = await loadStoreCertificate(
  await makeSelfSignedStoreCertificate({
    commonName: 'CHAUSSURES',
    organization: 'Ste chaussures',
    notBefore: now,
  }),
);
const signedTicket = () => renderSignedPdf(ticket, store, { now, source });

/** Renders signed PDFs for `seconds` and returns how many (run in each worker thread). */
async function count(seconds: number): Promise<number> {
  const start = performance.now();
  let n = 0;
  while (performance.now() - start < seconds * 1000) {
    await signedTicket();
    n += 1;
  }
  return n;
}

if (!isMainThread) {
  await count(1); // warm-up
  parentPort?.postMessage(await count(Number(workerData)));
} else {
  await main();
}

async function measure(label: string, run: () => unknown): Promise<void> {
  const warm = performance.now();
  while (performance.now() - warm < 1000) await run();
  const start = performance.now();
  const cpu = process.cpuUsage();
  let n = 0;
  while (performance.now() - start < SECONDS * 1000) {
    await run();
    n += 1;
  }
  const wallMs = (performance.now() - start) / n;
  const used = process.cpuUsage(cpu);
  const cpuMs = (used.user + used.system) / 1000 / n;
  console.log(
    `| ${label} | ${(1000 / wallMs).toFixed(0)} | ${(1000 / cpuMs).toFixed(0)} | ${cpuMs.toFixed(2)} |`,
  );
}

/** Signed ticket PDFs per second over `threads` worker threads, each rendering on its own. */
async function parallel(threads: number): Promise<void> {
  const tsx = import.meta.resolve('tsx/esm/api');
  const boot = `import { register } from ${JSON.stringify(tsx)}; register(); await import(${JSON.stringify(import.meta.url)});`;
  const counts = await Promise.all(
    Array.from(
      { length: threads },
      () =>
        new Promise<number>((resolve, reject) => {
          const worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(boot)}`), {
            workerData: SECONDS,
          });
          worker.once('message', (n: number) => {
            resolve(n);
            void worker.terminate();
          });
          worker.once('error', reject);
        }),
    ),
  );
  const total = counts.reduce((s, n) => s + n, 0);
  console.log(
    `| PDF narrow, signed, journal ticket, ${threads} worker threads | ${(total / SECONDS).toFixed(0)} | – | – |`,
  );
}

async function main(): Promise<void> {
  const example = signedExampleSale(makeJournalKey('k2026-1'));
  const keys = parseJournalKeys(JSON.stringify({ [pair.keyId]: exportPublicKeyPem(pair.publicKey) }));
  const signedPdf = await signedTicket();
  console.log(
    `Node ${process.version}, ${cpus()[0]?.model ?? '?'} × ${cpus().length}, load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}, ${SECONDS} s each\n`,
  );
  console.log('| receipt render | per second (wall) | per CPU second | CPU ms each |');
  console.log('|---|---:|---:|---:|');
  await measure('text, 48 columns, journal ticket', () => renderText(ticket, 48));
  await measure('ESC/POS, 48 columns, QR + barcode, journal ticket', () =>
    renderEscPos(ticket, { columns: 48, openDrawer: true }),
  );
  await measure('document built from the journal record', () => documentFromRecord(source));
  await measure('PDF narrow, unsigned, DejaVu embedded, journal ticket', () =>
    renderPdf(ticket, { now, source }),
  );
  await measure('PDF narrow, **signed** (PAdES), DejaVu embedded, journal ticket', signedTicket);
  await measure('PDF narrow, signed, Courier (standard), journal ticket', () =>
    renderSignedPdf(ticket, store, { now, source, font: 'standard' }),
  );
  await measure('PDF narrow, signed, DejaVu, example document (no source records)', () =>
    renderSignedPdf(example, store, { now }),
  );
  await measure('PDF A4 layout, signed, DejaVu, journal ticket', () =>
    renderSignedPdf(ticket, store, { now, format: 'a4', source }),
  );
  await measure('receipt verify (CMS, visible content, records, rebuilt ticket)', () =>
    verifyReceiptPdf(signedPdf, keys),
  );
  await parallel(cpus().length);
}
