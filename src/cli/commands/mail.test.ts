import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type SmtpSink, startSmtpSink } from '../../mail/testing/smtp-sink.ts';
import { exampleSale } from '../../receipts/examples.ts';
import { saveCustomer } from '../../store/customers.ts';
import { initStore } from '../../store/init.ts';
import { openDatabase } from '../../store/open-database.ts';
import { type CliRun, runComptoir } from '../testing.ts';

const dir = mkdtempSync(join(tmpdir(), 'comptoir-cli-mail-'));
const data = join(dir, 'data');
/** Without store settings from the machine: no database URL, no SMTP server, no data folder. */
const env: NodeJS.ProcessEnv = { DATABASE_URL: '', SMTP_URL: '', COMPTOIR_DATA: undefined };

type Run = CliRun;

function comptoir(
  args: string[],
  options: { input?: string; env?: NodeJS.ProcessEnv; started?: (c: ChildProcess) => void } = {},
): Promise<Run> {
  return runComptoir([...args, '--data', data], { ...options, cwd: dir, env: { ...env, ...options.env } });
}

async function status(): Promise<{
  counts: Record<string, number>;
  jobs: { id: number; status: string; attempts: number; message_id: string }[];
}> {
  const run = await comptoir(['mail', 'status', '--json']);
  assert.equal(run.code, 0, run.stderr);
  return JSON.parse(run.stdout);
}

