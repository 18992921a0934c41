/**
 * `comptoir init`, `import`, `export` and `lookup` as real processes (bin/comptoir.js) on temporary
 * data directories: the happy paths, then bad input with its French message, its exit code and nothing
 * written. Each process costs about a second (tsx, drivers): the lookup semantics and every refusal
 * are tested in process in src/store/; here, the wiring of each command and each kind of failure.
 */
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import { verifyPin } from '../../store/pin.ts';
import { DIALECTS, POSTGRES_ADMIN_URL } from '../../store/test-dialects.ts';
import { frenchUsageMessage } from '../run-command.ts';
import { type CliRun, runComptoir } from '../testing.ts';
import { formatImportReport, progressBar } from './csv.ts';

const dir = mkdtempSync(join(tmpdir(), 'comptoir-cli-store-'));
after(() => rmSync(dir, { recursive: true, force: true }));

type Run = CliRun;

/** Runs the real `comptoir` command in `dir`, with `env` added to an environment without store settings. */
function comptoir(args: readonly string[], env: Record<string, string> = {}): Promise<Run> {
  return runComptoir(args, { cwd: dir, env: { COMPTOIR_DATA: undefined, ...env } });
}

const path = (...parts: string[]) => join(dir, ...parts);

/** Reads one value from a store's SQLite file, without the project's code. */
function sqlite<T>(dataDir: string, query: string, ...params: string[]): T {
  const db = new SqliteDatabase(join(dataDir, 'comptoir.db'), { readonly: true });
  try {
    return db
      .prepare(query)
      .pluck()
      .get(...params) as T;
  } finally {
    db.close();
  }
}
const count = (dataDir: string, table: string) => sqlite<number>(dataDir, `select count(*) from ${table}`);

const SHOP = path('shop');

/** A copy of the initialised demo store, so that tests which write do not meet each other. */
function copyOfShop(name: string): string {
  const target = path(name);
  cpSync(SHOP, target, { recursive: true });
  return target;
}

let initRun: Run;
before(async () => {
  initRun = await comptoir(['init', '--demo', '--name', 'Épicerie du port'], { COMPTOIR_DATA: SHOP });
});

describe('comptoir init', () => {
  test('creates the store and prints each PIN once; only their hashes are kept', async () => {
    assert.equal(initRun.code, 0, initRun.stderr);
    assert.match(initRun.stdout, /Base créée : SQLite, .*comptoir\.db/);
    assert.match(initRun.stdout, /Magasin MAG1 « Épicerie du port », caisse 1, client comptoir DIVERS/);
    assert.match(initRun.stdout, /Démonstration : \d{3} articles/);
    const pins = [...initRun.stdout.matchAll(/^ {2}(\S+)\s+\S+\s+(\d{6})$/gm)].map((m) => [
      m[1] ?? '',
      m[2] ?? '',
    ]);
    assert.deepEqual(
      pins.map(([code]) => code),
      ['ADMIN', 'CAISSE1', 'V01'],
    );
    const file = readFileSync(join(SHOP, 'comptoir.db'));
    for (const [code, pin] of pins) {
      const hash = sqlite<string>(SHOP, 'select pin_hash from users where code = ?', code ?? '');
      assert.equal(await verifyPin(pin ?? '', hash), true, `PIN of ${code}`);
      assert.ok(!file.includes(`$${pin}`), `PIN of ${code} not in clear`);
    }
    assert.equal(count(SHOP, "customers where code = 'DIVERS'"), 1);
    assert.equal(count(SHOP, 'payment_modes'), 5);
  });

  test('a second init is refused (exit 1), changes nothing and prints no PIN', async () => {
    const dataDir = copyOfShop('init-again');
    const before = [count(dataDir, 'users'), count(dataDir, 'articles')];
    const run = await comptoir(['init', '--data', dataDir]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /Erreur \(ALREADY_INITIALISED\) : La base est déjà initialisée/);
    assert.equal(run.stdout, '');
    assert.deepEqual([count(dataDir, 'users'), count(dataDir, 'articles')], before);
  });

  test('a malformed SIRET is refused (exit 2) and leaves the store uninitialised', async () => {
    const dataDir = path('bad-siret');
    const siret = await comptoir(['init', '--data', dataDir, '--siret', '73282932000075']);
    assert.equal(siret.code, 2);
    assert.match(siret.stderr, /Erreur \(INVALID_SIRET\) : Numéro SIRET invalide/);
    assert.equal(count(dataDir, 'stores'), 0);
    assert.equal(count(dataDir, 'users'), 0);
    const ok = await comptoir(['init', '--data', dataDir, '--siret', '732 829 320 00074']);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(sqlite<string>(dataDir, 'select siret from stores'), '73282932000074');
  });
});

