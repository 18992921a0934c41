/**
 * `comptoir serve` as a real process: first run creates the demo store and prints the PINs; SIGTERM
 * stops it cleanly; restarted in the middle of a ticket, the ticket and the session are still there.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { openDatabase } from '../store/open-database.ts';
import { call } from './testing.ts';
import type { TicketView } from './ticket-view.ts';

const bin = new URL('../../bin/comptoir.js', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'comptoir-serve-'));
after(() => rmSync(dir, { recursive: true, force: true }));

interface Running {
  readonly child: ChildProcess;
  readonly url: string;
  readonly output: () => string;
  /** Standard output alone. */
  readonly stdout: () => string;
}

function start(args: readonly string[] = [], env: Record<string, string> = {}): Promise<Running> {
  const child = spawn(process.execPath, [bin, 'serve', '--data', dir, '--port', '0', ...args], {
    env: { ...process.env, COMPTOIR_LOG_LEVEL: 'silent', DATABASE_URL: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let stdout = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`pas de démarrage : ${out}`)), 60_000);
    const check = () => {
      const match = /écoute sur (http:\/\/[^\s]+) /.exec(out);
      if (match?.[1] !== undefined) {
        clearTimeout(timer);
        resolve({ child, url: match[1], output: () => out, stdout: () => stdout });
      }
    };
    child.stdout?.on('data', check);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`arrêt au démarrage (${code}) : ${out}`));
    });
  });
}

function stop(running: Running): Promise<number | null> {
  return new Promise((resolve) => {
    running.child.removeAllListeners('exit');
    running.child.on('exit', (code) => resolve(code));
    running.child.kill('SIGTERM');
  });
}

test('first run, a ticket half entered, SIGTERM, restart: the ticket and the session are back', async () => {
  const first = await start();
  const pin = /CAISSE1\s+cashier\s+PIN (\d{4})/.exec(first.output())?.[1];
  assert.ok(pin !== undefined, `le PIN du caissier est affiché : ${first.output()}`);
  const health = await call<{ status: string; outbox: { backlog: number } | null }>(
    first.url,
    'GET',
    '/api/health',
  );
  assert.equal(health.status, 200);
  assert.deepEqual(health.body.outbox, { backlog: 0 }, 'la supervision voit la file des e-mails');
  const login = await call<{ token: string }>(first.url, 'POST', '/api/session', {
    body: { userCode: 'CAISSE1', pin },
  });
  assert.equal(login.status, 200);
  const token = login.body.token;
  const opened = await call<TicketView>(first.url, 'POST', '/api/tickets', { token });
  const id = opened.body.id;
  for (const text of ['BOI0001', 'BOI0002']) {
    assert.equal(
      (await call(first.url, 'POST', `/api/tickets/${id}/lines`, { token, body: { text } })).status,
      200,
    );
  }
  assert.equal(await stop(first), 0, 'arrêt propre sur SIGTERM');
  assert.match(first.output(), /Serveur arrêté/);
  // Not a terminal: one JSON object per line, the announcements included.
  for (const line of first.stdout().trim().split('\n')) {
    assert.equal(typeof JSON.parse(line).msg, 'string', `ligne JSON : ${line}`);
  }

  // Asked for text (as on a terminal), with the requests logged: one readable line per request.
  const second = await start(['--log', 'text'], { COMPTOIR_LOG_LEVEL: 'info' });
  try {
    assert.doesNotMatch(second.output(), /PIN \d{4}/, 'les PIN ne sont affichés qu’au premier démarrage');
    const back = await call<TicketView>(second.url, 'GET', `/api/tickets/${id}`, { token });
    assert.equal(back.status, 200, 'la session et le ticket ont survécu au redémarrage');
    assert.deepEqual(
      back.body.items.map((i) => (i.kind === 'article' ? i.ref : i.kind)),
      ['BOI0001', 'BOI0002'],
    );
    assert.equal((await call(second.url, 'POST', `/api/tickets/${id}/total`, { token })).status, 200);
    await call(second.url, 'POST', `/api/tickets/${id}/payments`, {
      token,
      body: { mode: 'CASH', amount: null },
    });
    const done = await call<TicketView>(second.url, 'POST', `/api/tickets/${id}/validate`, {
      token,
      body: { idempotencyKey: 'restart-0001' },
    });
    assert.equal(done.status, 200, JSON.stringify(done.body));
    assert.equal(done.body.sale?.number, 1);
  } finally {
    assert.equal(await stop(second), 0);
  }
  const requests = second
    .stdout()
    .split('\n')
    .filter((l) => / → \d{3} /.test(l));
  assert.equal(requests.length, 4, `une ligne par requête :\n${second.stdout()}`);
  assert.match(
    requests[3] ?? '',
    /^\d{2}:\d{2}:\d{2} INFO +POST \/api\/tickets\/\S+\/validate → 200 \(\d+,\d ms\)$/,
  );
  assert.doesNotMatch(second.stdout(), /^\{/m, 'pas de JSON en mode texte');
  const db = await openDatabase({ engine: 'sqlite', file: join(dir, 'comptoir.db') });
  try {
    const jet = await db.selectFrom('journal').select('payload').where('chain', '=', 'JET').execute();
    const starts = jet.filter((r) => r.payload.includes('APPLICATION_START')).length;
    const stops = jet.filter((r) => r.payload.includes('APPLICATION_STOP')).length;
    assert.deepEqual([starts, stops], [2, 2], 'démarrages et arrêts au JET');
    const start = jet.find((r) => r.payload.includes('APPLICATION_START'));
    assert.match(
      start?.payload ?? '',
      /empreinte du logiciel sha256:[0-9a-f]{16} \(no-manifest\)/,
      'le démarrage journalise l’empreinte du code qui tourne',
    );
  } finally {
    await db.destroy();
  }
});

test('SIGTERM the moment the server listens: a clean stop (exit 0, heads written), and the next start is not refused', async () => {
  for (let round = 0; round < 2; round++) {
    const running = await start();
    assert.equal(await stop(running), 0, running.output());
    assert.match(running.stdout(), /Serveur arrêté\./);
  }
});

test('a busy port is refused before anything is created, naming the --port option', async () => {
  const busy = createServer();
  await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
  const port = (busy.address() as AddressInfo).port;
  const fresh = join(dir, 'never-created');
  try {
    const child = spawn(process.execPath, [bin, 'serve', '--data', fresh, '--port', String(port)], {
      env: { ...process.env, DATABASE_URL: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      out += c.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    assert.equal(code, 1, out);
    assert.match(out, new RegExp(`Le port ${port} est déjà utilisé sur 127\\.0\\.0\\.1`));
    assert.match(out, /--port/);
    assert.doesNotMatch(out, /PIN|EADDRINUSE/);
    assert.equal(existsSync(fresh), false, 'aucun magasin créé');
  } finally {
    busy.close();
  }
});
