/**
 * What an article hands over besides the ticket when it is sold (seed 000's table of documents): a
 * deposit or earnest-money voucher, a gift card, a prepaid card, or a service ticket (retouche). NULL
 * for an ordinary article. The receipts read it to build those documents from the journal.
 */
import type { Kysely, Migration } from 'kysely';

export const migration0005: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('articles').addColumn('issues', 'text').execute();
  },
};
