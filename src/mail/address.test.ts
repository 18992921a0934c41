import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkAddress, requireAddress } from './address.ts';
import { isMailError } from './errors.ts';

describe('address validation', () => {
  it('accepts ordinary and internationalised addresses, lower-casing the domain', () => {
    for (const [input, normalised] of [
      ['jean.dupond@exemple.fr', 'jean.dupond@exemple.fr'],
      ['  Jean+ticket@Exemple.FR ', 'Jean+ticket@exemple.fr'],
      ["o'brien@mail.example.co.uk", "o'brien@mail.example.co.uk"],
      ['zoé@café.fr', 'zoé@café.fr'],
      ['a@b-c.xn--p1ai', 'a@b-c.xn--p1ai'],
    ] as const) {
      assert.deepEqual(checkAddress(input), { ok: true, address: normalised }, input);
    }
  });

  it('names the problem of each bad address', () => {
    for (const [input, problem] of [
      ['', 'empty'],
      ['jean.dupond.exemple.fr', 'no-at'],
      ['jean@dupond@exemple.fr', 'several-at'],
      ['jean..dupond@exemple.fr', 'local-part'],
      ['.jean@exemple.fr', 'local-part'],
      ['jean(x)@exemple.fr', 'local-part'],
      ['jean@exemple', 'domain-missing-dot'],
      ['jean@-exemple.fr', 'domain-label'],
      ['jean@exemple..fr', 'domain-label'],
      ['jean@exemple_x.fr', 'domain-label'],
      ['jean@exemple.f', 'top-level-domain'],
      ['jean@exemple.123', 'top-level-domain'],
      ['jean dupond@exemple.fr', 'spaces'],
      [`${'a'.repeat(250)}@b.fr`, 'too-long'],
    ] as const) {
      assert.deepEqual(checkAddress(input), { ok: false, problem }, input);
    }
  });

  it('refuses with a French message and the INVALID_EMAIL code', () => {
    assert.throws(
      () => requireAddress('jean@exemple'),
      (error) =>
        isMailError(error) &&
        error.code === 'INVALID_EMAIL' &&
        error.message ===
          'Adresse e-mail invalide : le domaine doit contenir un point (exemple.fr) (jean@exemple)',
    );
  });
});
