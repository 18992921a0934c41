import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { saveCustomer } from '../store/customers.ts';
import { openJournalFixture, SIMPLE_SALE } from '../store/journal/testing.ts';
import { countRows, DIALECTS } from '../store/test-dialects.ts';
import {
  type CampaignCustomer,
  invoicesByEmail,
  letterFor,
  runCampaign,
  selectCampaign,
} from './campaign.ts';
import { isMailError } from './errors.ts';
import { DEFAULT_MAIL_SETTINGS, parseMailSettings } from './settings.ts';

const customer = (
  code: string,
  name: string,
  email: string,
  extra: Partial<CampaignCustomer> = {},
): CampaignCustomer => ({
  code,
  name,
  email,
  addressLines: [],
  dematLetterSent: false,
  dematRefused: false,
  ...extra,
});

/** The fixture: codes out of name order, an already-sent, a refusal, no e-mail, a bad e-mail, the counter. */
const FIXTURE: readonly CampaignCustomer[] = [
  customer('C005', 'Zola Émile', 'emile@exemple.fr'),
  customer('C001', 'Bernard Alice', 'alice@exemple.fr'),
  customer('C003', 'Durand Chloé', '', {}),
  customer('C002', 'Éluard Paul', 'paul@exemple.fr', { dematLetterSent: true }),
  customer('C004', 'Aragon Louis', 'louis@exemple.fr', { dematRefused: true }),
  customer('C006', 'Colette Sidonie', 'sidonie@exemple'),
  customer('DIVERS', 'Client comptoir', 'comptoir@exemple.fr'),
];

const codes = (list: readonly CampaignCustomer[]) => list.map((c) => c.code);

describe('dematerialization campaign: selection (seed 003)', () => {
  it('by default: not sent yet, not refused, with a valid e-mail, sorted by code; the counter left out', () => {
    const selection = selectCampaign(FIXTURE, {});
    assert.deepEqual(codes(selection.email), ['C001', 'C005']);
    assert.deepEqual(codes(selection.print), []);
  });

  it('includes the already-sent and the print list on request, sorted by name', () => {
    const selection = selectCampaign(FIXTURE, {
      includeAlreadySent: true,
      includeWithoutEmail: true,
      sort: 'name',
    });
    assert.deepEqual(codes(selection.email), ['C001', 'C002', 'C005']);
    assert.deepEqual(codes(selection.print), ['C006', 'C003'], 'Colette before Durand');
  });

  it('filters a code range and customers with a sale in the period', () => {
    assert.deepEqual(
      codes(selectCampaign(FIXTURE, { codeFrom: 'C002', codeTo: 'C005', includeAlreadySent: true }).email),
      ['C002', 'C005'],
    );
    const sold = new Set(['C001', 'C002', 'C004']);
    const dated = selectCampaign(
      FIXTURE,
      { soldFrom: '2026-11-01', soldTo: '2026-11-30', includeAlreadySent: true },
      sold,
    );
    assert.deepEqual(codes(dated.email), ['C001', 'C002']);
  });

  it('refuses bad filters with a French message', () => {
    for (const [filter, code] of [
      [{ codeFrom: 'C9', codeTo: 'C1' }, 'INVALID_FILTER'],
      [{ soldFrom: '2026-02-30' }, 'INVALID_FILTER'],
      [{ soldFrom: '2026-12-01', soldTo: '2026-11-01' }, 'INVALID_FILTER'],
      [{ soldFrom: '2026-11-01' }, 'FILTER_UNAVAILABLE'],
    ] as const) {
      assert.throws(
        () => selectCampaign(FIXTURE, filter),
        (e) => isMailError(e) && e.code === code,
        JSON.stringify(filter),
      );
    }
  });

  it('writes the letter from the templates: %1 name, %2 company, %3 e-mail, %4 refusal contact', () => {
    const settings = parseMailSettings({
      templates: {
        'demat-letter': { subject: 'Vos factures, %1', body: 'Bonjour %1,\n%2 écrira à %3.\nRefus : %4' },
      },
      demat: { refusalContact: 'compta@chaussures.example' },
    });
    const letter = letterFor(customer('C1', 'Léa <Martin>', 'lea@exemple.fr'), 'Ste chaussures', settings);
    assert.equal(letter.subject, 'Vos factures, Léa <Martin>');
    assert.equal(
      letter.text,
      'Bonjour Léa <Martin>,\nSte chaussures écrira à lea@exemple.fr.\nRefus : compta@chaussures.example',
    );
    assert.ok(letter.html.includes('Bonjour Léa &lt;Martin&gt;,<br>'), letter.html);
    const byDefault = letterFor(
      customer('C1', 'Léa', 'lea@exemple.fr'),
      'Ste chaussures',
      DEFAULT_MAIL_SETTINGS,
    );
    assert.equal(byDefault.subject, 'Dématérialisation des documents');
    assert.ok(byDefault.html.includes('<blockquote>lea@exemple.fr</blockquote>'), byDefault.html);
    assert.ok(byDefault.text.includes('Notre société Ste chaussures met en place'), byDefault.text);
  });

  it('invoices and credit notes go by e-mail only with a valid address and no refusal', () => {
    assert.equal(invoicesByEmail({ email: 'a@exemple.fr', dematRefused: false }), true);
    assert.equal(invoicesByEmail({ email: 'a@exemple.fr', dematRefused: true }), false);
    assert.equal(invoicesByEmail({ email: 'a@exemple', dematRefused: false }), false);
  });
});

