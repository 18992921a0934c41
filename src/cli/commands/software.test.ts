import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runComptoir } from '../testing.ts';

const dir = mkdtempSync(join(tmpdir(), 'comptoir-software-'));
const install = join(dir, 'install');
const comptoir = (...args: string[]) => runComptoir(args, { cwd: dir });

function writeInstall(): void {
  rmSync(install, { recursive: true, force: true });
  for (const sub of ['bin', 'src/store', 'web/dist', 'node_modules/x'])
    mkdirSync(join(install, sub), { recursive: true });
  writeFileSync(
    join(install, 'package.json'),
    JSON.stringify({ name: 'comptoir', version: '2.3.1', license: 'AGPL-3.0-or-later' }),
  );
  writeFileSync(join(install, 'bin', 'comptoir.js'), 'console.log("caisse")\n');
  writeFileSync(join(install, 'src', 'store', 'journal.ts'), 'export const chain = 1;\n');
  // Not covered: tests, the built bundle, dependencies.
  writeFileSync(join(install, 'src', 'store', 'journal.test.ts'), 'test\n');
  writeFileSync(join(install, 'web', 'dist', 'app.js'), 'bundle\n');
  writeFileSync(join(install, 'node_modules', 'x', 'index.js'), 'dep\n');
}

const keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const other = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const privatePem = join(dir, 'publisher.key');
const publicPem = join(dir, 'publisher.pub');
const otherPem = join(dir, 'other.pub');

describe('comptoir info and comptoir software (real processes, a release installed in a folder)', () => {
  before(() => {
    writeFileSync(privatePem, keys.privateKey.export({ type: 'pkcs8', format: 'pem' }));
    writeFileSync(publicPem, keys.publicKey.export({ type: 'spki', format: 'pem' }));
    writeFileSync(otherPem, other.publicKey.export({ type: 'spki', format: 'pem' }));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('a development copy without manifest says so, and check refuses it', async () => {
    writeInstall();
    const info = await comptoir('info', '--root', install);
    assert.equal(info.code, 0, info.stderr);
    assert.match(info.stdout, /^Comptoir 2\.3\.1 — logiciel de caisse \(catégorie B\)/);
    assert.match(info.stdout, /Version fiscale \(majeure\) : 2/);
    assert.match(info.stdout, /Licence : AGPL-3\.0-or-later/);
    assert.match(info.stdout, /non certifié NF525/);
    assert.match(info.stdout, /Empreinte du logiciel : sha256:[0-9a-f]{64} \(3 fichiers\)/);
    assert.match(info.stdout, /aucun manifeste de version/);
    const check = await comptoir('software', 'check', '--root', install);
    assert.equal(check.code, 1);
  });

  test('a signed release checks intact; a changed, removed or added file is named and fails', async () => {
    writeInstall();
    const made = await comptoir('software', 'manifest', '--root', install, '--sign-key', privatePem);
    assert.equal(made.code, 0, made.stderr);
    assert.match(made.stdout, /Manifeste de Comptoir 2\.3\.1 : 3 fichiers, .*signé/);
    const manifest = JSON.parse(readFileSync(join(install, 'software-manifest.json'), 'utf8')) as {
      files: { path: string }[];
    };
    assert.deepEqual(
      manifest.files.map((f) => f.path),
      ['bin/comptoir.js', 'package.json', 'src/store/journal.ts'],
    );
    const ok = await comptoir('software', 'check', '--root', install, '--public-key', publicPem, '--json');
    assert.equal(ok.code, 0, ok.stdout);
    const identity = JSON.parse(ok.stdout) as { integrity: string; signature: string; digest: string };
    assert.equal(identity.integrity, 'intact');
    assert.equal(identity.signature, 'valid');

    // The tests, the bundle and the dependencies may change without touching the identity.
    appendFileSync(join(install, 'web', 'dist', 'app.js'), 'rebuilt\n');
    assert.equal((await comptoir('software', 'check', '--root', install)).code, 0);

    appendFileSync(join(install, 'src', 'store', 'journal.ts'), 'export const forged = true;\n');
    rmSync(join(install, 'bin', 'comptoir.js'));
    writeFileSync(join(install, 'src', 'patch.ts'), 'x\n');
    const bad = await comptoir('software', 'check', '--root', install, '--public-key', publicPem);
    assert.equal(bad.code, 1);
    assert.match(bad.stdout, /LOGICIEL MODIFIÉ par rapport au manifeste de la version 2\.3\.1/);
    assert.match(bad.stdout, /modifié : src\/store\/journal\.ts/);
    assert.match(bad.stdout, /manquant : bin\/comptoir\.js/);
    assert.match(bad.stdout, /ajouté : src\/patch\.ts/);
  });

  test('another key, an edited manifest or an edited signature is caught', async () => {
    writeInstall();
    assert.equal(
      (await comptoir('software', 'manifest', '--root', install, '--sign-key', privatePem)).code,
      0,
    );
    const wrongKey = await comptoir('software', 'check', '--root', install, '--public-key', otherPem);
    assert.equal(wrongKey.code, 1);
    assert.match(wrongKey.stdout, /SIGNATURE DE L’ÉDITEUR INVALIDE/);
    const unchecked = await comptoir('info', '--root', install);
    assert.match(unchecked.stdout, /indiquez la clé publique de l’éditeur/);

    const file = join(install, 'software-manifest.json');
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, text.replace('"size":', '"size":1'));
    const edited = await comptoir('software', 'check', '--root', install, '--public-key', publicPem);
    assert.equal(edited.code, 1);
    assert.match(edited.stdout, /MANIFESTE INVALIDE/);
    writeFileSync(file, text);
    writeFileSync(join(install, 'software-manifest.sig'), `${Buffer.from('faux').toString('base64')}\n`);
    assert.equal((await comptoir('software', 'check', '--root', install, '--public-key', publicPem)).code, 1);
  });

  test('bad keys and unwritable outputs are refused with nothing left behind', async () => {
    writeInstall();
    writeFileSync(join(dir, 'garbage.pem'), 'pas une clé');
    const badPublic = await comptoir('info', '--root', install, '--public-key', join(dir, 'garbage.pem'));
    assert.equal(badPublic.code, 2);
    assert.match(badPublic.stderr, /Erreur \(BAD_KEY\) : Clé publique illisible/);
    const badPrivate = await comptoir(
      'software',
      'manifest',
      '--root',
      install,
      '--sign-key',
      join(dir, 'garbage.pem'),
    );
    assert.equal(badPrivate.code, 2);
    assert.match(badPrivate.stderr, /Clé privée illisible/);
    const missing = await comptoir(
      'software',
      'check',
      '--root',
      install,
      '--manifest',
      join(dir, 'none.json'),
    );
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /Erreur \(NOT_FOUND\) : Manifeste introuvable/);
    const out = join(dir, 'no', 'such', 'manifest.json');
    const unwritable = await comptoir('software', 'manifest', '--root', install, '--out', out);
    assert.equal(unwritable.code, 1);
    assert.match(unwritable.stderr, /Erreur \(WRITE_FAILED\)/);
    assert.equal(existsSync(join(install, 'software-manifest.json')), false);
  });
});
