/**
 * Migration 6, the administration columns of `user` (issue 15), all nullable, so FastAPI Users
 * keeps inserting rows without knowing them:
 *
 * - `roles`: the user's roles as a JSON array of names (NULL: none);
 * - `ban`: the user's ban as a JSON object (NULL: none; src/db/user-bans.ts);
 * - `created_at`, for listing users by creation time (`GET /users`), and the index that makes
 *   a page of that listing one range scan: `(created_at, id)`, unknown times first (PostgreSQL
 *   puts NULLs last unless told, the others first).
 *
 * The column is nullable and existing rows keep NULL: nothing records when they were created
 * (FastAPI Users' ids are random UUIDs), and a made-up time, such as the migration's, would
 * list them among users really created then. Rows that FastAPI Users inserts later, not knowing
 * the column, get NULL too. The adapter writes the time of every user it creates.
 */
import { sql } from 'kysely'
import { columnNames, indexExists } from '../introspect.ts'
import type { AnyKysely, SqlDialect } from '../schema.ts'

const INDEX = 'ix_user_created_at'

/**
 * `created_at`: millisecond precision everywhere, the precision of the instants the adapter
 * writes. Migration 14's copy of it has the same type.
 */
export const CREATED_AT_TYPE: Record<SqlDialect, string> = {
  sqlite: 'TIMESTAMP',
  postgres: 'TIMESTAMP(3) WITH TIME ZONE',
  mysql: 'DATETIME(3)',
}

/**
 * Adds the columns and the index where missing; safe to run again (MySQL commits DDL at once).
 *
 * @example
 * ```ts
 * await addUserAdministration(db, 'mysql')
 * ```
 */
export async function addUserAdministration(db: AnyKysely, dialect: SqlDialect): Promise<void> {
  const table = dialect === 'mysql' ? '`user`' : '"user"'
  const run = (statement: string): Promise<unknown> => sql.raw(statement).execute(db)
  const columns = await columnNames(db, dialect, 'user')
  if (!columns.has('created_at')) await run(`ALTER TABLE ${table} ADD COLUMN created_at ${CREATED_AT_TYPE[dialect]} NULL`)
  if (!columns.has('roles')) await run(`ALTER TABLE ${table} ADD COLUMN roles TEXT NULL`)
  if (!columns.has('ban')) await run(`ALTER TABLE ${table} ADD COLUMN ban TEXT NULL`)
  if (!(await indexExists(db, dialect, 'user', INDEX))) {
    const first = dialect === 'postgres' ? ' NULLS FIRST' : ''
    await run(`CREATE INDEX ${INDEX} ON ${table} (created_at${first}, id)`)
  }
}
