/**
 * Migration 14: the role table (issue 15), so that a page of `GET /users?role=` is one range
 * scan of an index, as an unfiltered page is, instead of a walk along the whole list skipping
 * the users without the role. `fastify_users_user_role` holds one row per user and role with
 * copies of the user's sort keys (user-role-rows.ts):
 *
 * - `(user_id, role)` the primary key, which also serves the foreign key's cascade;
 * - `ux_fastify_users_user_role_email` on `(role, email_key)`: by email, the folded email
 *   compared byte by byte as `ux_user_email_ci` compares it (PostgreSQL: the C collation,
 *   MySQL: utf8mb4_bin); unique, since emails are unique under that folding;
 * - `ix_fastify_users_user_role_created_at` on `(role, created_at, user_id)`: by creation time,
 *   unknown times first as in `ix_user_created_at`.
 *
 * The foreign key to `user` deletes a user's rows with it; `user_id` repeats the type of
 * `user.id` (on MySQL its character set and collation too, or the constraint is refused).
 * Role names fit in 255 characters.
 *
 * The table is filled from `user.roles`, read in batches of ids and parsed as `getRoles` parses
 * it (anything unreadable holds no role), so a database of a million users is never read at
 * once; each batch is one INSERT…SELECT per role it holds. Safe to run again (MySQL commits DDL
 * at once): the table is emptied before it is filled. The table is analyzed afterwards on
 * PostgreSQL and MySQL, which plan from statistics that a table filled at once lacks until
 * their background analysis runs: PostgreSQL then estimated a role at 40 rows and sorted all
 * 100,000 holders of one (bench, a million users) instead of reading its index in order.
 */
import { sql } from 'kysely'
import { parseStoredRoles } from '../../user-roles.ts'
import { indexExists, mysqlUserIdCollation } from '../introspect.ts'
import { USER_ROLE_TABLE, type AnyKysely, type SqlDialect } from '../schema.ts'
import { insertRoleHolders } from '../user-role-rows.ts'
import { CREATED_AT_TYPE } from './006-user-administration.ts'

/** Users read from `user.roles` at a time while filling the table. */
const FILL_BATCH = 1000

/**
 * Creates the role table and its indexes where missing, then fills it from `user.roles`.
 *
 * @example
 * ```ts
 * await createUserRoleTable(db, 'sqlite')
 * ```
 */
export async function createUserRoleTable(db: AnyKysely, dialect: SqlDialect): Promise<void> {
  const run = (statement: string): Promise<unknown> => sql.raw(statement).execute(db)
  const bin = ' CHARACTER SET utf8mb4 COLLATE utf8mb4_bin'
  let userId = dialect === 'postgres' ? 'UUID' : 'CHAR(36)'
  if (dialect === 'mysql') {
    const { charset, collation } = await mysqlUserIdCollation(db)
    userId = `CHAR(36) CHARACTER SET ${charset} COLLATE ${collation}`
  }
  const role = `VARCHAR(255)${dialect === 'mysql' ? bin : ''}`
  const key = `VARCHAR(320)${{ sqlite: '', postgres: ' COLLATE "C"', mysql: bin }[dialect]}`
  const user = dialect === 'mysql' ? '`user`' : '"user"'
  const tail = dialect === 'mysql' ? ' ENGINE=InnoDB DEFAULT CHARSET=utf8mb4' : ''
  await run(`CREATE TABLE IF NOT EXISTS ${USER_ROLE_TABLE} (
	user_id ${userId} NOT NULL,
	role ${role} NOT NULL,
	email_key ${key} NOT NULL,
	created_at ${CREATED_AT_TYPE[dialect]} NULL,
	PRIMARY KEY (user_id, role),
	FOREIGN KEY (user_id) REFERENCES ${user} (id) ON DELETE CASCADE
)${tail}`)
  const first = dialect === 'postgres' ? ' NULLS FIRST' : ''
  const indexes: Array<[string, string, string]> = [
    ['UNIQUE INDEX', `ux_${USER_ROLE_TABLE}_email`, 'role, email_key'],
    ['INDEX', `ix_${USER_ROLE_TABLE}_created_at`, `role, created_at${first}, user_id`],
  ]
  for (const [kind, index, columns] of indexes) {
    if (!(await indexExists(db, dialect, USER_ROLE_TABLE, index))) await run(`CREATE ${kind} ${index} ON ${USER_ROLE_TABLE} (${columns})`)
  }
  await fillUserRoleTable(db, dialect)
}

/**
 * Replaces the table's rows by those `user.roles` gives, a batch of users at a time.
 *
 * @example
 * ```ts
 * await fillUserRoleTable(db, 'postgres')
 * ```
 */
export async function fillUserRoleTable(db: AnyKysely, dialect: SqlDialect): Promise<void> {
  await db.deleteFrom(USER_ROLE_TABLE).execute()
  let after: string | null = null
  for (;;) {
    let batch = db.selectFrom('user').select(['id', 'roles']).where('roles', 'is not', null).orderBy('id').limit(FILL_BATCH)
    if (after !== null) batch = batch.where('id', '>', after)
    const rows: Array<{ id: unknown; roles: unknown }> = await batch.execute()
    const holders = new Map<string, string[]>()
    for (const row of rows) {
      for (const role of parseStoredRoles(row.roles)) {
        const ids = holders.get(role) ?? []
        ids.push(String(row.id))
        holders.set(role, ids)
      }
    }
    for (const [role, ids] of holders) await insertRoleHolders(db, dialect, role, ids)
    const last = rows.at(-1)
    if (rows.length < FILL_BATCH || last === undefined) break
    after = String(last.id)
  }
  if (dialect === 'postgres') await sql.raw(`ANALYZE ${USER_ROLE_TABLE}`).execute(db)
  if (dialect === 'mysql') await sql.raw(`ANALYZE TABLE ${USER_ROLE_TABLE}`).execute(db)
}