interface LookupJson {
  readonly kind?: string;
  readonly items: readonly {
    ref?: string;
    code?: string;
    sellerCode?: string;
    price?: { unitPrice: number };
  }[];
  readonly hasMore: boolean;
  readonly error?: { code: string } | null;
}

describe('comptoir lookup', { concurrency: true }, () => {
  const lookup = async (...args: string[]): Promise<LookupJson> => {
    const run = await comptoir(['lookup', ...args], { COMPTOIR_DATA: SHOP });
    assert.equal(run.code, 0, run.stderr);
    return JSON.parse(run.stdout) as LookupJson;
  };

  test('a supplier reference SUPPLIER-REF finds its article, with its price', async () => {
    const [supplier = '', ref] = sqlite<string>(
      SHOP,
      "select supplier_code || '-' || supplier_ref || ' ' || ref from supplier_refs join articles on articles.id = article_id order by ref limit 1",
    ).split(' ');
    const found = await lookup(supplier.toLowerCase());
    assert.equal(found.kind, 'supplierRef');
    assert.equal(found.items[0]?.ref, ref);
    assert.equal(typeof found.items[0]?.price?.unitPrice, 'number');
  });

  test('a reference prefix, paged', async () => {
    const page = await lookup('epi', '--limit', '3', '--offset', '3');
    assert.equal(page.kind, 'refPrefix');
    assert.deepEqual(
      page.items.map((i) => i.ref),
      ['EPI0004', 'EPI0005', 'EPI0006'],
    );
    assert.equal(page.hasMore, true);
  });

  test('-TEXT on designations, after --', async () => {
    const text = await lookup('--', '-cafe');
    assert.equal(text.kind, 'designation');
    assert.ok(text.items.length > 0, 'some designations start with Café');
  });

  test('customers by -NAME; sellers by code', async () => {
    const byName = await lookup('--customer', '--', '-martin');
    assert.equal(byName.kind, 'name');
    assert.ok(byName.items.length > 0, 'MARTIN customers');
    const seller = await lookup('--seller', 'v01');
    assert.deepEqual(
      seller.items.map((s) => s.sellerCode),
      ['V01'],
    );
  });

  test('a text starting with « - » without -- gets a French hint (exit 2)', async () => {
    const run = await comptoir(['lookup', '-CAFE'], { COMPTOIR_DATA: SHOP });
    assert.equal(run.code, 2);
    assert.match(run.stderr, /option inconnue « -CAFE » ; pour chercher .* « -- -CAFE »/);
  });

  test('an EAN with a wrong check digit: JSON with the error, exit 2', async () => {
    const run = await comptoir(['lookup', '--data', SHOP, '3017620422004']);
    assert.equal(run.code, 2);
    assert.equal((JSON.parse(run.stdout) as LookupJson).error?.code, 'INVALID_EAN');
    assert.match(run.stderr, /Erreur \(INVALID_EAN\) : .*clé de contrôle fausse/);
  });

  test('an uninitialised data directory is refused (exit 1) and no file is created', async () => {
    const empty = path('nothing-here');
    const run = await comptoir(['lookup', '--data', empty, 'EPI']);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /Erreur \(NOT_INITIALISED\) : .*comptoir init/);
    assert.equal(existsSync(empty), false);
  });
});

