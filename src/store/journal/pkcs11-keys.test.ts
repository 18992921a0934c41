/**
 * The registers' keys on a PKCS#11 token: SoftHSM2 (Debian's softhsm2), a real token in a temporary
 * folder. Skipped only on a machine without SoftHSM2 outside CI (CI installs it: .ci/run).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DIALECTS } from '../test-dialects.ts';
import { JournalError } from './errors.ts';
import { clearKeyCache, listPublicKeys, loadRegisterKey, prepareNextKey } from './keys.ts';
import { closeTokenSessions } from './pkcs11-keys.ts';
import { type JournalFixture, openJournalFixture, SIMPLE_SALE } from './testing.ts';

const MODULE = '/usr/lib/softhsm/libsofthsm2.so';
const available = existsSync(MODULE) && existsSync('/usr/bin/softhsm2-util');
const skip =
  !available && process.env.CI === undefined ? 'SoftHSM2 absent (apt-get install softhsm2)' : false;

describe('PKCS#11: the key is generated and used on the token, never in a file', { skip }, () => {
  const root = mkdtempSync(join(tmpdir(), 'comptoir-softhsm-'));
  const saved = { ...process.env };
  before(() => {
    mkdirSync(join(root, 'tokens'));
    writeFileSync(
      join(root, 'softhsm2.conf'),
      `directories.tokendir = ${root}/tokens\nobjectstore.backend = file\n`,
    );
    process.env.SOFTHSM2_CONF = join(root, 'softhsm2.conf');
    execFileSync(
      'softhsm2-util',
      ['--init-token', '--free', '--label', 'comptoir', '--pin', '1234', '--so-pin', '5678'],
      {
        env: process.env,
        stdio: 'ignore',
      },
    );
    writeFileSync(join(root, 'pin'), '1234\n', { mode: 0o600 });
    Object.assign(process.env, {
      COMPTOIR_PKCS11_MODULE: MODULE,
      COMPTOIR_PKCS11_TOKEN: 'comptoir',
      COMPTOIR_PKCS11_PIN_FILE: join(root, 'pin'),
    });
    clearKeyCache();
  });
  after(() => {
    closeTokenSessions();
    clearKeyCache();
    for (const name of [
      'SOFTHSM2_CONF',
      'COMPTOIR_PKCS11_MODULE',
      'COMPTOIR_PKCS11_TOKEN',
      'COMPTOIR_PKCS11_PIN_FILE',
    ]) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
    rmSync(root, { recursive: true, force: true });
  });

  for (const dialect of DIALECTS) {
    describe(dialect.name, () => {
      let f: JournalFixture;
      before(async () => {
        clearKeyCache();
        f = await openJournalFixture(dialect, 1);
      });
      after(() => f.close());

      test('a sale signed on the token verifies; no key store, only the public key in the data folder', async () => {
        const sold = await f.sell(1, SIMPLE_SALE);
        assert.deepEqual(
          listPublicKeys(f.dataDir, '1').map((k) => k.keyId),
          [sold.record.keyId],
        );
        assert.equal(existsSync(`${f.dataDir}-keys`), false, 'no private key file anywhere');
        assert.deepEqual((await f.verify()).problems, []);
        assert.throws(
          () => prepareNextKey(f.dataDir, '1'),
          (e: unknown) =>
            e instanceof JournalError && /jeton PKCS#11 n’est pas encore pris en charge/.test(e.message),
        );
      });
    });
  }

  test('a wrong PIN or token is refused in French', () => {
    closeTokenSessions();
    clearKeyCache();
    process.env.COMPTOIR_PKCS11_PIN_FILE = '';
    process.env.COMPTOIR_PKCS11_PIN = '0000';
    try {
      assert.throws(
        () => loadRegisterKey(root, '1'),
        /Jeton PKCS#11 : connexion au jeton « comptoir » refusée/,
      );
    } finally {
      delete process.env.COMPTOIR_PKCS11_PIN;
      process.env.COMPTOIR_PKCS11_PIN_FILE = join(root, 'pin');
    }
  });
});
