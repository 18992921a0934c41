/**
 * The upward path against the real PostgreSQL (docs/multi-store.md): one central database and one
 * central app on port 0 for the file; journals built with the fiscal test builder (signed for real) and
 * a real store (SQLite) synced by `uploadJournal`.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { makeCliStore, runComptoir } from '../cli/testing.ts';
import type { JournalRecord } from '../fiscal/record.ts';
import { exportPublicKeyPem, generateSigningKeyPair, type KeyPair } from '../fiscal/signing.ts';
import { COFFEE, JournalBuilder, sampleJournal, WINE } from '../fiscal/testing.ts';
import { call } from '../server/testing.ts';
import { type JournalFixture, openJournalFixture, SIMPLE_SALE } from '../store/journal/testing.ts';
import { createTestDatabase, DIALECTS } from '../store/test-dialects.ts';
import { buildCentralApp } from './app.ts';
import { type CentralDb, openCentralDatabase } from './database.ts';
import { issueEnrolmentCode } from './enrol.ts';
import { centralStatus, verifyCentral } from './report.ts';
import { scheduleSync, syncPeriodMs } from './schedule.ts';
import { enrolWithCentral, LINK_FILE, readLink, uploadJournal } from './sync.ts';

const NOW = new Date('2026-12-04T10:00:00Z');
let database: Awaited<ReturnType<typeof createTestDatabase>>;
let db: CentralDb;
let app: FastifyInstance;
let url: string;

before(async () => {
  database = await createTestDatabase();
  db = await openCentralDatabase(database.url);
  app = buildCentralApp(db, { now: () => NOW });
  await app.listen({ port: 0, host: '127.0.0.1' });
  url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
});

after(async () => {
  await app.close();
  await db.destroy();
  await database.drop();
});

const post = (path: string, body: unknown, token?: string) =>
  call(url, 'POST', path, { body, ...(token === undefined ? {} : { token }) });

async function held(store: string): Promise<number> {
  const row = await db
    .selectFrom('central_journal')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('store', '=', store)
    .executeTakeFirstOrThrow();
  return row.n;
}

async function alerts(store: string): Promise<{ code: string; sequence: number; message: string }[]> {
  return db
    .selectFrom('central_alerts')
    .select(['code', 'sequence', 'message'])
    .where('store', '=', store)
    .orderBy('id')
    .execute();
}

/** Enrols `store` with the public keys given, through the API; returns its token. */
async function enrol(store: string, register: string, ...keys: KeyPair[]): Promise<string> {
  const code = await issueEnrolmentCode(db, store, NOW);
  const answer = await post('/central/v1/enrol', {
    code,
    keys: keys.map((k) => ({ register, pem: exportPublicKeyPem(k.publicKey) })),
  });
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  return String(answer.body.token);
}

const upload = (token: string, records: readonly unknown[], keys: unknown[] = []) =>
  post('/central/v1/journal', { records, keys }, token);

test('an upload is accepted, the same upload again changes nothing, and the heads say where it stands', async () => {
  const keys = generateSigningKeyPair();
  const token = await enrol('lyon', 'C1', keys);
  const journal = sampleJournal(keys, 'C1');
  const first = await upload(token, journal.records);
  assert.equal(first.status, 200, JSON.stringify(first.body));
  assert.deepEqual(first.body, { accepted: journal.records.length, skipped: 0 });
  assert.equal(await held('lyon'), journal.records.length);

  const again = await upload(token, journal.records);
  assert.deepEqual(again.body, { accepted: 0, skipped: journal.records.length });
  assert.equal(await held('lyon'), journal.records.length);

  // A batch half held, half new: the held part skipped, the rest accepted.
  const more = [journal.sale([COFFEE]), journal.sale([WINE])];
  const mixed = await upload(token, [...journal.records.slice(-4)]);
  assert.deepEqual(mixed.body, { accepted: more.length, skipped: 2 });

  const heads = await call<{ heads: { chain: string; sequence: number }[] }>(
    url,
    'GET',
    '/central/v1/heads',
    {
      token,
    },
  );
  const list = heads.body.heads;
  const ticket = list.find((h) => h.chain === 'TICKET');
  assert.equal(ticket?.sequence, journal.heads.get('TICKET')?.sequence);
  assert.deepEqual(await alerts('lyon'), []);
});

