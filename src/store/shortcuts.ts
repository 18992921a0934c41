/**
 * A register's article shortcuts (migration 0010): read with the article's family and base price for
 * the touch grid, replaced whole by the back office's editor (every reference checked first: an
 * unknown or inactive article leaves the list as it was).
 */
import { z } from 'zod';
import { BASE_TARIFF, type Db } from './catalogue.ts';
import { StoreError } from './errors.ts';
import { inTransaction } from './transaction.ts';
import { parseInput } from './validation.ts';

/** At most this many buttons per register: six pages of eight. */
export const MAX_SHORTCUTS = 48;
/** A picture's data URL, at most this long (about 60 kB of image). */
export const MAX_PICTURE_CHARS = 80_000;

export const shortcutInputSchema = z.strictObject({
  ref: z.string().trim().min(1, 'la référence de l’article est obligatoire').max(40),
  label: z
    .string()
    .trim()
    .min(1, 'le nom du bouton est obligatoire')
    .max(40, 'le nom du bouton : 40 caractères au plus'),
  color: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'couleur attendue au format #rrvvbb'),
  picture: z
    .string()
    .max(MAX_PICTURE_CHARS, 'image trop lourde (60 ko au plus)')
    .regex(
      /^data:image\/(png|jpeg|webp|gif);base64,[A-Za-z0-9+/]+=*$/,
      'image PNG, JPEG, WebP ou GIF attendue',
    )
    .nullable()
    .default(null),
});
export type ShortcutInput = z.input<typeof shortcutInputSchema>;

export const shortcutListSchema = z
  .array(shortcutInputSchema)
  .max(MAX_SHORTCUTS, `${MAX_SHORTCUTS} raccourcis au plus par caisse`);

export interface Shortcut {
  readonly position: number;
  readonly ref: string;
  readonly label: string;
  readonly color: string;
  readonly picture: string | null;
  /** The article's first family (the grid's tab), its label, and its base price TTC. */
  readonly family: string | null;
  readonly familyLabel: string | null;
  readonly unitPrice: number | null;
}

async function registerId(db: Db, number: number): Promise<number> {
  const row = await db.selectFrom('registers').select('id').where('number', '=', number).executeTakeFirst();
  if (row === undefined) throw new StoreError('INVALID_INPUT', `Caisse inconnue : ${number}`, 'register');
  return row.id;
}

/** The register's shortcuts in their order. */
export async function readShortcuts(db: Db, registerNumber: number): Promise<Shortcut[]> {
  const id = await registerId(db, registerNumber);
  const rows = await db
    .selectFrom('register_shortcuts as s')
    .leftJoin('articles as a', 'a.ref', 's.article_ref')
    .leftJoin('families as f', (join) => join.onRef('f.code', '=', 'a.family1').on('f.level', '=', 1))
    .leftJoin('article_prices as p', (join) =>
      join.onRef('p.article_id', '=', 'a.id').on('p.tariff_code', '=', BASE_TARIFF),
    )
    .select([
      's.position',
      's.article_ref',
      's.label',
      's.color',
      's.picture',
      'a.family1',
      'f.label as family_label',
      'p.price',
    ])
    .where('s.register_id', '=', id)
    .orderBy('s.position')
    .execute();
  return rows.map((r) => ({
    position: r.position,
    ref: r.article_ref,
    label: r.label,
    color: r.color,
    picture: r.picture,
    family: r.family1 ?? null,
    familyLabel: r.family_label ?? null,
    unitPrice: r.price === null || r.price === undefined ? null : Number(r.price),
  }));
}

/** A list of shortcuts checked against the catalogue, ready to be written. */
export interface CheckedShortcuts {
  readonly registerId: number;
  readonly rows: readonly { ref: string; label: string; color: string; picture: string | null }[];
}

/** Checks `list` (shape, and every article known and active); refuses with the first fault. */
export async function checkShortcuts(
  db: Db,
  registerNumber: number,
  list: readonly ShortcutInput[],
): Promise<CheckedShortcuts> {
  const parsed = parseInput(shortcutListSchema, list);
  const id = await registerId(db, registerNumber);
  const refs = parsed.map((s) => s.ref.toUpperCase());
  const known =
    refs.length === 0
      ? []
      : await db.selectFrom('articles').select(['ref', 'active']).where('ref', 'in', refs).execute();
  for (const [i, ref] of refs.entries()) {
    const article = known.find((a) => a.ref === ref);
    if (article === undefined)
      throw new StoreError(
        'UNKNOWN_ARTICLE',
        `Raccourci n° ${i + 1} : article inconnu ${ref}`,
        `shortcuts.${i}.ref`,
      );
    if (article.active !== 1)
      throw new StoreError(
        'INVALID_INPUT',
        `Raccourci n° ${i + 1} : l’article ${ref} n’est plus actif`,
        `shortcuts.${i}.ref`,
      );
  }
  return {
    registerId: id,
    rows: parsed.map((s, i) => ({
      ref: refs[i] ?? s.ref,
      label: s.label,
      color: s.color.toLowerCase(),
      picture: s.picture,
    })),
  };
}

/** Writes checked shortcuts in place of the register's, in one transaction. */
export async function writeShortcuts(db: Db, checked: CheckedShortcuts): Promise<void> {
  await inTransaction(db, async (trx) => {
    await trx.deleteFrom('register_shortcuts').where('register_id', '=', checked.registerId).execute();
    for (const [i, row] of checked.rows.entries()) {
      await trx
        .insertInto('register_shortcuts')
        .values({
          register_id: checked.registerId,
          position: i + 1,
          article_ref: row.ref,
          label: row.label,
          color: row.color,
          picture: row.picture,
        })
        .execute();
    }
  });
}

/** Replaces the register's shortcuts with `list`, in its order; refused whole on a bad article. */
export async function replaceShortcuts(db: Db, registerNumber: number, list: readonly ShortcutInput[]) {
  await writeShortcuts(db, await checkShortcuts(db, registerNumber, list));
}

/** Pastel backgrounds the demo's and the editor's first buttons take, one per family. */
export const SHORTCUT_COLORS: readonly string[] = [
  '#fde68a',
  '#bbf7d0',
  '#bfdbfe',
  '#fbcfe8',
  '#ddd6fe',
  '#fed7aa',
  '#a5f3fc',
  '#e5e7eb',
];

/**
 * The demo shop's grid on a register: the first articles of a few families (the tea room first, as
 * a café sells without a scanner), each family in its colour.
 */
export async function addDemoShortcuts(
  db: Db,
  registerNumber: number,
  articles: readonly {
    ref: string;
    designation: string;
    family1?: string | undefined;
    lotSerial?: boolean | undefined;
  }[],
): Promise<void> {
  const families: readonly (readonly [string, number])[] = [
    ['SALON', 8],
    ['BOISSONS', 6],
    ['EPICERIE', 6],
    ['PRESSE', 4],
  ];
  const list: ShortcutInput[] = [];
  families.forEach(([family, count], f) => {
    const color = SHORTCUT_COLORS[f % SHORTCUT_COLORS.length] ?? '#e5e7eb';
    for (const a of articles.filter((x) => x.family1 === family && x.lotSerial !== true).slice(0, count)) {
      list.push({ ref: a.ref, label: a.designation.slice(0, 40), color, picture: null });
    }
  });
  await replaceShortcuts(db, registerNumber, list);
}
