/**
 * Migration 12, usernames (issue 16): a nullable `username` column, so that FastAPI Users keeps
 * inserting rows without knowing it, and `ux_user_username_ci`, unique on the username under
 * ASCII case folding, the folding of the email index (migration 2, email-key.ts): NULLs are
 * distinct in every one of these unique indexes, so any number of users may have no username.
 *
 * - SQLite: on `lower(username)`;
 * - PostgreSQL: on `lower(username COLLATE "C")`;
 * - MySQL/MariaDB: on a stored generated column `username_ci`, the username with the 26
 *   REPLACE()s, under a binary collation.
 *
 * A table that already has a `username` column (an application's own) keeps it; the index then
 * refuses to be created while two of its values differ only in letter case.
 */
import { sql } from 'kysely'
import { mysqlFoldExpression } from '../email-key.ts'
import { columnNames, indexExists } from '../introspect.ts'
import type { AnyKysely, SqlDialect } from '../schema.ts'

const INDEX = 'ux_user_username_ci'

/**
 * Adds the column and its index where missing; safe to run again (MySQL commits DDL at once).
 *
 * @example
 * ```ts
 * await addUsername(db, 'sqlite')
 * ```
 */
export async function addUsername(db: AnyKysely, dialect: SqlDialect): Promise<void> {
  const table = dialect === 'mysql' ? '`user`' : '"user"'
  const run = (statement: string): Promise<unknown> => sql.raw(statement).execute(db)
  const columns = await columnNames(db, dialect, 'user')
  if (!columns.has('username')) await run(`ALTER TABLE ${table} ADD COLUMN username VARCHAR(255) NULL`)
  if (await indexExists(db, dialect, 'user', INDEX)) return
  switch (dialect) {
    case 'sqlite':
      await run(`CREATE UNIQUE INDEX ${INDEX} ON "user" (lower(username))`)
      return
    case 'postgres':
      await run(`CREATE UNIQUE INDEX ${INDEX} ON "user" (lower(username COLLATE "C"))`)
      return
    case 'mysql': {
      // One ALTER adds the column and its index together, since MySQL DDL is not transactional.
      const column = columns.has('username_ci')
        ? ''
        : `ADD COLUMN username_ci VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin ` +
          `AS (${mysqlFoldExpression('username')}) STORED, `
      await run(`ALTER TABLE \`user\` ${column}ADD UNIQUE INDEX ${INDEX} (username_ci)`)
      return
    }
  }
}