test('a forged record refuses the whole batch with an alert, and nothing is written', async () => {
  const keys = generateSigningKeyPair();
  const token = await enrol('nantes', 'C1', keys);
  const journal = new JournalBuilder('C1', keys);
  assert.equal((await upload(token, journal.records)).status, 200);
  const before = await held('nantes');
  const good = journal.sale([COFFEE]);
  const next = journal.sale([WINE]);
  // Signed by another key under the enrolled key's id.
  const forger = new JournalBuilder('C1', generateSigningKeyPair());
  const forged = { ...next, signature: forger.sale([WINE]).signature };
  const answer = await upload(token, [good, forged]);
  assert.equal(answer.status, 422);
  assert.equal(answer.body.code, 'BAD_SIGNATURE');
  assert.match(String(answer.body.message), /Signature invalide \(caisse C1, chaîne TICKET, n° 2\)/);
  assert.equal(await held('nantes'), before, 'the good record before it is not written either');
  assert.deepEqual(
    (await alerts('nantes')).map((a) => [a.code, a.sequence]),
    [['BAD_SIGNATURE', 2]],
  );
  // An edited amount under a genuine signature: the signed text no longer matches.
  const edited = { ...good, payload: { ...good.payload, totalTtc: 1 } } as unknown as JournalRecord;
  const textAnswer = await upload(token, [edited]);
  assert.equal(textAnswer.status, 422);
  assert.equal(textAnswer.body.code, 'TEXT_MISMATCH');
  // The genuine records still go up afterwards.
  assert.deepEqual((await upload(token, [good, next])).body, { accepted: 2, skipped: 0 });
});

test('a gap is refused and writes nothing', async () => {
  const keys = generateSigningKeyPair();
  const token = await enrol('lille', 'C1', keys);
  const journal = new JournalBuilder('C1', keys);
  journal.sale([COFFEE]);
  const third = journal.sale([WINE]);
  const jet = journal.records.filter((r) => r.chain === 'JET');
  assert.equal((await upload(token, jet)).status, 200);
  const answer = await upload(token, [third]);
  assert.equal(answer.status, 409);
  assert.equal(answer.body.code, 'GAP');
  assert.match(String(answer.body.message), /attend le n° 1/);
  assert.equal(await held('lille'), jet.length);
});

test('a different record under a held sequence is a fork: refused, with an alert', async () => {
  const keys = generateSigningKeyPair();
  const token = await enrol('nice', 'C1', keys);
  const journal = new JournalBuilder('C1', keys);
  journal.sale([COFFEE]);
  journal.sale([COFFEE]);
  assert.equal((await upload(token, journal.records)).status, 200);
  const before = await held('nice');
  // The same register restored from a backup taken after ticket 1, which then sold something else.
  const restored = new JournalBuilder('C1', keys);
  restored.sale([COFFEE]);
  const other = restored.sale([WINE]);
  const answer = await upload(token, [other]);
  assert.equal(answer.status, 409);
  assert.equal(answer.body.code, 'FORK');
  assert.match(String(answer.body.message), /Journal divergent \(caisse C1, chaîne TICKET, n° 2\)/);
  assert.equal(await held('nice'), before);
  assert.deepEqual(
    (await alerts('nice')).map((a) => [a.code, a.sequence]),
    [['FORK', 2]],
  );
});

test('a key rotation travels as its signed record: the new key is enrolled only when announced', async () => {
  const keys = generateSigningKeyPair();
  const token = await enrol('pau', 'C1', keys);
  const journal = new JournalBuilder('C1', keys);
  const next = generateSigningKeyPair();
  const stranger = generateSigningKeyPair();
  journal.rotate(next);
  const sale = journal.sale([COFFEE]);
  const offered = [next, stranger].map((k) => ({ register: 'C1', pem: exportPublicKeyPem(k.publicKey) }));
  const withoutKey = await upload(token, journal.records);
  assert.equal(withoutKey.body.code, 'UNKNOWN_KEY');
  assert.deepEqual((await upload(token, journal.records, offered)).body, {
    accepted: journal.records.length,
    skipped: 0,
  });
  const enrolled = await db.selectFrom('central_keys').select('key_id').where('store', '=', 'pau').execute();
  assert.deepEqual(enrolled.map((k) => k.key_id).sort(), [keys.keyId, next.keyId].sort());
  assert.equal(sale.keyId, next.keyId);
});

