/**
 * The case-insensitive email key (and the username's, folded the same way: migration 12). Emails match under ASCII case folding only (`A`-`Z` become
 * `a`-`z`, every other character is kept: `foldEmail` of src/email.ts), the same in every
 * database, because that is what SQLite's built-in lower() does and what FastAPI Users'
 * `lower(email) = lower(:email)` gives there. Each database computes the key with an indexable
 * expression:
 *
 * - SQLite: `lower(email)`, ASCII-only without the ICU extension.
 * - PostgreSQL: `lower(email COLLATE "C")`: under the C collation lower() folds only ASCII
 *   letters, whatever the database's locale (plain lower() would fold `É` to `é`).
 * - MySQL/MariaDB: MariaDB has no functional indexes, and its lower() folds every Unicode
 *   letter, so a stored generated column `email_ci` holds the email with 26 case-sensitive
 *   REPLACE()s applied, under a binary collation so that the unique index compares bytes.
 */
import { sql } from 'kysely'
import type { RawBuilder } from 'kysely'
import type { SqlDialect } from './schema.ts'

/**
 * The SQL expression whose value is the folded email of the `user` row, the same expression
 * the unique index holds (so that lookups use the index).
 *
 * @example
 * ```ts
 * db.selectFrom('user').selectAll().where(emailKey('postgres'), '=', foldEmail(email))
 * ```
 */
export function emailKey(dialect: SqlDialect): RawBuilder<string> {
  switch (dialect) {
    case 'sqlite':
      return sql<string>`lower(email)`
    case 'postgres':
      return sql<string>`lower(email COLLATE "C")`
    case 'mysql':
      return sql<string>`email_ci`
  }
}

/**
 * The SQL expression of the folded username (migration 12), the expression of its unique index.
 *
 * @example
 * ```ts
 * db.selectFrom('user').selectAll().where(usernameKey('sqlite'), '=', foldUsername(username))
 * ```
 */
export function usernameKey(dialect: SqlDialect): RawBuilder<string> {
  switch (dialect) {
    case 'sqlite':
      return sql<string>`lower(username)`
    case 'postgres':
      return sql<string>`lower(username COLLATE "C")`
    case 'mysql':
      return sql<string>`username_ci`
  }
}

/**
 * MySQL's expression for the generated `email_ci` column: REPLACE() is case-sensitive in
 * MySQL and MariaDB whatever the collation, so this folds exactly `A`-`Z`.
 *
 * @example
 * ```ts
 * sql.raw(`ALTER TABLE \`user\` ADD COLUMN email_ci VARCHAR(320) AS (${mysqlFoldExpression('email')}) STORED`)
 * ```
 */
export function mysqlFoldExpression(column: string): string {
  let expression = column
  for (let code = 65; code <= 90; code++) {
    const upper = String.fromCharCode(code)
    expression = `REPLACE(${expression}, '${upper}', '${upper.toLowerCase()}')`
  }
  return expression
}