for (const dialect of DIALECTS) {
  describe(`${dialect.name}: campaign on the store and the journal`, () => {
    it('queues the letters, marks the flags, and filters on sales of the journal by local date', async () => {
      const f = await openJournalFixture(dialect);
      try {
        const now = f.clock;
        for (const c of FIXTURE) {
          if (c.code === 'DIVERS') continue;
          await saveCustomer(
            f.db,
            {
              code: c.code,
              name: c.name,
              email: c.email === 'sidonie@exemple' ? '' : c.email,
              dematLetterSent: c.dematLetterSent,
              dematRefused: c.dematRefused,
            },
            now,
          );
        }
        // C001 buys on 23/11 at 09:00 local; C005 at 00:30 local on 24/11 (still the 23rd in UTC).
        await f.sell(1, SIMPLE_SALE, { customer: 'C001' });
        f.clock = new Date('2026-11-23T23:30:00Z');
        await f.sell(1, SIMPLE_SALE, { customer: 'C005' });
        const store = await f.db.selectFrom('stores').select('id').executeTakeFirstOrThrow();
        const base = {
          storeId: store.id,
          sender: { name: 'MON MAGASIN', address: 'contact@magasin.example' },
          company: 'Mon magasin',
          settings: DEFAULT_MAIL_SETTINGS,
          now,
        };

        const dry = await runCampaign(f.db, {
          ...base,
          filter: { soldFrom: '2026-11-24', soldTo: '2026-11-24' },
          dryRun: true,
        });
        assert.deepEqual(codes(dry.selection.email), ['C005'], 'a sale at 00:30 local counts on the 24th');
        assert.equal(await countRows(f.db, 'mail_outbox'), 0, 'a dry run writes nothing');

        const onlyFirst = await runCampaign(f.db, { ...base, filter: { soldTo: '2026-11-23' } });
        assert.deepEqual(codes(onlyFirst.selection.email), ['C001']);

        const rest = await runCampaign(f.db, { ...base, filter: { includeWithoutEmail: true } });
        assert.deepEqual(codes(rest.selection.email), ['C005']);
        assert.deepEqual(codes(rest.selection.print), ['C003', 'C006']);
        const queued = await f.db.selectFrom('mail_outbox').selectAll().orderBy('id').execute();
        assert.deepEqual(
          queued.map((q) => [q.recipient, q.document_type, q.reference]),
          [
            ['alice@exemple.fr', 'demat-letter', 'C001'],
            ['emile@exemple.fr', 'demat-letter', 'C005'],
          ],
        );
        assert.equal(queued[0]?.subject, 'Dématérialisation des documents');
        const flags = await f.db
          .selectFrom('customers')
          .select(['code', 'demat_letter_sent'])
          .orderBy('code')
          .execute();
        assert.deepEqual(
          flags.filter((r) => r.code !== 'DIVERS').map((r) => [r.code, r.demat_letter_sent]),
          [
            ['C001', 1],
            ['C002', 1],
            ['C003', 1],
            ['C004', 0],
            ['C005', 1],
            ['C006', 1],
          ],
        );
        const again = await runCampaign(f.db, { ...base, filter: {} });
        assert.equal(again.queued.length, 0, 'nobody twice without « include already sent »');
      } finally {
        await f.close();
      }
    });
  });
}
