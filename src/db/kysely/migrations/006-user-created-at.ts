/**
 * Migration 6: `user.created_at`, for listing users by creation time (`GET /users`), and the
 * index that makes a page of that listing one range scan: `(created_at, id)`, unknown times
 * first (PostgreSQL puts NULLs last unless told, the others first).
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

/** Millisecond precision everywhere, the precision of the instants the adapter writes. */
const COLUMN_TYPE: Record<SqlDialect, string> = {
  sqlite: 'TIMESTAMP',
  postgres: 'TIMESTAMP(3) WITH TIME ZONE',
  mysql: 'DATETIME(3)',
}

/**
 * Adds the column and its index where missing; safe to run again (MySQL commits DDL at once).
 *
 * @example
 * ```ts
 * await addUserCreatedAt(db, 'mysql')
 * ```
 */
export async function addUserCreatedAt(db: AnyKysely, dialect: SqlDialect): Promise<void> {
  const table = dialect === 'mysql' ? '`user`' : '"user"'
  const run = (statement: string): Promise<unknown> => sql.raw(statement).execute(db)
  if (!(await columnNames(db, dialect, 'user')).has('created_at')) {
    await run(`ALTER TABLE ${table} ADD COLUMN created_at ${COLUMN_TYPE[dialect]} NULL`)
  }
  if (!(await indexExists(db, dialect, 'user', INDEX))) {
    const first = dialect === 'postgres' ? ' NULLS FIRST' : ''
    await run(`CREATE INDEX ${INDEX} ON ${table} (created_at${first}, id)`)
  }
}