describe('comptoir mail (real processes)', () => {
  let sink: SmtpSink;
  let worker: ChildProcess | undefined;

  before(async () => {
    writeFileSync(join(dir, 'sale.json'), JSON.stringify(exampleSale));
    const db = await openDatabase({ engine: 'sqlite', file: join(data, 'comptoir.db') });
    const now = new Date('2026-11-23T08:00:00Z');
    await initStore(db, { now, pins: { admin: '1234', cashier: '2345', seller: '3456' } });
    await saveCustomer(db, { code: 'C001', name: 'Léa Martin', email: 'lea@exemple.fr' }, now);
    await saveCustomer(db, { code: 'C002', name: 'Paul Durand' }, now);
    await db.destroy();
    // The first message arrives: the worker is killed before it hears the answer (or records it).
    sink = await startSmtpSink({
      respond: async (_raw, index) => {
        if (index === 0 && worker !== undefined) {
          const dead = new Promise((resolve) => worker?.once('exit', resolve));
          worker.kill('SIGKILL');
          await dead;
        }
        return undefined;
      },
    });
  });
  after(async () => {
    await sink.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('refuses to queue without a sender address, then with a bad address; nothing queued', async () => {
    const noSender = await comptoir(['mail', 'send', '--document', 'sale.json', '--to', 'lea@exemple.fr']);
    assert.equal(noSender.code, 1, noSender.stderr);
    assert.match(noSender.stderr, /n’a pas d’adresse e-mail d’expéditeur valide.*\[MISSING_SENDER\]/);

    const db = await openDatabase({ engine: 'sqlite', file: join(data, 'comptoir.db') });
    await db.updateTable('stores').set({ email: 'contact@magasin.example', sign: 'CHAUSSURES' }).execute();
    await db.destroy();

    const bad = await comptoir(['mail', 'send', '--document', 'sale.json', '--to', 'lea@exemple']);
    assert.equal(bad.code, 2);
    assert.equal(
      bad.stderr,
      'Refusé : Adresse e-mail invalide : le domaine doit contenir un point (exemple.fr) (lea@exemple) [INVALID_EMAIL]\n',
    );
    const unknown = await comptoir(['mail', 'send', '1-000042', '--to', 'lea@exemple.fr']);
    assert.equal(unknown.code, 2);
    assert.equal(unknown.stderr, 'Refusé : Ticket inconnu : 1-000042 [UNKNOWN_SALE]\n');
    assert.equal((await status()).jobs.length, 0);
  });

  test('keeps the SMTP password out of every answer', async () => {
    const set = await comptoir(
      ['mail', 'smtp', '--host', 'smtp.exemple.fr', '--user', 'caisse', '--password-stdin', '--json'],
      {
        input: 's3cret-Pw\n',
      },
    );
    assert.equal(set.code, 0, set.stderr);
    assert.deepEqual(JSON.parse(set.stdout), {
      host: 'smtp.exemple.fr',
      port: 587,
      security: 'starttls',
      user: 'caisse',
      passwordSet: true,
    });
    const shown = await comptoir(['mail', 'smtp']);
    assert.equal(
      shown.stdout,
      'Serveur SMTP : smtp.exemple.fr:587 (starttls), utilisateur caisse, mot de passe enregistré\n',
    );
    assert.ok(
      !`${set.stdout}${set.stderr}${shown.stdout}${shown.stderr}`.includes('s3cret'),
      'no password shown',
    );
  });

  test('a worker killed mid-send, then restarted, resends the same Message-ID', async () => {
    const queued = await comptoir([
      'mail',
      'send',
      '--document',
      'sale.json',
      '--to',
      'lea@exemple.fr',
      '--json',
    ]);
    assert.equal(queued.code, 0, queued.stderr);
    const { id, messageId } = JSON.parse(queued.stdout) as { id: number; messageId: string };

    const smtpEnv = { SMTP_URL: sink.url };
    const killed = await comptoir(['mail', 'work', '--once', '--lease', '1'], {
      env: smtpEnv,
      started: (child) => {
        worker = child;
      },
    });
    worker = undefined;
    assert.equal(killed.signal, 'SIGKILL', killed.stderr);
    assert.equal(sink.messages.length, 1, 'the message reached the server');
    const midway = await status();
    assert.equal(midway.jobs[0]?.status, 'sending', 'nothing recorded: the worker died');

    await new Promise((resolve) => setTimeout(resolve, 1100)); // the 1 s lease runs out
    const restarted = await comptoir(['mail', 'work', '--once'], { env: smtpEnv });
    assert.equal(restarted.code, 0, restarted.stderr);
    assert.match(restarted.stdout, /Envoyés : 1/);

    const ids = await Promise.all(sink.messages.map(async (m) => (await sink.parse(m)).messageId));
    assert.deepEqual(ids, [messageId, messageId], 'one Message-ID for both deliveries');
    const [first, second] = await Promise.all(sink.messages.map((m) => sink.parse(m)));
    assert.equal(first?.subject, second?.subject);
    assert.ok(
      first?.attachments[0]?.content.equals(second?.attachments[0]?.content ?? Buffer.alloc(0)),
      'same PDF',
    );

    const after = await status();
    assert.deepEqual(
      after.jobs.map((j) => [j.id, j.status, j.attempts]),
      [[id, 'sent', 2]],
    );
    const detail = await comptoir(['mail', 'status', '--id', String(id)]);
    assert.match(detail.stdout, new RegExp(`Message-ID : ${messageId.replace(/[.]/g, '\\.')}`));
    assert.match(detail.stdout, /Statut : envoyé/);
    const retry = await comptoir(['mail', 'retry', String(id)]);
    assert.equal(retry.code, 1);
    assert.match(retry.stderr, /déjà été envoyé.*\[NOT_RETRYABLE\]/);
  });

  test('campaign: dry run lists, a bad date is refused, a real run queues and marks', async () => {
    const dry = await comptoir(['mail', 'campaign', '--dry-run', '--include-no-email', '--json']);
    assert.equal(dry.code, 0, dry.stderr);
    const selection = JSON.parse(dry.stdout) as { email: { code: string }[]; print: { code: string }[] };
    assert.deepEqual(
      selection.email.map((c) => c.code),
      ['C001'],
    );
    assert.deepEqual(
      selection.print.map((c) => c.code),
      ['C002'],
    );

    const badDate = await comptoir(['mail', 'campaign', '--sold-from', '2026-13-01']);
    assert.equal(badDate.code, 2, badDate.stderr);
    assert.match(badDate.stderr, /Date invalide : 2026-13-01.*\[INVALID_FILTER\]/);

    const real = await comptoir(['mail', 'campaign']);
    assert.equal(real.code, 0, real.stderr);
    assert.match(
      real.stdout,
      /Lettres par e-mail mises en file : 1\n {2}C001 {2}Léa Martin {2}<lea@exemple.fr>/,
    );
    const again = await comptoir(['mail', 'campaign', '--json']);
    assert.deepEqual(JSON.parse(again.stdout).email, [], 'the flag is set');
  });
});
