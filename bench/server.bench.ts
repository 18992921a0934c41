/**
 * npm run bench:server — 20 simulated registers each doing complete sales (open, 10 lines, Total, one
 * payment, validation with its idempotency key) against the server over real HTTP for 30 s
 * (BENCH_SECONDS, BENCH_REGISTERS, BENCH_PACE_MS to change). The server runs in its own process on a real SQLite file
 * with the real journal; prints validated tickets per second, p50/p99 latency per request, and errors.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { call, login, makeStore, PINS } from '../src/server/testing.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 30);
const REGISTERS = Number(process.env.BENCH_REGISTERS ?? 20);
/**
 * Think time of each register between two requests (0: saturation, every register fires its next
 * request as soon as the last is answered). A cashier scanning fast sends about one request every
 * 300 ms; with a pace the latency measures the server's work, without the queue that saturation builds.
 */
const PACE_MS = Number(process.env.BENCH_PACE_MS ?? 0);
const REFS = Array.from({ length: 30 }, (_, i) => `BOI${String(i + 1).padStart(4, '0')}`);

const dir = mkdtempSync(join(tmpdir(), 'comptoir-bench-server-'));
await makeStore(dir, REGISTERS);

const child: ChildProcess = spawn(
  process.execPath,
  [
    ...(process.env.BENCH_CHILD_ARGS?.split(' ').filter(Boolean) ?? []),
    '--import',
    'tsx',
    new URL('./server-child.ts', import.meta.url).pathname,
    dir,
  ],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
const url = await new Promise<string>((resolve, reject) => {
  let out = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    const match = /URL (\S+)/.exec(out);
    if (match?.[1] !== undefined) resolve(match[1]);
  });
  child.on('exit', (code) => reject(new Error(`le serveur s’est arrêté (${code})`)));
});

const latencies: number[] = [];
const byKind = new Map<string, number[]>();
const errors: string[] = [];
let tickets = 0;

/** Off during the warm-up sale of each register (modules loaded on first use, JIT, caches). */
let recording = false;

async function timed(method: string, path: string, token: string, body?: unknown) {
  const start = performance.now();
  const answer = await call<{ id: string; code?: string }>(url, method, path, {
    token,
    ...(body === undefined ? {} : { body }),
  });
  const took = performance.now() - start;
  if (!recording) {
    if (answer.status !== 200) throw new Error(`${path} → ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body;
  }
  latencies.push(took);
  const kind = path.split('/').at(-1)?.length === 36 ? 'tickets' : (path.split('/').at(-1) ?? '');
  const list = byKind.get(kind) ?? [];
  list.push(took);
  byKind.set(kind, list);
  if (answer.status !== 200) throw new Error(`${path} → ${answer.status} ${JSON.stringify(answer.body)}`);
  if (PACE_MS > 0) await new Promise((resolve) => setTimeout(resolve, PACE_MS));
  return answer.body;
}

/** One complete sale of register `number`: open, 10 lines, Total, one payment, validation. */
async function sale(token: string, number: number, n: number): Promise<void> {
  const { id } = await timed('POST', '/api/tickets', token);
  for (let i = 0; i < 10; i += 1) {
    await timed('POST', `/api/tickets/${id}/lines`, token, {
      text: REFS[(n * 7 + i * 3 + number) % REFS.length],
    });
  }
  await timed('POST', `/api/tickets/${id}/total`, token);
  await timed('POST', `/api/tickets/${id}/payments`, token, {
    mode: n % 2 === 0 ? 'CASH' : 'CARD',
    amount: null,
  });
  await timed('POST', `/api/tickets/${id}/validate`, token, { idempotencyKey: `bench-${number}-${n}` });
}

async function register(token: string, number: number, until: number): Promise<void> {
  let n = 1;
  while (performance.now() < until) {
    try {
      await sale(token, number, n);
      tickets += 1;
    } catch (error) {
      errors.push(String(error));
    }
    n += 1;
  }
}

// Each register logs in and makes one sale before the clock starts: the server's first sale loads
// modules and fills caches, which a shop pays once a day, not per request.
const tokens = await Promise.all(
  Array.from({ length: REGISTERS }, (_, i) => login(url, 'CAISSE1', PINS.cashier, i + 1)),
);
await Promise.all(tokens.map((token, i) => sale(token, i + 1, 0)));
recording = true;
const started = performance.now();
const until = started + SECONDS * 1000;
await Promise.all(tokens.map((token, i) => register(token, i + 1, until)));
const elapsed = (performance.now() - started) / 1000;

child.kill('SIGTERM');
await new Promise((resolve) => child.on('exit', resolve));
rmSync(dir, { recursive: true, force: true });

latencies.sort((a, b) => a - b);
const pctOf = (values: number[], p: number) =>
  values[Math.min(values.length - 1, Math.floor((values.length * p) / 100))] ?? 0;
const pct = (p: number) =>
  latencies[Math.min(latencies.length - 1, Math.floor((latencies.length * p) / 100))] ?? 0;
console.log(
  `bench:server — ${REGISTERS} caisses, ${SECONDS} s, ${PACE_MS > 0 ? `une requête toutes les ${PACE_MS} ms au plus par caisse` : 'à saturation'}, ${cpus().length} cœurs, charge ${loadavg()[0]?.toFixed(1)}`,
);
console.log(`tickets validés      : ${tickets} (${(tickets / elapsed).toFixed(1)} tickets/s)`);
console.log(`requêtes             : ${latencies.length} (${(latencies.length / elapsed).toFixed(0)} req/s)`);
console.log(
  `latence par requête  : p50 ${pct(50).toFixed(1)} ms, p99 ${pct(99).toFixed(1)} ms, max ${pct(100).toFixed(1)} ms`,
);
for (const [kind, values] of byKind) {
  values.sort((a, b) => a - b);
  console.log(
    `  ${kind.padEnd(10)} p50 ${pctOf(values, 50).toFixed(1)} ms, p99 ${pctOf(values, 99).toFixed(1)} ms`,
  );
}
console.log(
  `erreurs              : ${errors.length}${errors.length > 0 ? ` (première : ${errors[0]})` : ''}`,
);
if (errors.length > 0) process.exitCode = 1;
