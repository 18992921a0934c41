import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ACTION_LABELS,
  actionFor,
  helpRows,
  KEY_BINDINGS,
  keysAria,
  keysShown,
  needNumberText,
} from './keymap.ts';

test('every operation the issue names has a key, and no key does two things', () => {
  for (const action of [
    'total',
    'abandon',
    'hold',
    'resume',
    'customer',
    'seller',
    'reprint',
    'help',
  ] as const) {
    assert.ok(keysShown(action) !== '', action);
  }
  const seen = new Set<string>();
  for (const b of KEY_BINDINGS) {
    const id = `${b.shift ? 'Shift+' : ''}${b.key}`;
    assert.ok(!seen.has(id), `${id} bound twice`);
    seen.add(id);
    assert.ok(!/^F1[12]$/.test(b.key), 'F11 and F12 belong to the browser');
  }
  assert.equal(actionFor('F10', false), 'total');
  assert.equal(actionFor('F10', true), 'abandon');
  assert.equal(actionFor('F5', true), 'percent');
  assert.equal(actionFor('F2', true), 'label');
  assert.equal(actionFor('Escape', false), 'cancel');
  assert.equal(actionFor('a', false), undefined);
});

test('keys as shown and as announced; the help lists each action once', () => {
  assert.equal(keysShown('search'), 'F8 F9');
  assert.equal(keysShown('percent'), '⇧F5');
  assert.equal(keysAria('percent'), 'Shift+F5');
  assert.equal(keysShown('cancel'), 'Échap');
  const rows = helpRows();
  assert.equal(rows.length, Object.keys(ACTION_LABELS).length);
  assert.deepEqual(rows[0], { keys: 'F1', label: ACTION_LABELS.help });
  assert.equal(
    needNumberText('la quantité', 'quantity', 'Qté'),
    'Saisissez la quantité dans le viseur, puis appuyez sur Qté (F5)',
  );
});
