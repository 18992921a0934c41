/**
 * The hot path of the journal (`validateTicket`) runs a dozen small queries per ticket; Kysely builds
 * and compiles each one again (a tree of immutable nodes, then SQL text), which cost more than running
 * them on SQLite. `cachedRows` compiles a query the first time per SQL family, checks that the
 * parameters it found are the ones given (same values, same order: a query whose shape depends on its
 * values must put that in its name), and from then on runs the SQL text with new parameters. On SQLite
 * the statement itself is kept by the connection (`withStatementCache`).
 */
import { type Compilable, CompiledQuery, type Kysely } from 'kysely';
import { sqlFamilyOf } from '../engine.ts';

const texts = new Map<string, string>();

function sameParameters(a: readonly unknown[], b: readonly unknown[]): boolean {
  return a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
}

/** The SQL text of `name` for `db`'s family, compiled from `build()` the first time. */
function textOf(db: Kysely<unknown>, name: string, parameters: readonly unknown[], build: () => Compilable) {
  const key = `${sqlFamilyOf(db)}\u0000${name}`;
  const known = texts.get(key);
  if (known !== undefined) return known;
  const compiled = build().compile();
  if (!sameParameters(compiled.parameters, parameters)) {
    throw new Error(`Requête ${name} : paramètres attendus dans un autre ordre que ceux compilés.`);
  }
  texts.set(key, compiled.sql);
  return compiled.sql;
}

/**
 * Runs the query `build()` would build, by its cached SQL text, with `parameters` (in the order the
 * compiled query uses them). `build` is only called the first time.
 */
export async function cachedRows<R>(
  db: object,
  name: string,
  parameters: readonly unknown[],
  build: () => Compilable,
): Promise<R[]> {
  const kysely = db as Kysely<unknown>;
  const text = textOf(kysely, name, parameters, build);
  const result = await kysely.executeQuery<R>(CompiledQuery.raw(text, [...parameters]));
  return result.rows;
}

/** Runs a statement without parameters (savepoints). */
export async function runRaw(db: object, text: string): Promise<void> {
  await (db as Kysely<unknown>).executeQuery(CompiledQuery.raw(text));
}
