/** The registers' article shortcuts over HTTP: the demo's grid, the editor's replacement and refusals. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { call, login, MANAGER, PINS, startTestServer, storeTemplate, type TestServer } from './testing.ts';

interface ShortcutList {
  register: number;
  items: {
    position: number;
    ref: string;
    label: string;
    color: string;
    family: string | null;
    familyLabel: string | null;
    unitPrice: number | null;
    picture: string | null;
  }[];
  code?: string;
  message?: string;
}

let template: Awaited<ReturnType<typeof storeTemplate>>;
let server: TestServer;
let token: string;

before(async () => {
  template = await storeTemplate(2);
  server = await startTestServer({ template: template.dir });
  token = await login(server.url, 'CAISSE1', PINS.cashier);
});
after(async () => {
  await server.close();
  template.remove();
});

const get = (path: string) => call<ShortcutList>(server.url, 'GET', path, { token });
const put = (number: number, body: unknown) =>
  call<ShortcutList>(server.url, 'PUT', `/api/registers/${number}/shortcuts`, { token, body });

test('the demo register has named, coloured shortcuts by family, on the server', async () => {
  const answer = await get('/api/register/shortcuts');
  assert.equal(answer.status, 200);
  const { items } = answer.body;
  assert.ok(items.length >= 16, `${items.length} shortcuts`);
  assert.deepEqual(
    items.map((s) => s.position),
    items.map((_, i) => i + 1),
  );
  const tea = items.filter((s) => s.family === 'SALON');
  assert.ok(tea.length > 0);
  assert.equal(tea[0]?.familyLabel, 'Salon de thé (sur place)');
  for (const s of items) {
    assert.notEqual(s.label, s.ref, 'a name, not a code');
    assert.match(s.color, /^#[0-9a-f]{6}$/);
    assert.ok(s.unitPrice !== null && s.unitPrice > 0);
  }
  assert.deepEqual((await get('/api/registers/2/shortcuts')).body.items, []);
});

test('the editor replaces a register’s list with the right; bad input is refused in French, nothing changed', async () => {
  const before = (await get('/api/registers/2/shortcuts')).body.items;
  const unknown = await put(2, { shortcuts: [{ ref: 'NOPE0001', label: 'Rien', color: '#ffffff' }] });
  assert.equal(unknown.status, 404);
  assert.match(unknown.body.message ?? '', /Raccourci n° 1 : article inconnu NOPE0001/);
  const colour = await put(2, { shortcuts: [{ ref: 'SAL0001', label: 'Café', color: 'rouge' }] });
  assert.equal(colour.status, 400);
  assert.match(colour.body.message ?? '', /couleur attendue au format #rrvvbb/);
  assert.doesNotMatch(colour.body.message ?? '', /Invalid|Trop/);

  const list = [
    { ref: 'sal0001', label: 'Café du matin', color: '#FDE68A' },
    {
      ref: 'BOI0001',
      label: 'Jus de pomme',
      color: '#bbf7d0',
      picture: 'data:image/png;base64,iVBORw0KGgo=',
    },
  ];
  const refused = await put(2, { shortcuts: list });
  assert.equal(refused.status, 403, 'the cashier lacks the settings right');
  assert.deepEqual((await get('/api/registers/2/shortcuts')).body.items, before, 'nothing changed');

  const saved = await put(2, { shortcuts: list, authorization: { userCode: 'ADMIN', pin: PINS.admin } });
  assert.equal(saved.status, 200, JSON.stringify(saved.body));
  assert.deepEqual(
    saved.body.items.map((s) => [s.position, s.ref, s.label, s.color, s.picture !== null]),
    [
      [1, 'SAL0001', 'Café du matin', '#fde68a', false],
      [2, 'BOI0001', 'Jus de pomme', '#bbf7d0', true],
    ],
  );
  const manager = await put(2, {
    shortcuts: [],
    authorization: { userCode: MANAGER.code, pin: MANAGER.pin },
  });
  assert.equal(manager.status, 403, 'a manager without the settings right cannot either');
});
