/**
 * Property test (fast-check): every route of the OpenAPI document gets random and malformed input —
 * broken JSON, non-object JSON, objects with unknown fields, known fields of the wrong type or out of
 * range, over-size bodies, a wrong content type, unknown ids — and must answer a 4xx with a machine
 * code and a message, never a 5xx, and leave the database exactly as it was.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { sql } from 'kysely';
import { call, login, PINS, startTestServer, storeTemplate, type TestServer } from './testing.ts';
import type { TicketView } from './ticket-view.ts';

let template: Awaited<ReturnType<typeof storeTemplate>>;
let server: TestServer;
let token: string;
let ticketId: string;

interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  anyOf?: JsonSchema[];
}
interface Operation {
  parameters?: { in: string; name: string }[];
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
}
interface Route {
  readonly method: string;
  readonly path: string;
  readonly params: readonly string[];
  readonly body: JsonSchema | undefined;
  readonly query: readonly string[];
}

let routes: Route[] = [];

async function snapshot(): Promise<string> {
  const tables = await sql<{
    name: string;
  }>`select name from sqlite_master where type = 'table' order by name`.execute(server.db);
  const hash = createHash('sha256');
  for (const { name } of tables.rows) {
    const rows = await sql`select * from ${sql.table(name)} order by 1`.execute(server.db);
    hash.update(name).update(JSON.stringify(rows.rows));
  }
  return hash.digest('hex');
}

before(async () => {
  template = await storeTemplate(1);
  server = await startTestServer({ template: template.dir });
  token = await login(server.url, 'CAISSE1', PINS.cashier);
  const opened = await call<TicketView>(server.url, 'POST', '/api/tickets', { token });
  ticketId = opened.body.id;
  await call(server.url, 'POST', `/api/tickets/${ticketId}/lines`, { token, body: { text: 'BOI0001' } });
  const doc = await call<{ paths: Record<string, Record<string, Operation>> }>(
    server.url,
    'GET',
    '/api/openapi.json',
  );
  for (const [path, operations] of Object.entries(doc.body.paths)) {
    for (const [method, op] of Object.entries(operations)) {
      routes.push({
        method: method.toUpperCase(),
        path,
        params: (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name),
        query: (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name),
        body: op.requestBody?.content?.['application/json']?.schema,
      });
    }
  }
  routes = routes.sort((a, b) => `${a.method} ${a.path}`.localeCompare(`${b.method} ${b.path}`));
});
after(async () => {
  await server.close();
  template.remove();
});

/** A value certainly refused for a property of this declared type. */
function wrongFor(schema: JsonSchema | undefined): fc.Arbitrary<unknown> {
  const types = new Set(
    [schema?.type, ...(schema?.anyOf ?? []).map((s) => s.type)].flat().filter((t) => t !== undefined),
  );
  const options: fc.Arbitrary<unknown>[] = [];
  if (!types.has('string')) options.push(fc.string({ maxLength: 20 }));
  if (!types.has('number') && !types.has('integer')) options.push(fc.double());
  if (types.has('number') || types.has('integer')) {
    options.push(fc.constantFrom(1e15, -1e15, 0.5, Number.MAX_SAFE_INTEGER * 4));
  }
  if (!types.has('boolean')) options.push(fc.boolean());
  if (!types.has('array')) options.push(fc.array(fc.integer(), { maxLength: 3 }));
  if (!types.has('object')) options.push(fc.constant({ nested: { deep: [1, 2] } }));
  return fc.oneof(...options);
}

type Attack =
  | { kind: 'text'; text: string; contentType: string }
  | { kind: 'json'; value: unknown }
  | { kind: 'huge' }
  | { kind: 'query'; query: string };

function attacks(route: Route): fc.Arbitrary<Attack> {
  const properties = Object.entries(route.body?.properties ?? {});
  const unknownKey = fc
    .string({ minLength: 1, maxLength: 12 })
    .filter((k) => !properties.some(([name]) => name === k) && k !== '__proto__');
  const extra = fc.record({ key: unknownKey, value: fc.jsonValue({ maxDepth: 2 }) });
  const list: fc.Arbitrary<Attack>[] = [
    fc.record({
      kind: fc.constant('text' as const),
      text: fc.string({ maxLength: 60 }).map((s) => `{${s}`),
      contentType: fc.constant('application/json'),
    }),
    fc.record({
      kind: fc.constant('text' as const),
      text: fc.string({ minLength: 1, maxLength: 60 }),
      contentType: fc.constantFrom('text/plain', 'application/xml', 'application/x-www-form-urlencoded'),
    }),
    fc.record({
      kind: fc.constant('json' as const),
      value: fc.oneof(
        fc.integer(),
        fc.string(),
        fc.boolean(),
        fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 4 }),
      ),
    }),
    // Objects with known fields (random values) and one unknown field.
    fc
      .tuple(
        fc.record(Object.fromEntries(properties.map(([name]) => [name, fc.jsonValue({ maxDepth: 2 })])), {
          requiredKeys: [],
        }),
        extra,
      )
      .map(([known, { key, value }]) => ({ kind: 'json' as const, value: { ...known, [key]: value } })),
    fc.constant({ kind: 'huge' as const }),
  ];
  if (properties.length > 0) {
    // Known fields only, one of them certainly of the wrong type or out of range.
    list.push(
      fc
        .constantFrom(...properties)
        .chain(([name, schema]) =>
          wrongFor(schema).map((value) => ({ kind: 'json' as const, value: { [name]: value } })),
        ),
    );
  }
  if (route.method === 'GET') {
    list.push(
      fc
        .tuple(fc.constantFrom('', ...route.query), fc.string({ maxLength: 20 }), unknownKey)
        .map(([known, value, key]) => ({
          kind: 'query' as const,
          query: `?${known === '' ? '' : `${known}=${encodeURIComponent(value)}&`}${encodeURIComponent(key)}=1`,
        })),
    );
  }
  return fc.oneof(...list);
}

