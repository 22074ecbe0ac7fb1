/**
 * The rows of the role table (migration 14): one per user and role, carrying the user's sort
 * keys so that a page of one role's holders seeks on the table's own indexes. `user.roles`
 * stays what `getRoles` reads; this table is its index, which the writes that change it keep
 * in step in their own transaction. The sort keys are copied by the database from the user row
 * (the folded email through the very expression of `ux_user_email_ci`, `created_at` as
 * stored), not recomputed here, so they compare exactly as the unfiltered list's keys do and a
 * position from one list is a position in the other.
 */
import { sql } from 'kysely'
import { emailKey } from './email-key.ts'
import { USER_ROLE_TABLE, type AnyKysely, type SqlDialect } from './schema.ts'

/**
 * Adds a row of `role` for each user of `userIds`, copying its keys, in one statement; an id
 * that names no user adds none.
 *
 * @example
 * ```ts
 * await insertRoleHolders(trx, 'postgres', 'editor', [id])
 * ```
 */
export async function insertRoleHolders(db: AnyKysely, dialect: SqlDialect, role: string, userIds: readonly string[]): Promise<void> {
  if (userIds.length === 0) return
  await db
    .insertInto(USER_ROLE_TABLE)
    .columns(['user_id', 'role', 'email_key', 'created_at'])
    .expression(
      db
        .selectFrom('user')
        .select([sql.ref('user.id').as('user_id'), sql.val(role).as('role'), emailKey(dialect).as('email_key'), sql.ref('user.created_at').as('created_at')])
        .where('user.id', 'in', userIds),
    )
    .execute()
}

/**
 * Removes every row of the user; the foreign key cascade does it on delete, but a SQLite
 * connection may not enforce foreign keys.
 */
export async function deleteUserRoles(db: AnyKysely, userId: string): Promise<void> {
  await db.deleteFrom(USER_ROLE_TABLE).where('user_id', '=', userId).execute()
}

/** Copies the user's folded email again into its rows, after its email changed. */
export async function refreshUserRoleEmail(db: AnyKysely, dialect: SqlDialect, userId: string): Promise<void> {
  await db
    .updateTable(USER_ROLE_TABLE)
    .set({ email_key: db.selectFrom('user').select(emailKey(dialect).as('email_key')).where('user.id', '=', userId) })
    .where('user_id', '=', userId)
    .execute()
}
