/**
 * npm run bench:journal — the fiscal journal's figures on this machine:
 * 1. raw node:crypto ECDSA P-256 / SHA-256 sign and verify rates on one core (KeyObject loaded once);
 * 2. validation through the real `validateTicket` on a SQLite file with durable commits (WAL,
 *    synchronous=FULL, heads file fsynced after each commit): throughput and latency percentiles,
 *    then the till's closing count and the real daily closure (`closeTillDay`) over those VALIDATIONS (10,000) tickets;
 * 3. a journal of JOURNAL_RECORDS (1,000,000) records (tickets, a daily closure every 1,000) written
 *    to a SQLite file, then verified by `verifyLiveJournal` — streamed page by page, signatures on
 *    one worker per core — next to the raw verification rate × cores;
 * 4. a daily closure recomputed from its 10,000 tickets (the verifier's and a rescan's case).
 * Figures are printed; they are recorded by hand in docs/performance.md ("Fiscal journal").
 * Env: JOURNAL_RECORDS, VALIDATIONS, RAW_COUNT, BENCH_DIR (default: a temporary directory).
 */
import { closeSync, fsyncSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { canonicalJson } from '../src/fiscal/canonical-json.ts';
import { addToClosure, finishClosure, openClosure } from '../src/fiscal/closure.ts';
import { type JournalRecord, stampOf } from '../src/fiscal/record.ts';
import { createSigner, generateSigningKeyPair, verifyText } from '../src/fiscal/signing.ts';
import { BOOK, COFFEE, JournalBuilder, WINE } from '../src/fiscal/testing.ts';
import { initStore } from '../src/store/init.ts';
import { ensureRegisterKeys } from '../src/store/journal/keys.ts';
import { ticketOf } from '../src/store/journal/testing.ts';
import { closeTillDay, openTillDay } from '../src/store/journal/till.ts';
import { validateTicket } from '../src/store/journal/validate.ts';
import { verifyLiveJournal } from '../src/store/journal-verify-run.ts';
import { openDatabase } from '../src/store/open-database.ts';
import type { JournalTable } from '../src/store/schema.ts';

const JOURNAL_RECORDS = Number(process.env.JOURNAL_RECORDS ?? 1_000_000);
const VALIDATIONS = Number(process.env.VALIDATIONS ?? 10_000);
const RAW_COUNT = Number(process.env.RAW_COUNT ?? 20_000);
const CLOSURE_TICKETS = 10_000;

const root = process.env.BENCH_DIR ?? mkdtempSync(join(tmpdir(), 'comptoir-bench-'));
const keys = generateSigningKeyPair();
const signer = createSigner(keys);
const keysById = new Map([[keys.keyId, keys.publicKey]]);
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
const seconds = (ms: number): string => (ms / 1000).toFixed(2);
const workers = availableParallelism();

function time<T>(run: () => T): [T, number] {
  const start = performance.now();
  const result = run();
  return [result, performance.now() - start];
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

console.log(`Node ${process.version}, ${workers} cores available, data in ${root}`);

// 1. Raw rates on one core, over texts the size of a real ticket's signed text.
const sample = new JournalBuilder('C1', keys);
const text = sample.sale([COFFEE, WINE, BOOK]).signedText;
const texts = Array.from({ length: RAW_COUNT }, (_, i) => `${text}|${i}`);
const [signatures, signMs] = time(() => texts.map((t) => signer.sign(t)));
const [valid, verifyMs] = time(
  () => texts.filter((t, i) => verifyText(keys.publicKey, t, signatures[i] as string)).length,
);
if (valid !== RAW_COUNT) throw new Error('raw verification failed');
const rawSign = RAW_COUNT / (signMs / 1000);
const rawVerify = RAW_COUNT / (verifyMs / 1000);
console.log(`raw sign (1 core):   ${fmt(rawSign)} signatures/s (${text.length}-byte texts)`);
console.log(`raw verify (1 core): ${fmt(rawVerify)} verifications/s`);

// The disk's durable-write rate bounds every durable commit: measured here, in the same run.
{
  const dir = mkdtempSync(join(root, 'fsync-'));
  const fd = openSync(join(dir, 'probe'), 'w');
  const n = 300;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    writeSync(fd, 'x'.repeat(200));
    fsyncSync(fd);
  }
  closeSync(fd);
  console.log(`disk: ${fmt(n / ((performance.now() - t0) / 1000))} fsync/s (write 200 bytes + fsync)`);
}

// 2. validateTicket on a SQLite file, durable commits, then the real daily closure.
{
  const dataDir = join(root, 'validate');
  const db = await openDatabase({ engine: 'sqlite', file: join(dataDir, 'comptoir.db') });
  let clock = new Date('2026-11-23T06:00:00Z');
  const ctx = { dataDir, now: () => clock, softwareVersion: '0.1.0', timeZone: 'Europe/Paris' };
  await initStore(db, { now: clock, pins: { admin: '1234', cashier: '2345', seller: '3456' } });
  ensureRegisterKeys(dataDir, 1);
  // No sale before the register's day is open (issue 13): the day opens with a 150,00 € float.
  await openTillDay(db, ctx, { register: 1, operator: 'ADMIN', count: { total: 15000 } });
  const scenarios = [
    {
      lines: [{ ref: 'CAFE', qty: '1', unitPrice: '1.50', vatRate: '10' }],
      payments: [{ mode: 'CASH', amount: '1.50' }],
    },
    {
      lines: [
        { ref: 'CAFE', qty: '2', unitPrice: '1.50', vatRate: '10' },
        { ref: 'VIN', qty: '1', unitPrice: '12.90', vatRate: '20' },
        { ref: 'LIVRE', qty: '1', unitPrice: '8.90', vatRate: '5.5' },
      ],
      payments: [{ mode: 'CARD', amount: '24.80' }],
    },
  ].map(ticketOf);
  const latencies: number[] = [];
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  for (let i = 0; i < VALIDATIONS; i++) {
    clock = new Date(clock.getTime() + 1000);
    const t0 = performance.now();
    await validateTicket(db, ctx, {
      register: 1,
      idempotencyKey: `bench-${i}`,
      cashier: 'CAISSE1',
      ticket: scenarios[i % scenarios.length] as (typeof scenarios)[number],
    });
    latencies.push(performance.now() - t0);
  }
  const totalMs = performance.now() - start;
  const cpu = process.cpuUsage(cpuStart);
  latencies.sort((a, b) => a - b);
  console.log(
    `validateTicket, SQLite WAL synchronous=FULL + heads file fsync: ${fmt(VALIDATIONS / (totalMs / 1000))} tickets/s ` +
      `(${fmt(VALIDATIONS)} in ${seconds(totalMs)} s); latency median ${percentile(latencies, 50).toFixed(2)} ms, ` +
      `p99 ${percentile(latencies, 99).toFixed(2)} ms, max ${(latencies.at(-1) ?? 0).toFixed(1)} ms`,
  );
  const cpuPerTicket = (cpu.user + cpu.system) / VALIDATIONS;
  console.log(
    `  CPU of this process per ticket: ${(cpuPerTicket / 1000).toFixed(2)} ms (user+system): ` +
      `at most ${fmt(1e6 / cpuPerTicket)} tickets/s on one free core, before waiting for the disk`,
  );
  clock = new Date(clock.getTime() + 60_000);
  const c0 = performance.now();
  // The till's closing count (expected per mode over the day's records) and the day's Z, one transaction.
  const closed = await closeTillDay(db, ctx, {
    register: 1,
    operator: 'ADMIN',
    cash: { total: 15000 + (VALIDATIONS / 2) * 150 },
    others: new Map([['CARD', (VALIDATIONS / 2) * 2480]]),
    keep: 15000,
  });
  const closeMs = performance.now() - c0;
  const day = closed.closure;
  console.log(
    `closing count + closeDay (Z) over ${fmt(day.payload.ticketCount)} tickets (real, one transaction): ${closeMs.toFixed(1)} ms ` +
      `(differences ${closed.counts.map((c) => `${c.mode} ${c.difference}`).join(', ')})`,
  );
  await db.destroy();
}

// 3. A journal of JOURNAL_RECORDS records in a SQLite file, verified from the file.
const rowOf = (r: JournalRecord): JournalTable => ({
  register: r.register,
  chain: r.chain,
  sequence: r.sequence,
  type: r.type,
  stamp_utc: r.timestamp.utc,
  stamp_offset: r.timestamp.offset,
  format: r.format,
  software_version: r.softwareVersion,
  key_id: r.keyId,
  payload: canonicalJson(r.payload),
  previous_signature: r.previousSignature,
  signed_text: r.signedText,
  signature: r.signature,
  ref_chain: null,
  ref_sequence: null,
  total_ttc: 'totalTtc' in r.payload ? r.payload.totalTtc : null,
});
let closureDay: JournalRecord[] = [];
{
  const db = await openDatabase({ engine: 'sqlite', file: join(root, 'verify', 'comptoir.db') });
  const b = new JournalBuilder('1', keys, new Date('2020-01-01T08:00:00Z'));
  const lines = [[COFFEE], [WINE, BOOK], [COFFEE, WINE], [{ ...BOOK, quantity: -1000 }]];
  let tickets = 0;
  let written = 0;
  const buildStart = performance.now();
  while (written + b.records.length < JOURNAL_RECORDS) {
    if (tickets > 0 && tickets % 1000 === 0) {
      b.close('DAY');
      b.advance(60);
    }
    b.sale(lines[tickets % lines.length] ?? [COFFEE], tickets % 3 === 0 ? 'CB' : 'ESP');
    tickets++;
    if (b.records.length >= 20_000 || written + b.records.length >= JOURNAL_RECORDS) {
      if (closureDay.length < CLOSURE_TICKETS)
        closureDay = b.records.filter((r) => r.type === 'TICKET').slice(0, CLOSURE_TICKETS);
      const batch = b.records.splice(0);
      await db.transaction().execute(async (trx) => {
        for (let i = 0; i < batch.length; i += 500) {
          await trx
            .insertInto('journal')
            .values(batch.slice(i, i + 500).map(rowOf))
            .execute();
        }
      });
      written += batch.length;
    }
  }
  console.log(
    `journal written: ${fmt(written)} signed records into SQLite in ${seconds(performance.now() - buildStart)} s`,
  );

  let lastShown = 0;
  const verifyStart = performance.now();
  const report = await verifyLiveJournal(db, {
    publicKeysById: keysById,
    expectedHeads: b.headList(),
    workers,
    onProgress: (done, total) => {
      if (done - lastShown >= total / 20 || done === total) {
        lastShown = done;
        process.stderr.write(`\r  enregistrements vérifiés : ${fmt(done)} / ${fmt(total)}`);
      }
    },
  });
  const totalMs = performance.now() - verifyStart;
  process.stderr.write('\n');
  if (!report.ok) throw new Error(`verification failed: ${JSON.stringify(report.problems.slice(0, 3))}`);
  const rate = report.recordsChecked / (totalMs / 1000);
  const memory = process.memoryUsage().rss / 1024 / 1024;
  console.log(
    `verifyLiveJournal ${fmt(report.recordsChecked)} records from SQLite (signatures on ${workers} workers, texts, links, ` +
      `closures, heads; streamed): ${seconds(totalMs)} s = ${fmt(rate)} records/s, RSS ${fmt(memory)} MiB`,
  );
  // The machine's load changes during a long run: the raw rate is measured again right after, and the
  // ratio is taken against the mean of the two measures.
  const [, verifyAfterMs] = time(
    () => texts.filter((t, i) => verifyText(keys.publicKey, t, signatures[i] as string)).length,
  );
  const rawAfter = RAW_COUNT / (verifyAfterMs / 1000);
  const ideal = ((rawVerify + rawAfter) / 2) * workers;
  console.log(
    `  raw verify (1 core) before ${fmt(rawVerify)}/s, after ${fmt(rawAfter)}/s; mean x ${workers} cores = ${fmt(ideal)}/s: the journal verification is ${(ideal / rate).toFixed(2)}x slower than that`,
  );
  await db.destroy();
}

// 4. A daily closure recomputed from its 10,000 tickets (what the verifier does for each closure).
const runs: number[] = [];
for (let run = 0; run < 5; run++) {
  const [, ms] = time(() => {
    let acc = openClosure('DAY', '1', 'EUR', stampOf(new Date(), 60), undefined);
    let expected = 1;
    for (const r of closureDay) {
      // Closures cut the ticket chain: renumber a contiguous day for this measure only.
      acc = addToClosure(acc, r.sequence === expected ? r : ({ ...r, sequence: expected } as JournalRecord));
      expected++;
    }
    return finishClosure(acc, 'bench', stampOf(new Date(), 60));
  });
  runs.push(ms);
}
console.log(
  `daily closure recomputed from ${fmt(closureDay.length)} tickets: ${Math.min(...runs).toFixed(1)} ms (best of 5)`,
);
if (process.env.BENCH_DIR === undefined) rmSync(root, { recursive: true, force: true });
