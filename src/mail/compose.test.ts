import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  exampleCreditNote,
  exampleDeposit,
  exampleGift,
  exampleInvoice,
  examplePrepaidCard,
  exampleSale,
  exampleService,
} from '../receipts/examples.ts';
import {
  attachmentNameOf,
  composeDocumentMail,
  fillTemplate,
  LEGAL_MENTIONS_NOTE,
  templateBody,
} from './compose.ts';
import { DEFAULT_MAIL_SETTINGS } from './settings.ts';

const noTemplates = { templates: {} };

describe('composing the e-mail of a document (seed 000)', () => {
  it('writes the subject of each document type and names the attachment after it', () => {
    const cases = [
      [exampleSale, 'Votre ticket de chaussures du 23/11/2026'],
      [exampleGift, 'Votre ticket à donner avec votre cadeau de chaussures du 23/11/2026'],
      [examplePrepaidCard, 'Votre ticket de carte pré-payée de chaussures du 23/11/2026'],
      [exampleDeposit, "Votre bon d'acompte de chaussures du 23/11/2026"],
      [exampleCreditNote, "Votre bon d'avoir de chaussures du 23/11/2026"],
      [exampleService, 'Votre ticket de ticket de retouche de chaussures du 23/11/2026'],
      [exampleInvoice, 'Votre facture de chaussures du 23/11/2026'],
    ] as const;
    for (const [doc, subject] of cases) {
      const mail = composeDocumentMail(doc, noTemplates);
      assert.equal(mail.subject, subject, doc.kind);
      assert.equal(mail.attachmentName, `${subject.replaceAll('/', '_')}.pdf`, doc.kind);
    }
    assert.equal(
      attachmentNameOf('Votre ticket de chaussures du 23/11/2017'),
      'Votre ticket de chaussures du 23_11_2017.pdf',
    );
  });

  it('gives the simplified ticket when no message is configured: lines, total, payments, then the note', () => {
    const mail = composeDocumentMail(exampleSale, DEFAULT_MAIL_SETTINGS);
    const lines = mail.text.split('\n');
    assert.equal(lines[0], 'Votre ticket simplifié :');
    assert.ok(lines.includes('[21587146] Derby cuir noir 39\t1\t89,00 €'), mail.text);
    assert.ok(
      lines.includes(
        '[10820000036] Botte de pluie PVC rouge pointure 22, doublure chaude amovible\t2\t41,40 €',
      ),
    );
    const total = lines.indexOf('Total :\t157,90 €');
    const payments = lines.indexOf('Règlement(s) réalisé(s)');
    assert.ok(total > 0 && payments > total, mail.text);
    assert.equal(lines[payments + 1], 'Carte bancaire\t100,00 €');
    assert.equal(lines[payments + 2], 'Espèces\t60,00 €');
    assert.equal(lines.at(-1), LEGAL_MENTIONS_NOTE);
    assert.match(mail.html, /<td[^>]*>Total :<\/td><td[^>]*>157,90 €<\/td>/);
    assert.ok(mail.html.includes(LEGAL_MENTIONS_NOTE));
  });

  it('uses the message configured for the type, escaping it in HTML', () => {
    const settings = {
      templates: {
        ticket: { body: 'Veuillez trouver ci-joint le ticket de la boutique "Chaussures".\nÀ bientôt <3' },
        'prepaid-card': { subject: 'Votre carte, %1' },
      },
    };
    const mail = composeDocumentMail(exampleSale, settings);
    assert.equal(mail.text, 'Veuillez trouver ci-joint le ticket de la boutique "Chaussures".\nÀ bientôt <3');
    assert.equal(
      mail.html,
      '<div>Veuillez trouver ci-joint le ticket de la boutique &quot;Chaussures&quot;.<br>\nÀ bientôt &lt;3</div>',
    );
    const card = composeDocumentMail(examplePrepaidCard, settings);
    assert.equal(card.subject, `Votre carte, ${examplePrepaidCard.customer?.name ?? ''}`);
    assert.ok(card.text.startsWith('CARTE PRÉPAYÉE n°'), card.text);
  });

  it('fills %1…%4 in one pass and keeps HTML templates as HTML with a text alternative', () => {
    assert.equal(fillTemplate('%1 / %2 / %5', ['a%2', 'b']), 'a%2 / b / %5');
    const body = templateBody('Bonjour %1,<blockquote>%3</blockquote>Fin', ['<Léa>', 'X', 'lea@exemple.fr']);
    assert.equal(body.html, 'Bonjour &lt;Léa&gt;,<blockquote>lea@exemple.fr</blockquote>Fin');
    assert.equal(body.text, 'Bonjour Léa,lea@exemple.fr\nFin');
  });
});
