import assert from 'node:assert/strict';
import { test } from 'node:test';
import { z } from 'zod';
import { defaultMessages, issueSentence } from './validation-text.ts';

function firstIssue(schema: z.ZodType, value: unknown) {
  const result = schema.safeParse(value, { error: defaultMessages, reportInput: true });
  assert.equal(result.success, false);
  const issue = result.error?.issues[0];
  assert.ok(issue !== undefined);
  return issue;
}

test('validation issues read as French sentences naming the field, never the library text', () => {
  const login = z.strictObject({ userCode: z.string().min(1), pin: z.string().min(4), register: z.number() });
  const cases: [unknown, string][] = [
    [{ userCode: 'A', pin: '1', register: 1 }, 'Le PIN doit compter au moins 4 caractères'],
    [{ userCode: '', pin: '1234', register: 1 }, 'Le code utilisateur est obligatoire'],
    [{ userCode: 'A', pin: '1234' }, 'Le numéro de caisse manque'],
    [
      { userCode: 'A', pin: '1234', register: 'x' },
      'Le numéro de caisse n’est pas lisible (attendu : un nombre)',
    ],
    [{ userCode: 'A', pin: '1234', register: 1, extra: 1 }, 'Champ(s) inconnu(s) : extra'],
  ];
  for (const [value, sentence] of cases) {
    const text = issueSentence(firstIssue(login, value));
    assert.equal(text, sentence);
    assert.doesNotMatch(text, /Trop petit|chaîne|Invalid|attendu string/);
  }
  assert.equal(
    issueSentence(firstIssue(z.object({ email: z.email() }), { email: 'x' })),
    'Adresse e-mail invalide',
  );
  assert.equal(
    issueSentence(firstIssue(z.object({ qty: z.number().max(10) }), { qty: 11 })),
    'La quantité doit valoir au plus 10',
  );
  assert.equal(
    issueSentence(firstIssue(z.object({ mode: z.enum(['print', 'none']) }), { mode: 'x' })),
    'Le mode de règlement doit être l’un de : print, none',
  );
  assert.equal(
    issueSentence(
      firstIssue(z.object({ host: z.string().regex(/^a$/, 'nom de serveur invalide') }), { host: 'b' }),
    ),
    'Le champ « host » : nom de serveur invalide',
    'a message of our own is kept',
  );
});
