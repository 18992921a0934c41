import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CANNOT_RECEIVE_ALERT,
  type CustomerContact,
  checkReprintReason,
  emailAlert,
  printedWithoutAsking,
  RECEIVES_BY_EMAIL,
  receiptPrompt,
  resolveReceiptChoice,
} from './choice.ts';
import { isMailError } from './errors.ts';
import { DEFAULT_MAIL_SETTINGS } from './settings.ts';

const optedOut: CustomerContact = { code: 'C1', email: 'lea@exemple.fr', consentEmailReceipts: false };
const optedIn: CustomerContact = { ...optedOut, consentEmailReceipts: true };
const counter: CustomerContact = { code: 'DIVERS', email: '', consentEmailReceipts: false, counter: true };

describe('the receipt choice (seed 000, AGEC)', () => {
  it('with force-e-mail, asks the four choices with the address prefilled even when opt-in is off', () => {
    const prompt = receiptPrompt({
      customer: optedOut,
      total: 1000,
      country: 'FR',
      settings: DEFAULT_MAIL_SETTINGS,
    });
    assert.equal(prompt.mode, 'dialog');
    assert.deepEqual(prompt.choices, ['email-and-save', 'print', 'email', 'none']);
    assert.equal(prompt.prefilledAddress, 'lea@exemple.fr');
    assert.deepEqual(prompt.alert, { canReceive: false, message: CANNOT_RECEIVE_ALERT });
  });

  it('e-mail with an empty address prints; a bad address is refused; save only for an identified customer', () => {
    assert.deepEqual(resolveReceiptChoice('email', '  ', optedOut), {
      action: 'print',
      reason: 'no-address',
    });
    assert.deepEqual(resolveReceiptChoice('email-and-save', '', optedOut), {
      action: 'print',
      reason: 'no-address',
    });
    assert.deepEqual(resolveReceiptChoice('email-and-save', 'Lea@Exemple.fr', optedOut), {
      action: 'email',
      to: 'Lea@exemple.fr',
      saveToCustomer: true,
    });
    assert.deepEqual(resolveReceiptChoice('email-and-save', 'x@exemple.fr', counter), {
      action: 'email',
      to: 'x@exemple.fr',
      saveToCustomer: false,
    });
    assert.deepEqual(resolveReceiptChoice('email', 'x@exemple.fr', optedOut), {
      action: 'email',
      to: 'x@exemple.fr',
      saveToCustomer: false,
    });
    assert.throws(
      () => resolveReceiptChoice('email', 'lea@exemple', optedOut),
      (e) => isMailError(e) && e.code === 'INVALID_EMAIL',
    );
    assert.deepEqual(resolveReceiptChoice('print', '', optedOut), { action: 'print', reason: 'asked' });
    assert.deepEqual(resolveReceiptChoice('none', 'x@exemple.fr', optedOut), {
      action: 'none',
      reason: 'declined',
    });
  });

  it('without force-e-mail: e-mail for an opted-in customer, otherwise the country threshold decides', () => {
    const settings = { forceEmail: false, receiptThresholds: { FR: null, BE: 2000 } };
    assert.deepEqual(receiptPrompt({ customer: optedIn, total: 500, country: 'FR', settings }).outcome, {
      action: 'email',
      to: 'lea@exemple.fr',
      saveToCustomer: false,
    });
    const fr = receiptPrompt({ customer: optedOut, total: 90000, country: 'FR', settings });
    assert.deepEqual(fr.outcome, { action: 'none', reason: 'below-threshold' });
    assert.deepEqual(fr.choices, ['print'], 'the customer may always ask for paper');
    assert.deepEqual(receiptPrompt({ total: 1999, country: 'BE', settings }).outcome, {
      action: 'none',
      reason: 'below-threshold',
    });
    assert.deepEqual(receiptPrompt({ total: 2000, country: 'BE', settings }).outcome, {
      action: 'print',
      reason: 'above-threshold',
    });
    assert.equal(printedWithoutAsking(-2500, 'be', settings.receiptThresholds), true);
    assert.equal(printedWithoutAsking(1, 'DE', settings.receiptThresholds), true);
  });

  it('alerts when the customer cannot receive by e-mail', () => {
    assert.deepEqual(emailAlert(optedIn), { canReceive: true, message: RECEIVES_BY_EMAIL });
    assert.equal(emailAlert({ ...optedIn, email: '' }).canReceive, false);
    assert.equal(emailAlert({ ...optedIn, email: 'lea@exemple' }).canReceive, false);
    assert.equal(emailAlert(undefined).message, CANNOT_RECEIVE_ALERT);
  });

  it('checks reprint reasons against the predefined list when free text is off', () => {
    const settings = { reprint: { freeReason: false, reasons: ['Ticket perdu', 'Demande du client'] } };
    assert.equal(checkReprintReason(' Ticket perdu ', settings), 'Ticket perdu');
    assert.equal(checkReprintReason('', settings), undefined);
    assert.throws(
      () => checkReprintReason('Autre', settings),
      (e) =>
        isMailError(e) &&
        e.code === 'INVALID_REASON' &&
        e.message.includes('Ticket perdu ; Demande du client'),
    );
    assert.equal(checkReprintReason('Autre', { reprint: { freeReason: true, reasons: [] } }), 'Autre');
  });
});
