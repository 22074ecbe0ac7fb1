/**
 * Migration 2: email uniqueness across letter case, enforced by the database (CONTRACT,
 * deliberate difference 3), so that two concurrent registrations of `A@x.io` and `a@x.io`
 * cannot both succeed. FastAPI Users' own `ix_user_email` is case-sensitive and stays; this
 * adds `ux_user_email_ci` on the folded email (see email-key.ts for the expression of each
 * database). A FastAPI Users database may already hold emails that differ only in case; the
 * migration then refuses with the colliding emails rather than pick an account to disable.
 */
import { sql } from 'kysely'
import { foldEmail } from '../../../email.ts'
import { EmailCaseCollisionError } from '../../errors.ts'
import { mysqlFoldExpression } from '../email-key.ts'
import { columnNames, indexExists } from '../introspect.ts'
import type { AnyKysely, SqlDialect } from '../schema.ts'

const INDEX = 'ux_user_email_ci'

/**
 * Refuses a table with case collisions, then adds the case-insensitive unique index.
 *
 * @example
 * ```ts
 * await addCaseInsensitiveEmailIndex(db, 'postgres')
 * ```
 */
export async function addCaseInsensitiveEmailIndex(db: AnyKysely, dialect: SqlDialect): Promise<void> {
  if (await indexExists(db, dialect, 'user', INDEX)) return
  await refuseCaseCollisions(db, dialect)
  switch (dialect) {
    case 'sqlite':
      await sql.raw(`CREATE UNIQUE INDEX ${INDEX} ON "user" (lower(email))`).execute(db)
      return
    case 'postgres':
      await sql.raw(`CREATE UNIQUE INDEX ${INDEX} ON "user" (lower(email COLLATE "C"))`).execute(db)
      return
    case 'mysql': {
      // One ALTER adds the column and its index together, since MySQL DDL is not transactional.
      const column = (await columnNames(db, dialect, 'user')).has('email_ci')
        ? ''
        : `ADD COLUMN email_ci VARCHAR(320) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin ` +
          `AS (${mysqlFoldExpression('email')}) STORED, `
      await sql.raw(`ALTER TABLE \`user\` ${column}ADD UNIQUE INDEX ${INDEX} (email_ci)`).execute(db)
      return
    }
  }
}

async function refuseCaseCollisions(db: AnyKysely, dialect: SqlDialect): Promise<void> {
  // Compare folded emails byte for byte: a MySQL table FastAPI Users created has a
  // case- and accent-insensitive collation, under which GROUP BY would merge too much.
  const key = {
    sqlite: 'lower(email)',
    postgres: 'lower(email COLLATE "C")',
    mysql: `CAST(${mysqlFoldExpression('email')} AS BINARY)`,
  }[dialect]
  const table = dialect === 'mysql' ? '`user`' : '"user"'
  const { rows } = await sql<{ email: string }>`SELECT email FROM ${sql.raw(table)} WHERE ${sql.raw(key)} IN
    (SELECT ${sql.raw(key)} FROM ${sql.raw(table)} GROUP BY ${sql.raw(key)} HAVING COUNT(*) > 1)`.execute(db)
  if (rows.length === 0) return
  const groups = new Map<string, string[]>()
  for (const { email } of rows) {
    const folded = foldEmail(email)
    groups.set(folded, [...(groups.get(folded) ?? []), email])
  }
  const collisions = [...groups.values()].map((group) => group.sort())
  collisions.sort((a, b) => (a[0] ?? '').localeCompare(b[0] ?? ''))
  throw new EmailCaseCollisionError(collisions)
}
