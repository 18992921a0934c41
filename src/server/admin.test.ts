/**
 * The manager's back office over real HTTP, on SQLite and on PostgreSQL: users (create, change,
 * disable, PIN reset with a manager's code), a new register with its signing key then used to sell,
 * families, VAT rates and payment modes. Every refusal is French and leaves nothing written.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openTillDay } from '../store/journal/index.ts';
import { hasStoredKey } from '../store/journal/key-store.ts';
import { verifyPin } from '../store/pin.ts';
import type { Db } from './ports.ts';
import {
  call,
  journalContext,
  login,
  MANAGER,
  PINS,
  startTestServer,
  type TestServer,
  validatedSale,
} from './testing.ts';

interface Jet {
  register: string;
  code: number;
  data: string;
  operator: string;
}

/** The JET records of the codes given, oldest first. */
async function jets(db: Db, codes: readonly number[]): Promise<Jet[]> {
  const rows = await db
    .selectFrom('journal')
    .select(['register', 'payload', 'sequence'])
    .where('chain', '=', 'JET')
    .orderBy('register')
    .orderBy('sequence')
    .execute();
  return rows
    .map((r) => ({ register: r.register, ...(JSON.parse(r.payload) as Omit<Jet, 'register'>) }))
    .filter((j) => codes.includes(j.code));
}

const ADMIN = { userCode: 'ADMIN', pin: PINS.admin };

