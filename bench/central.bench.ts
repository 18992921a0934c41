/**
 * npm run bench:central — the upward path (issue 17, docs/multi-store.md): BENCH_CENTRAL_REGISTERS
 * registers (default 20) of BENCH_CENTRAL_RECORDS records each (default 5,000; the issue's figure is
 * 1,000,000 in all: BENCH_CENTRAL_RECORDS=50000) are signed beforehand, then uploaded over HTTP to a
 * central on PostgreSQL (a fresh database at 127.0.0.1:5432, dropped after) in batches of 500, one
 * register after the other, as `comptoir sync` sends them. Prints the records accepted per second and
 * the time of a replay (every batch sent again, all skipped).
 */
import type { AddressInfo } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { buildCentralApp } from '../src/central/app.ts';
import { openCentralDatabase } from '../src/central/database.ts';
import { issueEnrolmentCode } from '../src/central/enrol.ts';
import type { JournalRecord } from '../src/fiscal/record.ts';
import { exportPublicKeyPem, generateSigningKeyPair } from '../src/fiscal/signing.ts';
import { COFFEE, JournalBuilder, WINE } from '../src/fiscal/testing.ts';
import { call } from '../src/server/testing.ts';
import { createTestDatabase } from '../src/store/test-dialects.ts';

const REGISTERS = Number(process.env.BENCH_CENTRAL_REGISTERS ?? 20);
const PER_REGISTER = Number(process.env.BENCH_CENTRAL_RECORDS ?? 5_000);
const BATCH = 500;

const database = await createTestDatabase();
const db = await openCentralDatabase(database.url);
const app = buildCentralApp(db);
await app.listen({ port: 0, host: '127.0.0.1' });
const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

async function post(path: string, body: unknown, token?: string): Promise<Record<string, unknown>> {
  const answer = await call(url, 'POST', path, { body, ...(token === undefined ? {} : { token }) });
  if (answer.status !== 200) throw new Error(`${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body;
}

try {
  const signStart = performance.now();
  const journals: JournalRecord[][] = [];
  const keys: { register: string; pem: string }[] = [];
  for (let r = 1; r <= REGISTERS; r++) {
    const pair = generateSigningKeyPair();
    const builder = new JournalBuilder(String(r), pair);
    while (builder.records.length < PER_REGISTER)
      builder.sale(builder.records.length % 2 ? [COFFEE] : [COFFEE, WINE]);
    journals.push(builder.records);
    keys.push({ register: String(r), pem: exportPublicKeyPem(pair.publicKey) });
  }
  const total = journals.reduce((n, j) => n + j.length, 0);
  console.log(
    `${total} records from ${REGISTERS} registers signed in ${((performance.now() - signStart) / 1000).toFixed(1)} s`,
  );
  const code = await issueEnrolmentCode(db, 'bench', new Date());
  const token = String((await post('/central/v1/enrol', { code, keys })).token);

  const send = async (): Promise<{ accepted: number; skipped: number; seconds: number }> => {
    let accepted = 0;
    let skipped = 0;
    const start = performance.now();
    for (const journal of journals) {
      for (let i = 0; i < journal.length; i += BATCH) {
        const answer = await post('/central/v1/journal', { records: journal.slice(i, i + BATCH) }, token);
        accepted += Number(answer.accepted);
        skipped += Number(answer.skipped);
      }
    }
    return { accepted, skipped, seconds: (performance.now() - start) / 1000 };
  };
  const first = await send();
  console.log(
    `upload: ${first.accepted} accepted in ${first.seconds.toFixed(1)} s = ${Math.round(first.accepted / first.seconds)} records/s`,
  );
  const replay = await send();
  console.log(
    `replay: ${replay.skipped} skipped in ${replay.seconds.toFixed(1)} s = ${Math.round(replay.skipped / replay.seconds)} records/s`,
  );
  console.log(
    `machine: ${cpus().length} cores, load ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
} finally {
  await app.close();
  await db.destroy();
  await database.drop();
}
