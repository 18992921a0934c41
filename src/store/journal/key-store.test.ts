import assert from 'node:assert/strict';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { exportPrivateKeyPem, generateSigningKeyPair } from '../../fiscal/signing.ts';
import { JournalError } from './errors.ts';
import { keyStoreDir, passphraseSource, readKeyPair, removeKeyStore } from './key-store.ts';
import { clearKeyCache, ensureRegisterKeys, listPublicKeys, loadRegisterKey } from './keys.ts';

const ENV = [
  'COMPTOIR_KEYS',
  'COMPTOIR_KEY_PASSPHRASE',
  'COMPTOIR_KEY_PASSPHRASE_FILE',
  'CREDENTIALS_DIRECTORY',
];

/** Runs `fn` with the key store's environment variables set as given (the others unset). */
function withEnv<T>(values: Record<string, string>, fn: () => T): T {
  const saved = ENV.map((name) => [name, process.env[name]] as const);
  for (const name of ENV) delete process.env[name];
  Object.assign(process.env, values);
  try {
    return fn();
  } finally {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

function refusal(code: string, pattern: RegExp) {
  return (error: unknown) =>
    error instanceof JournalError && error.code === code && pattern.test(error.message);
}

describe('the encrypted key store, outside the data folder', () => {
  const root = mkdtempSync(join(tmpdir(), 'comptoir-keystore-'));
  after(() => rmSync(root, { recursive: true, force: true }));
  const fresh = (name: string) => {
    const dir = join(root, name);
    mkdirSync(dir);
    return dir;
  };

  test('by default beside the data folder, sealed, with a generated passphrase file (0600)', () => {
    const data = fresh('default');
    const { keyId } = withEnv({}, () => ensureRegisterKeys(data, 1));
    assert.equal(keyStoreDir(data), `${data}-keys`);
    const sealed = readFileSync(`${data}-keys/1/private.key`, 'utf8');
    assert.doesNotMatch(sealed, /PRIVATE KEY/);
    assert.equal(statSync(`${data}-keys/1/private.key`).mode & 0o077, 0);
    assert.equal(statSync(`${data}-keys.passphrase`).mode & 0o077, 0);
    assert.match(
      withEnv({}, () => passphraseSource(data)),
      /fichier généré .*-keys\.passphrase/,
    );
    assert.deepEqual(
      listPublicKeys(data, '1').map((k) => k.keyId),
      [keyId],
      'the public key stays in the data folder',
    );
    assert.equal(
      existsSync(join(data, 'keys', '1', 'private.pem')),
      false,
      'no private key in the data folder',
    );
    clearKeyCache();
    assert.equal(withEnv({}, () => loadRegisterKey(data, '1')).keyId, keyId, 'reopened with its passphrase');
  });

  test('the passphrase from a file, the environment or systemd credentials; a wrong one is refused', () => {
    const data = fresh('sources');
    const file = join(root, 'pass.txt');
    writeFileSync(file, 'phrase de fichier\n', { mode: 0o600 });
    const { keyId } = withEnv({ COMPTOIR_KEY_PASSPHRASE_FILE: file }, () => ensureRegisterKeys(data, 1));
    assert.equal(existsSync(`${data}-keys.passphrase`), false, 'nothing generated');
    const credentials = fresh('credentials');
    writeFileSync(join(credentials, 'comptoir-key-passphrase'), 'phrase de fichier');
    for (const env of [
      { COMPTOIR_KEY_PASSPHRASE: 'phrase de fichier' },
      { CREDENTIALS_DIRECTORY: credentials },
      { COMPTOIR_KEY_PASSPHRASE_FILE: file },
    ]) {
      clearKeyCache();
      assert.equal(withEnv(env, () => loadRegisterKey(data, '1')).keyId, keyId, JSON.stringify(env));
    }
    clearKeyCache();
    assert.throws(
      () => withEnv({ COMPTOIR_KEY_PASSPHRASE: 'mauvaise' }, () => loadRegisterKey(data, '1')),
      refusal('KEYS_MISSING', /Phrase secrète du coffre de clés incorrecte/),
    );
    assert.throws(
      () => withEnv({}, () => loadRegisterKey(data, '1')),
      refusal('KEYS_MISSING', /Phrase secrète du coffre de clés introuvable/),
    );
  });

  test('COMPTOIR_KEYS chooses the folder, never inside the data folder', () => {
    const data = fresh('configured');
    const keys = join(root, 'elsewhere');
    withEnv({ COMPTOIR_KEYS: keys, COMPTOIR_KEY_PASSPHRASE: 'x' }, () => ensureRegisterKeys(data, 1));
    assert.ok(existsSync(join(keys, '1', 'private.key')));
    assert.throws(
      () =>
        withEnv({ COMPTOIR_KEYS: join(data, 'k'), COMPTOIR_KEY_PASSPHRASE: 'x' }, () =>
          ensureRegisterKeys(data, 2),
        ),
      refusal('KEYS_MISSING', /ne doit pas être dans le dossier des données/),
    );
  });

  test('a key file moved to another register or altered does not open', () => {
    const data = fresh('moved');
    withEnv({}, () => {
      ensureRegisterKeys(data, 1);
      ensureRegisterKeys(data, 2);
    });
    cpSync(`${data}-keys/1/private.key`, `${data}-keys/2/private.key`);
    clearKeyCache();
    assert.throws(
      () => withEnv({}, () => readKeyPair(data, '2', 'private')),
      refusal('KEYS_MISSING', /illisible dans le coffre/),
    );
  });

  test('a clear key left in <data>/keys/ by an older version is sealed into the store and removed', () => {
    const data = fresh('migrated');
    const pair = generateSigningKeyPair();
    mkdirSync(join(data, 'keys', '1'), { recursive: true });
    writeFileSync(join(data, 'keys', '1', 'private.pem'), exportPrivateKeyPem(pair.privateKey), {
      mode: 0o600,
    });
    clearKeyCache();
    assert.equal(withEnv({}, () => loadRegisterKey(data, '1')).keyId, pair.keyId);
    assert.equal(existsSync(join(data, 'keys', '1', 'private.pem')), false, 'clear file removed');
    assert.ok(existsSync(join(data, 'keys', '1', `${pair.keyId}.pub.pem`)), 'public key kept');
    clearKeyCache();
    assert.equal(withEnv({}, () => readKeyPair(data, '1', 'private'))?.keyId, pair.keyId);
    removeKeyStore(data);
    assert.equal(existsSync(`${data}-keys`), false);
  });
});