for (const engine of ['sqlite', 'postgres'] as const) {
  describe(`${engine}: the manager's back office`, () => {
    let server: TestServer;
    let admin: string;
    let cashier: string;
    before(async () => {
      server = await startTestServer({
        registers: 2,
        demo: { articles: 30, boxes: 1, customers: 3 },
        ...(engine === 'postgres' ? { engine } : {}),
      });
      admin = await login(server.url, 'ADMIN', PINS.admin);
      cashier = await login(server.url, 'CAISSE1', PINS.cashier);
    });
    after(async () => {
      await server.close();
    });

    const send = <T = { code?: string; message?: string }>(
      token: string,
      method: string,
      path: string,
      body?: unknown,
    ) => call<T & { code?: string; message?: string }>(server.url, method, path, { token, body });
    const userCount = async () => (await server.db.selectFrom('users').select('code').execute()).length;

    test('a user is created with the right, journaled without the PIN; refusals write nothing', async () => {
      const users = await userCount();
      const newUser = { code: 'caisse2', name: 'Léa Martin', role: 'cashier' };
      const refused = await send(cashier, 'POST', '/api/users', newUser);
      assert.equal(refused.status, 403);
      assert.match(refused.body.message ?? '', /gestion des utilisateurs/);
      const badPin = await send(admin, 'POST', '/api/users', { ...newUser, pin: '12' });
      assert.equal(badPin.status, 422);
      assert.match(badPin.body.message ?? '', /Le code PIN doit compter 4 à 8 chiffres/);
      const badRole = await send(admin, 'POST', '/api/users', { ...newUser, role: 'boss' });
      assert.equal(badRole.status, 400);
      assert.doesNotMatch(badRole.body.message ?? '', /Invalid|expected/);
      assert.equal(await userCount(), users, 'nothing written');
      assert.deepEqual(await jets(server.db, [1140]), []);

      const created = await send<{ user: { code: string; rights: string[]; active: boolean }; pin: string }>(
        cashier,
        'POST',
        '/api/users',
        { ...newUser, authorization: ADMIN },
      );
      assert.equal(created.status, 200, JSON.stringify(created.body));
      assert.equal(created.body.user.code, 'CAISSE2');
      assert.deepEqual(created.body.user.rights, ['reprint'], 'the role’s default rights');
      assert.match(created.body.pin, /^\d{6}$/, 'a PIN drawn by the server, shown once');
      await login(server.url, 'CAISSE2', created.body.pin);
      const [jet] = await jets(server.db, [1140]);
      assert.equal(jet?.operator, 'ADMIN');
      assert.equal(jet?.data, 'utilisateur CAISSE2 « Léa Martin », rôle caissier');
      assert.ok(!JSON.stringify(jet).includes(created.body.pin));

      const twice = await send(admin, 'POST', '/api/users', { ...newUser, pin: '5555' });
      assert.equal(twice.status, 409);
      assert.match(twice.body.message ?? '', /L'utilisateur CAISSE2 existe déjà/);
      assert.equal((await jets(server.db, [1140])).length, 1, 'the refused creation left no record');
    });

    test('role, rights and activity change with the right; a disabled user is logged out', async () => {
      const chosen = await send<{ user: { code: string }; pin: null }>(admin, 'POST', '/api/users', {
        code: 'V02',
        name: 'Paul',
        role: 'seller',
        pin: '7777',
      });
      assert.equal(chosen.status, 200);
      assert.equal(chosen.body.pin, null, 'a PIN the manager chose is not sent back');
      const token = await login(server.url, 'V02', '7777');

      const role = await send<{ role: string; rights: string[] }>(admin, 'PATCH', '/api/users/v02', {
        role: 'manager',
      });
      assert.equal(role.status, 200, JSON.stringify(role.body));
      assert.ok(role.body.rights.includes('closure'), 'the manager’s default rights');
      const me = await send<{ user: { role: string } }>(token, 'GET', '/api/session');
      assert.equal(me.body.user.role, 'manager', 'the session follows the new role');

      const self = await send(admin, 'PATCH', '/api/users/ADMIN', { active: false });
      assert.equal(self.status, 409);
      assert.match(self.body.message ?? '', /Vous ne pouvez pas vous désactiver/);
      const unknown = await send(admin, 'PATCH', '/api/users/PERSONNE', { active: false });
      assert.equal(unknown.status, 404);
      assert.match(unknown.body.message ?? '', /Utilisateur inconnu : PERSONNE/);
      const byCashier = await send(cashier, 'PATCH', '/api/users/V02', { active: false });
      assert.equal(byCashier.status, 403);

      const disabled = await send<{ active: boolean }>(admin, 'PATCH', '/api/users/V02', { active: false });
      assert.equal(disabled.status, 200);
      assert.equal(disabled.body.active, false);
      assert.equal((await send(token, 'GET', '/api/session')).status, 401, 'its session is closed');
      const again = await call(server.url, 'POST', '/api/session', {
        body: { userCode: 'V02', pin: '7777', register: 1 },
      });
      assert.equal(again.status, 401, 'a disabled user cannot log in');
      const changes = (await jets(server.db, [1141])).map((j) => j.data);
      assert.deepEqual(changes, [
        `utilisateur V02 : rôle vendeur → responsable; droits aucun → ${role.body.rights.join(',')}`,
        'utilisateur V02 : état actif → désactivé',
      ]);
      const list = await send<{ items: { code: string; active: boolean }[] }>(admin, 'GET', '/api/users');
      assert.equal(list.body.items.find((u) => u.code === 'V02')?.active, false);
      // The staff is not listed to any session: the users right, or a manager's code on the spot.
      const hidden = await send<{ code: string }>(cashier, 'GET', '/api/users');
      assert.equal(hidden.status, 403);
      assert.equal(hidden.body.code, 'RIGHT_REQUIRED');
    });

    test('a PIN is reset only with a manager’s code and PIN given on the spot, journaled', async () => {
      const token = await login(server.url, 'V01', PINS.seller);
      const hash = async () =>
        (
          await server.db
            .selectFrom('users')
            .select('pin_hash')
            .where('code', '=', 'V01')
            .executeTakeFirstOrThrow()
        ).pin_hash;
      const before = await hash();
      const bare = await send(admin, 'POST', '/api/users/V01/pin', {});
      assert.equal(bare.status, 403, 'even the admin gives their code again');
      assert.match(bare.body.message ?? '', /le code et le PIN d’un responsable sont nécessaires/);
      const wrong = await send(admin, 'POST', '/api/users/V01/pin', {
        authorization: { userCode: 'ADMIN', pin: '0000' },
      });
      assert.equal(wrong.status, 401);
      const noRight = await send(admin, 'POST', '/api/users/V01/pin', {
        authorization: { userCode: MANAGER.code, pin: MANAGER.pin },
      });
      assert.equal(noRight.status, 403, 'a manager without the users right');
      const badPin = await send(admin, 'POST', '/api/users/V01/pin', { pin: 'abcd', authorization: ADMIN });
      assert.equal(badPin.status, 422);
      assert.equal(await hash(), before, 'nothing changed');
      assert.deepEqual(await jets(server.db, [1142]), []);

      const reset = await send<{ pin: string }>(cashier, 'POST', '/api/users/V01/pin', {
        authorization: ADMIN,
      });
      assert.equal(reset.status, 200, JSON.stringify(reset.body));
      assert.ok(await verifyPin(reset.body.pin, await hash()));
      assert.equal((await send(token, 'GET', '/api/session')).status, 401, 'the old sessions are closed');
      await login(server.url, 'V01', reset.body.pin);
      const [jet] = await jets(server.db, [1142]);
      assert.deepEqual([jet?.operator, jet?.data], ['ADMIN', 'utilisateur V01 : code PIN réinitialisé']);
    });

    test('a new register gets its signing key and its first records, then sells', async () => {
      const refused = await send(cashier, 'POST', '/api/registers', { number: 7, name: 'Caisse terrasse' });
      assert.equal(refused.status, 403);
      const unnamed = await send(admin, 'POST', '/api/registers', { number: 7, name: ' ' });
      assert.equal(unnamed.status, 400);
      assert.match(unnamed.body.message ?? '', /le nom de la caisse est obligatoire/);
      const depot = await send(admin, 'POST', '/api/registers', { number: 7, name: 'T', depotCode: 'NULLE' });
      assert.equal(depot.status, 404);
      assert.match(depot.body.message ?? '', /Dépôt inconnu : NULLE/);
      const taken = await send(admin, 'POST', '/api/registers', { number: 2, name: 'Encore' });
      assert.equal(taken.status, 409);
      assert.match(taken.body.message ?? '', /La caisse 2 existe déjà/);
      assert.equal(
        (await server.db.selectFrom('registers').select('number').where('number', '=', 7).execute()).length,
        0,
      );
      assert.deepEqual(await jets(server.db, [126]), []);

      const added = await send<{ number: number; keyId: string }>(cashier, 'POST', '/api/registers', {
        number: 7,
        name: 'Caisse terrasse',
        authorization: ADMIN,
      });
      assert.equal(added.status, 200, JSON.stringify(added.body));
      assert.match(added.body.keyId, /^[0-9a-f]{16}$/);
      assert.ok(hasStoredKey(server.dir, '7', 'private'), 'the private key sealed in the key store');
      assert.ok(
        !existsSync(join(server.dir, 'keys', '7', 'private.pem')),
        'never in clear in the data folder',
      );
      const first = await jets(server.db, [260, 126]);
      assert.deepEqual(
        first.filter((j) => j.register === '7').map((j) => [j.code, j.data]),
        [
          [260, `clé ${added.body.keyId}`],
          [126, `caisse 7 « Caisse terrasse », dépôt DEP1, clé ${added.body.keyId}`],
        ],
      );
      const list = await send<{ items: { number: number; keyId: string | null }[] }>(
        admin,
        'GET',
        '/api/registers',
      );
      assert.deepEqual(
        list.body.items.map((r) => r.number),
        [1, 2, 7],
      );
      assert.equal(list.body.items.at(-1)?.keyId, added.body.keyId);

      // The new register's day opens with its float count before it sells (issue 13).
      await openTillDay(server.db, journalContext(server.dir), {
        register: 7,
        operator: 'ADMIN',
        count: { total: 0 },
      });
      const there = await login(server.url, 'CAISSE1', PINS.cashier, 7);
      const sale = await validatedSale(server.url, there, `terrasse-${engine}`);
      assert.equal(sale.status, 'validated');
      const record = await server.db
        .selectFrom('journal')
        .select('key_id')
        .where('register', '=', '7')
        .where('chain', '=', 'TICKET')
        .executeTakeFirstOrThrow();
      assert.equal(record.key_id, added.body.keyId, 'signed by the new register’s key');
    });

    test('families, VAT rates and payment modes are created with their rights; refusals write nothing', async () => {
      const family = await send(admin, 'POST', '/api/families', {
        level: 1,
        code: 'jardin',
        label: 'Jardin',
      });
      assert.equal(family.status, 200, JSON.stringify(family.body));
      const dup = await send(admin, 'POST', '/api/families', { level: 1, code: 'JARDIN', label: 'Encore' });
      assert.equal(dup.status, 409);
      assert.match(dup.body.message ?? '', /La famille JARDIN existe déjà/);
      const badCode = await send(admin, 'POST', '/api/families', { level: 1, code: '-X', label: 'X' });
      assert.equal(badCode.status, 422);
      assert.match(badCode.body.message ?? '', /Code invalide/);
      assert.equal(
        (await send(cashier, 'POST', '/api/families', { level: 2, code: 'B', label: 'B' })).status,
        403,
      );
      const families = await send<{ items: { code: string }[] }>(admin, 'GET', '/api/families');
      assert.ok(families.body.items.some((f) => f.code === 'JARDIN'));
      assert.ok(!families.body.items.some((f) => f.code === 'B'));

      const rate = await send(admin, 'POST', '/api/vat-rates', {
        code: 'S',
        rate: 850,
        label: 'Taux Corse 8,5 %',
      });
      assert.equal(rate.status, 200, JSON.stringify(rate.body));
      const sameRate = await send(admin, 'POST', '/api/vat-rates', {
        code: 'T',
        rate: 850,
        label: 'Doublon',
      });
      assert.equal(sameRate.status, 409);
      const rates = await send<{ items: { code: string }[] }>(admin, 'GET', '/api/vat-rates');
      assert.deepEqual(
        rates.body.items.map((r) => r.code),
        ['N', 'I', 'S', 'R', 'P'],
      );

      const mode = {
        code: 'tr',
        label: 'Titre-restaurant',
        excess: 'refuse',
        position: 6,
      };
      const bad = await send(admin, 'POST', '/api/payment-modes', { ...mode, excess: 'garder' });
      assert.equal(bad.status, 400);
      assert.doesNotMatch(bad.body.message ?? '', /Invalid|expected/);
      assert.equal((await send(cashier, 'POST', '/api/payment-modes', mode)).status, 403);
      const created = await send(cashier, 'POST', '/api/payment-modes', { ...mode, authorization: ADMIN });
      assert.equal(created.status, 200, JSON.stringify(created.body));
      const twice = await send(admin, 'POST', '/api/payment-modes', mode);
      assert.equal(twice.status, 409);
      const info = await send<{ paymentModes: { code: string; label: string }[] }>(
        cashier,
        'GET',
        '/api/register',
      );
      assert.equal(info.body.paymentModes.at(-1)?.label, 'Titre-restaurant', 'offered at the register');
      assert.deepEqual(
        (await jets(server.db, [1030])).map((j) => j.data),
        [
          'paramètres modifiés : taux de TVA S créé : 8,5 % « Taux Corse 8,5 % »',
          'paramètres modifiés : mode de règlement TR créé : « Titre-restaurant », pas de rendu, arrondi 0, rang 6',
        ],
      );
    });

    test('lot/serial articles sell only where the register allows it, their number on the line and signed', async () => {
      const lot = await server.db
        .selectFrom('articles')
        .select(['ref', 'designation'])
        .where('lot_serial', '=', 1)
        .where('composed', '=', 0)
        .executeTakeFirstOrThrow();
      const ticket = await send<{ id: string }>(cashier, 'POST', '/api/tickets', {});
      const id = ticket.body.id;
      const line = (body: unknown) =>
        send<{ items: { designation?: string }[] }>(cashier, 'POST', `/api/tickets/${id}/lines`, body);
      const forbidden = await line({ text: lot.ref, serial: 'SN-42' });
      assert.equal(forbidden.status, 422);
      assert.equal(forbidden.body.code, 'LOT_SERIAL_REFUSED');
      const allowed = await send(admin, 'PUT', '/api/settings', {
        registers: [{ number: 1, settings: { allowLotSerial: true } }],
      });
      assert.equal(allowed.status, 200, JSON.stringify(allowed.body));
      const bare = await line({ text: lot.ref });
      assert.equal(bare.status, 422);
      assert.equal(bare.body.code, 'SERIAL_REQUIRED');
      assert.match(
        bare.body.message ?? '',
        /est géré par lot\/série : saisissez son numéro de lot ou de série/,
      );
      const plain = await line({ text: 'BOI0001', serial: 'X1' });
      assert.equal(plain.status, 422);
      assert.match(plain.body.message ?? '', /BOI0001 n’est pas géré par lot\/série/);
      const added = await line({ text: lot.ref, serial: ' SN-42 ' });
      assert.equal(added.status, 200, JSON.stringify(added.body));
      assert.deepEqual(
        added.body.items.map((i) => i.designation),
        [`${lot.designation} — n° lot/série SN-42`],
        'the refused lines left nothing',
      );
      const total = await send<{ totals: { ttc: number } }>(cashier, 'POST', `/api/tickets/${id}/total`);
      await send(cashier, 'POST', `/api/tickets/${id}/payments`, {
        mode: 'CARD',
        amount: total.body.totals.ttc,
      });
      const done = await send<{ sale: { number: number } }>(cashier, 'POST', `/api/tickets/${id}/validate`, {
        idempotencyKey: `lot-${engine}`,
      });
      assert.equal(done.status, 200, JSON.stringify(done.body));
      const sale = await send<{ payload: { detail: { lines: { designation: string }[] } } }>(
        cashier,
        'GET',
        `/api/sales/1/${done.body.sale.number}`,
      );
      assert.equal(sale.body.payload.detail.lines[0]?.designation, `${lot.designation} — n° lot/série SN-42`);
    });
  });
}