test('enrolment codes serve once; a wrong token is refused; the uploaded journal cannot be edited', async () => {
  const code = await issueEnrolmentCode(db, 'brest', NOW);
  const pem = exportPublicKeyPem(generateSigningKeyPair().publicKey);
  assert.equal((await post('/central/v1/enrol', { code, keys: [{ register: '1', pem }] })).status, 200);
  const twice = await post('/central/v1/enrol', { code, keys: [{ register: '1', pem }] });
  assert.equal(twice.status, 403);
  assert.match(String(twice.body.message), /déjà utilisé/);
  const stranger = await upload('pas-un-jeton', []);
  assert.equal(stranger.status, 401);
  const token = String(
    (
      await post('/central/v1/enrol', {
        code: await issueEnrolmentCode(db, 'brest', NOW),
        keys: [{ register: '1', pem }],
      })
    ).body.token,
  );
  const { signature: _dropped, ...unsigned } = sampleJournal(generateSigningKeyPair(), '1')
    .records[0] as JournalRecord;
  const malformed = await upload(token, [unsigned]);
  assert.equal(malformed.status, 400);
  assert.equal(malformed.body.message, 'Enregistrement n° 1 du lot illisible : champ « signature » absent.');
  const tooMany = await upload(
    token,
    Array.from({ length: 1001 }, () => unsigned),
  );
  assert.equal(tooMany.body.code, 'BATCH_TOO_LARGE');
  assert.equal(await held('brest'), 0);
  await assert.rejects(
    db.updateTable('central_journal').set({ signature: 'x' }).where('store', '=', 'lyon').execute(),
    /inaltérables/,
  );
  await assert.rejects(db.deleteFrom('central_keys').execute(), /inaltérables/);
  await assert.rejects(sql`truncate central_alerts`.execute(db), /inaltérables/);
});

test('comptoir sync’s upload from a real store: enrol once, send what is new, retry a failed call', async () => {
  const fixture: JournalFixture = await openJournalFixture(DIALECTS[0] ?? assert.fail('no dialect'), 2);
  try {
    await fixture.sell(1, SIMPLE_SALE);
    await fixture.sell(2, SIMPLE_SALE);
    const code = await issueEnrolmentCode(db, 'rennes', NOW);
    const link = await enrolWithCentral(fixture.dataDir, url, code);
    const first = await uploadJournal(fixture.db, fixture.dataDir, link);
    const total = (await fixture.records()).length;
    assert.equal(
      first.reduce((n, r) => n + r.accepted, 0),
      total,
    );
    assert.equal(await held('rennes'), total);

    await fixture.sell(1, SIMPLE_SALE);
    const waits: number[] = [];
    let failures = 1;
    const flaky: typeof fetch = async (input, init) => {
      if (failures-- > 0) throw new Error('connexion refusée');
      return fetch(input, init);
    };
    const second = await uploadJournal(fixture.db, fixture.dataDir, link, {
      fetch: flaky,
      sleep: async (ms) => {
        waits.push(ms);
      },
    });
    assert.deepEqual(waits, [500]);
    // The central commits a batch but its answer is lost: the retry finds it held, nothing twice.
    await fixture.sell(2, SIMPLE_SALE);
    let lost = 0;
    const losing: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (String(input).endsWith('/journal') && lost++ === 0) throw new Error('connexion coupée');
      return response;
    };
    const resent = await uploadJournal(fixture.db, fixture.dataDir, link, {
      fetch: losing,
      sleep: async () => {},
    });
    assert.deepEqual(
      resent.filter((r) => r.sent > 0).map((r) => [r.register, r.chain, r.sent, r.accepted, r.skipped]),
      [['2', 'TICKET', 1, 0, 1]],
    );
    assert.equal(await held('rennes'), total + 2);

    // The server's own sync: the same upload, logged; not two at once; stopped cleanly.
    await fixture.sell(1, SIMPLE_SALE);
    const lines: string[] = [];
    const scheduled = scheduleSync(fixture.db, fixture.dataDir, {
      everyMs: 3_600_000,
      log: (l) => lines.push(l),
    });
    assert.ok(scheduled !== undefined);
    const [run, overlapping] = [scheduled.runNow(), scheduled.runNow()];
    assert.equal(await overlapping, undefined);
    assert.equal((await run)?.find((r) => r.sent > 0)?.register, '1');
    await scheduled.stop();
    assert.deepEqual(lines, ['Synchronisation avec le siège : 1 enregistrement(s) envoyé(s).']);
    assert.equal(await held('rennes'), total + 3);
    assert.equal(scheduleSync(fixture.db, '/nonexistent', { everyMs: 1000, log: () => {} }), undefined);
    writeFileSync(join(fixture.dataDir, LINK_FILE), '{"url": ');
    assert.throws(() => readLink(fixture.dataDir), /central\.json illisible : supprimez-le/);
    const said: string[] = [];
    assert.equal(
      scheduleSync(fixture.db, fixture.dataDir, { everyMs: 1000, log: (l) => said.push(l) }),
      undefined,
    );
    assert.match(
      said[0] ?? '',
      /^Synchronisation avec le siège impossible : Fichier .*central\.json illisible/,
    );
    assert.equal(syncPeriodMs({}), 300_000);
    assert.equal(syncPeriodMs({ COMPTOIR_SYNC_MINUTES: '0.5' }), 30_000);
    assert.throws(() => syncPeriodMs({ COMPTOIR_SYNC_MINUTES: 'souvent' }), /COMPTOIR_SYNC_MINUTES invalide/);
    assert.deepEqual(
      second.filter((r) => r.sent > 0).map((r) => [r.register, r.chain, r.sent, r.accepted]),
      [['1', 'TICKET', 1, 1]],
    );
  } finally {
    await fixture.close();
  }
});

