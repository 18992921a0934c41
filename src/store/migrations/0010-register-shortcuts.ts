/**
 * Article shortcuts per register (issue 12, seed 001 zone 6 « Touches de raccourcis paramétrables »):
 * each button names an article (by its reference), with the name the cashier reads, a colour and an
 * optional picture; kept on the server so that every browser of the register shows the same grid.
 */
import type { Kysely, Migration } from 'kysely';
import { sqlFamilyOf } from '../engine.ts';

export const migration0010: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    const pg = sqlFamilyOf(db) === 'postgres';
    await db.schema
      .createTable('register_shortcuts')
      .addColumn('id', 'integer', (c) =>
        pg ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey().autoIncrement(),
      )
      .addColumn('register_id', 'integer', (c) => c.notNull().references('registers.id'))
      /** The button's place in the grid, from 1. */
      .addColumn('position', 'integer', (c) => c.notNull())
      .addColumn('article_ref', 'text', (c) => c.notNull())
      /** What the button reads (the article's designation by default). */
      .addColumn('label', 'text', (c) => c.notNull())
      /** `#rrggbb`. */
      .addColumn('color', 'text', (c) => c.notNull())
      /** A small image as a `data:image/…;base64,` URL, or null. */
      .addColumn('picture', 'text')
      .addUniqueConstraint('register_shortcuts_position', ['register_id', 'position'])
      .execute();
  },
};