describe('comptoir export and import', { concurrency: true }, () => {
  test('export --out, then import of that file: every row accepted', async () => {
    const dataDir = copyOfShop('round-trip');
    const exported = await comptoir(['export', 'articles', '--data', dataDir, '--out', 'articles.csv']);
    assert.equal(exported.code, 0, exported.stderr);
    const articles = count(dataDir, 'articles');
    assert.match(exported.stderr, new RegExp(`^${articles} articles exportés dans articles\\.csv`));
    const text = readFileSync(path('articles.csv'), 'utf8');
    assert.equal(text.trimEnd().split('\n').length, articles + 1);
    assert.match(text, /^ref;designation;ean;/);
    const imported = await comptoir(['import', 'articles', 'articles.csv', '--data', dataDir]);
    assert.equal(imported.code, 0, imported.stderr);
    assert.match(imported.stdout, new RegExp(`${articles} lignes lues, ${articles} importées, 0 refusées`));
    assert.doesNotMatch(imported.stderr, /\r/, 'no progress bar when standard error is not a terminal');
    assert.equal(count(dataDir, 'articles'), articles);
  });

  test('an import that changes a price is a JET event, the change kept in the price history', async () => {
    const dataDir = copyOfShop('prices');
    const ref = sqlite<string>(
      dataDir,
      'select a.ref from articles a join vat_rates v on v.id = a.vat_rate_id where v.rate = 2000 and a.composed = 0 and a.eco_participation = 0 and a.issues is null order by a.id limit 1',
    );
    const price = sqlite<number>(
      dataDir,
      "select p.price from article_prices p join articles a on a.id = p.article_id where a.ref = ? and p.tariff_code = 'BASE'",
      ref,
    );
    const designation = sqlite<string>(dataDir, 'select designation from articles where ref = ?', ref);
    writeFileSync(
      path('prices.csv'),
      `ref;designation;vat_rate;price\n${ref};${designation};20;${(price + 100) / 100}\n`,
    );
    const run = await comptoir(['import', 'articles', 'prices.csv', '--data', dataDir]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(
      sqlite<string>(
        dataDir,
        "select old_value || '→' || new_value from price_history where article_ref = ?",
        ref,
      ),
      `${price}→${price + 100}`,
    );
    const jet = sqlite<string>(
      dataDir,
      "select payload from journal where chain = 'JET' and payload like '%Import CSV%' order by sequence desc limit 1",
    );
    assert.match(jet, /Import CSV d’articles \(prices\.csv\)/);
    assert.match(jet, /1 ligne\(s\) importée\(s\) sur 1, 1 changement\(s\) de prix/);
  });

  test('export to standard output', async () => {
    const run = await comptoir(['export', 'customers'], { COMPTOIR_DATA: SHOP });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^code;card_number;name;/);
    assert.match(run.stdout, /\nDIVERS;;Client comptoir;/);
  });

  test('refused rows are reported with line number and reason (exit 1); the others imported', async () => {
    const dataDir = copyOfShop('mixed');
    const before = count(dataDir, 'articles');
    const ean = sqlite<string>(dataDir, "select barcode from article_barcodes where kind = 'ean13' limit 1");
    writeFileSync(
      path('mixed.csv'),
      [
        'ref;designation;ean;vat_rate;price',
        'NEW1;Nouveau;;20;1,50',
        `NEW2;Doublon EAN;${ean};20;1`,
        'NEW3;TVA inconnue;;19,6;1',
        'NEW4;Négatif;;5,5;-2',
      ].join('\n'),
    );
    const run = await comptoir(['import', 'articles', 'mixed.csv', '--data', dataDir]);
    assert.equal(run.code, 1);
    assert.match(run.stdout, /4 lignes lues, 1 importées, 3 refusées/);
    assert.match(run.stdout, /ligne 3 \(DUPLICATE_EAN\) : Le code \d{13} appartient déjà à l'article /);
    assert.match(run.stdout, /ligne 4 \(UNKNOWN_VAT_RATE\) : Taux de TVA inconnu : 19,6 %/);
    assert.match(run.stdout, /ligne 5 \(NEGATIVE_PRICE\) : Un prix ne peut pas être négatif/);
    assert.equal(count(dataDir, 'articles'), before + 1);
  });

  test('customers: a malformed e-mail is reported on its line; --json gives the report', async () => {
    const dataDir = copyOfShop('customers');
    writeFileSync(path('clients.csv'), 'code;name;email\nK1;Dupond;dupond@example.fr\nK2;Durand;durand@\n');
    const run = await comptoir(['import', 'customers', 'clients.csv', '--json'], { COMPTOIR_DATA: dataDir });
    assert.equal(run.code, 1);
    const report = JSON.parse(run.stdout);
    assert.equal(report.imported, 1);
    assert.deepEqual(report.rejected, [
      { line: 3, code: 'INVALID_EMAIL', reason: 'Adresse e-mail invalide (email)' },
    ]);
  });

  const refusedWhole: [string, string | Buffer, RegExp][] = [
    [
      'broken quoting',
      'ref;designation;vat_rate\nB1;Bon;20\nB2;"Album;20\nB3;Autre;20\n',
      /Erreur \(CSV_QUOTING\) : CSV mal formé à la ligne 4 : un guillemet ouvert n.est jamais refermé/,
    ],
    [
      'a file in Latin-1, not UTF-8',
      Buffer.from('ref;designation;vat_rate\nB1;Bon;20\nB2;Café;20\n', 'latin1'),
      /Erreur \(CSV_ENCODING\) : Le fichier n'est pas en UTF-8 \(ligne 3\)/,
    ],
  ];
  for (const [what, content, message] of refusedWhole) {
    test(`${what}: refused whole (exit 2), nothing written`, async () => {
      const name = what.replace(/\W+/g, '-');
      const dataDir = copyOfShop(`refused-${name}`);
      const before = count(dataDir, 'articles');
      writeFileSync(path(`${name}.csv`), content);
      const run = await comptoir(['import', 'articles', `${name}.csv`, '--data', dataDir]);
      assert.equal(run.code, 2, run.stderr);
      assert.match(run.stderr, message);
      assert.equal(run.stdout, '');
      assert.equal(count(dataDir, 'articles'), before);
    });
  }

  test('a missing file, an unknown kind or option: French errors, exit 2', async () => {
    const missing = await comptoir(['import', 'articles', 'absent.csv'], { COMPTOIR_DATA: SHOP });
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /Erreur \(FILE_NOT_FOUND\) : Fichier introuvable : absent\.csv/);
    const kind = await comptoir(['import', 'produits', 'absent.csv'], { COMPTOIR_DATA: SHOP });
    assert.equal(kind.code, 2);
    assert.match(kind.stderr, /valeur « produits » invalide pour kind \(au choix : articles, customers\)/);
    const option = await comptoir(['export', 'articles', '--sortie', 'x.csv'], { COMPTOIR_DATA: SHOP });
    assert.equal(option.code, 2);
    assert.match(option.stderr, /Erreur \(USAGE\) : option inconnue « --sortie »/);
  });

  test('export into a folder that does not exist: exit 1, no file left behind', async () => {
    const run = await comptoir(['export', 'customers', '--out', path('no', 'such', 'x.csv')], {
      COMPTOIR_DATA: SHOP,
    });
    assert.equal(run.code, 1);
    assert.match(run.stderr, /Erreur \(WRITE_FAILED\) : Écriture impossible de .*x\.csv \(ENOENT\)/);
    assert.equal(existsSync(path('no')), false);
  });
});