test('comptoir sync --central URL --code CODE enrols the store and uploads its journal', async () => {
  const data = mkdtempSync(join(tmpdir(), 'comptoir-sync-'));
  try {
    await makeCliStore(data);
    const code = await issueEnrolmentCode(db, 'tours', NOW);
    const run = await runComptoir(['sync', '--central', url, '--code', code, '--data', data], { cwd: data });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /Magasin inscrit au siège sous le nom tours/);
    const sent = Number(/(\d+) enregistrement\(s\) envoyé\(s\) au siège/.exec(run.stdout)?.[1]);
    assert.ok(sent > 0, run.stdout);
    assert.match(run.stdout, /Caisse 1 JET +envoyés \d+ \(acceptés \d+, déjà reçus 0\)/);
    assert.equal(await held('tours'), sent);
  } finally {
    rmSync(data, { recursive: true, force: true });
  }
});

test('status counts what each store holds; verify runs the stores’ verifier over every uploaded journal', async () => {
  const keys = generateSigningKeyPair();
  const token = await enrol('dijon', 'C1', keys);
  const journal = sampleJournal(keys, 'C1');
  assert.equal((await upload(token, journal.records)).status, 200);
  const dijon = (await centralStatus(db)).find((s) => s.store === 'dijon');
  assert.equal(dijon?.registers[0]?.records, journal.records.length);
  assert.equal(dijon?.registers[0]?.lastSequence.TICKET, journal.heads.get('TICKET')?.sequence);
  assert.equal(dijon?.registers[0]?.lastUpload, NOW.toISOString());
  const nice = (await centralStatus(db)).find((s) => s.store === 'nice');
  assert.equal(nice?.alerts, 1, 'the fork of an earlier test');

  const everyStore = await verifyCentral(db);
  assert.deepEqual(
    everyStore.filter((s) => !s.ok).map((s) => [s.store, s.problems.map((p) => p.code)]),
    [],
  );
  assert.ok(everyStore.find((s) => s.store === 'dijon')?.recordsChecked === journal.records.length);

  // A record written around the API (the table takes inserts): the verifier reports it.
  const next = journal.sale([COFFEE]);
  await db
    .insertInto('central_journal')
    .values({
      store: 'dijon',
      register: 'C1',
      chain: 'TICKET',
      sequence: next.sequence,
      signature: next.signature,
      record: JSON.stringify({ ...next, signature: journal.records[1]?.signature }),
      announced_key_id: null,
      received_at: NOW.toISOString(),
    })
    .execute();
  const after = (await verifyCentral(db)).find((s) => s.store === 'dijon');
  assert.equal(after?.ok, false);
  assert.deepEqual(
    after?.problems.map((p) => [p.code, p.sequence]),
    [['BAD_SIGNATURE', next.sequence]],
  );
});