test('random and malformed input on every route: a 4xx with a code, never a 5xx, nothing written', async () => {
  assert.ok(routes.length >= 30, `les routes viennent du document OpenAPI (${routes.length})`);
  const before = await snapshot();
  let requests = 0;
  for (const route of routes) {
    const idChoices = fc.constantFrom(ticketId, '00000000-0000-4000-8000-000000000000', 'pas-un-id', '1');
    await fc.assert(
      fc.asyncProperty(attacks(route), idChoices, async (attack, id) => {
        let path = route.path.replace('{id}', encodeURIComponent(id)).replace('{paymentId}', '1');
        path = path.replace('{code}', 'C00001').replace('{register}', '1').replace('{number}', '1');
        path = path.replace('{ref}', 'BOI0001').replace('{kind}', 'articles');
        let answer: { status: number; body: unknown };
        if (attack.kind === 'query') {
          answer = await call(server.url, route.method, `${path}${attack.query}`, { token });
        } else if (route.method === 'GET') {
          answer = await call(server.url, route.method, `${path}?zz_unknown=1`, { token });
        } else if (attack.kind === 'huge') {
          answer = await call(server.url, route.method, path, {
            token,
            body: { text: 'x'.repeat(server.context.config.bodyLimit + 10) },
          });
        } else if (attack.kind === 'text') {
          answer = await call(server.url, route.method, path, {
            token,
            body: attack.text,
            headers: { 'content-type': attack.contentType },
          });
        } else {
          answer = await call(server.url, route.method, path, { token, body: JSON.stringify(attack.value) });
        }
        requests += 1;
        const body = answer.body as { code?: unknown; message?: unknown };
        assert.ok(
          answer.status >= 400 && answer.status < 500,
          `${route.method} ${path} ${JSON.stringify(attack).slice(0, 200)} → ${answer.status} ${JSON.stringify(body).slice(0, 200)}`,
        );
        assert.ok(typeof body.code === 'string' && typeof body.message === 'string', 'code et message');
      }),
      { numRuns: 8, seed: 7 },
    );
  }
  assert.equal(await snapshot(), before, `la base est inchangée après ${requests} requêtes`);
});

test('unknown ids with well-formed bodies: 404, nothing written', async () => {
  const before = await snapshot();
  const unknown = '00000000-0000-4000-8000-000000000000';
  const cases: [string, string, unknown][] = [
    ['POST', `/api/tickets/${unknown}/lines`, { text: 'BOI0001' }],
    ['POST', `/api/tickets/${unknown}/total`, {}],
    ['POST', `/api/tickets/${unknown}/validate`, { idempotencyKey: 'fuzz-key-0001' }],
    ['POST', `/api/tickets/${ticketId}/point`, { lineId: 999 }],
    ['POST', `/api/tickets/${ticketId}/lines`, { text: 'NOPE0000' }],
    ['POST', `/api/tickets/${ticketId}/customer`, { text: 'NOPE0000' }],
    ['POST', `/api/tickets/${ticketId}/seller`, { code: 'NOPE' }],
    ['PUT', '/api/customers/NOPE0000', { name: 'Personne' }],
    ['PATCH', '/api/customers/NOPE0000', { city: 'Lyon' }],
    ['GET', '/api/articles/NOPE0000', undefined],
    ['GET', '/api/import/jobs/00000000-0000-4000-8000-000000000000', undefined],
    ['GET', `/api/tickets/${unknown}`, undefined],
  ];
  for (const [method, path, body] of cases) {
    const answer = await call<{ code: string }>(server.url, method, path, {
      token,
      ...(body === undefined ? {} : { body }),
    });
    assert.equal(answer.status, 404, `${method} ${path} → ${JSON.stringify(answer.body)}`);
  }
  assert.equal(await snapshot(), before, 'la base est inchangée');
});