const postgres = DIALECTS.some((d) => d.name === 'postgres');
describe('the same commands on PostgreSQL (DATABASE_URL)', {
  skip: !postgres && 'no PostgreSQL server',
}, () => {
  const name = `comptoir_cli_${process.pid}_${Date.now().toString(36)}`;
  const admin = async (text: string) => {
    const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
    await client.connect();
    await client.query(text).finally(() => client.end());
  };
  before(() => admin(`create database ${name}`));
  after(() => admin(`drop database if exists ${name} with (force)`));

  test('init, import and lookup on the server', async () => {
    const url = new URL(POSTGRES_ADMIN_URL);
    url.pathname = `/${name}`;
    const env = { DATABASE_URL: url.toString(), COMPTOIR_DATA: path('pg-data') };
    const init = await comptoir(['init'], env);
    assert.equal(init.code, 0, init.stderr);
    assert.match(init.stdout, /Base créée : PostgreSQL, 127\.0\.0\.1:5432\//);
    writeFileSync(path('pg.csv'), 'ref;designation;vat_rate;price\nP1;Pain de campagne;5,5;2,10\n');
    const imported = await comptoir(['import', 'articles', 'pg.csv'], env);
    assert.equal(imported.code, 0, imported.stderr);
    const run = await comptoir(['lookup', '--', '-pain'], env);
    assert.equal(run.code, 0, run.stderr);
    const result = JSON.parse(run.stdout) as LookupJson;
    assert.deepEqual(
      result.items.map((i) => [i.ref, i.price?.unitPrice]),
      [['P1', 210]],
    );
    assert.equal(existsSync(path('pg-data', 'comptoir.db')), false, 'no SQLite file next to PostgreSQL');
  });
});

test('usage errors, progress bar and import report are French (in process)', () => {
  assert.equal(
    frenchUsageMessage("error: unknown option '--dat'\n(Did you mean --data?)"),
    'Erreur (USAGE) : option inconnue « --dat » (vouliez-vous dire --data ?)',
  );
  assert.equal(
    frenchUsageMessage("error: option '--out <file>' argument missing"),
    "Erreur (USAGE) : valeur manquante pour l'option --out <file>",
  );
  assert.equal(
    frenchUsageMessage("error: too many arguments for 'lookup'. Expected 1 argument but got 2."),
    "Erreur (USAGE) : trop d'arguments",
  );
  assert.equal(
    frenchUsageMessage("error: missing required argument 'file'"),
    'Erreur (USAGE) : argument obligatoire manquant : file',
  );
  assert.equal(progressBar(0, 0, 10), '[##########] 100 % (0 / 0)');
  assert.equal(progressBar(4500, 10000, 10), '[#####     ]  45 % (4\u202f500 / 10\u202f000)');
  assert.equal(
    formatImportReport(
      {
        kind: 'customers',
        records: 3,
        imported: 1,
        rejected: [
          { line: 2, code: 'INVALID_EMAIL', reason: 'Adresse e-mail invalide (email)' },
          { line: 0, code: 'TRUNCATED', reason: '1 autres lignes refusées' },
        ],
      },
      'c.csv',
    ),
    [
      'Import des clients depuis c.csv : 3 lignes lues, 1 importées, 2 refusées.',
      'Lignes refusées (numéro de ligne du fichier) :',
      '  ligne 2 (INVALID_EMAIL) : Adresse e-mail invalide (email)',
      '  … 1 autres lignes refusées',
      '',
    ].join('\n'),
  );
});
