/**
 * Migration 15: indexes for the flag filters of `GET /users` (issue 15), so that a page of
 * `is_active=false` or `is_superuser=true` is one range scan, as an unfiltered page is, instead
 * of a walk along the sort's index skipping every user without the flag's value: with a few
 * superusers among a million users, one page read the whole table. For each of `is_active`,
 * `is_verified` and `is_superuser`, two indexes on `user`, the flag then a sort's keys exactly
 * as the unfiltered indexes hold them:
 *
 * - `ix_user_<flag>_email` on `(<flag>, <email key>)`: the expression of `ux_user_email_ci`
 *   (email-key.ts: `lower(email)` on SQLite, `lower(email COLLATE "C")` on PostgreSQL, the
 *   generated `email_ci` on MySQL), so that the email sort compares bytes as it does unfiltered;
 * - `ix_user_<flag>_created_at` on `(<flag>, created_at, id)`: unknown times first, as in
 *   `ix_user_created_at` (migration 6).
 *
 * Whole indexes rather than partial ones (`WHERE is_superuser = 1`), which would be tiny: either
 * value of a flag may be the rare one (an application that never verifies has few verified users,
 * one that requires it few unverified; bans deactivate), a partial index serves one value only,
 * and MariaDB has none, so every database keeps the same indexes.
 *
 * The cost, measured at a million users (the bench's users: emails of 28 characters):
 * - SQLite (`dbstat`): 41,697,280 bytes per email index, 83,668,992 per creation-time index
 *   (the time is 26 characters of text), 376,098,816 bytes for the six, beside a table of
 *   215,949,312 bytes and 226,930,688 of the `user` indexes before (the file nearly doubles);
 * - PostgreSQL (`pg_relation_size`): 87,498,752 bytes per email index, 49,610,752 per
 *   creation-time index, 411,328,512 for the six, beside a table of 199,712,768 bytes.
 * Every insert and delete of a user writes six more index entries, an email change three, and
 * a change of one flag two. Building the six over a million users took 5.8 s on SQLite and 7.0 s
 * on PostgreSQL (load average 3.9, two CPUs), during which writes to `user` wait: SQLite's
 * migration holds the write lock, and PostgreSQL's CREATE INDEX, in the migration's transaction
 * (so not CONCURRENTLY), blocks writes to the table.
 */
import { sql } from 'kysely'
import { indexExists } from '../introspect.ts'
import type { AnyKysely, SqlDialect } from '../schema.ts'

/** The flags `GET /users` filters on, each indexed in both sorts. */
const USER_FLAGS = ['is_active', 'is_verified', 'is_superuser'] as const

/** The names and columns of one flag's indexes, by email and by creation time. */
function flagIndexes(dialect: SqlDialect, flag: (typeof USER_FLAGS)[number]): Array<[string, string]> {
  const key = { sqlite: 'lower(email)', postgres: 'lower(email COLLATE "C")', mysql: 'email_ci' }[dialect]
  const first = dialect === 'postgres' ? ' NULLS FIRST' : ''
  return [
    [`ix_user_${flag}_email`, `${flag}, ${key}`],
    [`ix_user_${flag}_created_at`, `${flag}, created_at${first}, id`],
  ]
}

/**
 * Creates the six indexes where missing; safe to run again (MySQL commits DDL at once).
 *
 * @example
 * ```ts
 * await addUserFlagIndexes(db, 'postgres')
 * ```
 */
export async function addUserFlagIndexes(db: AnyKysely, dialect: SqlDialect): Promise<void> {
  const table = dialect === 'mysql' ? '`user`' : '"user"'
  for (const flag of USER_FLAGS) {
    for (const [index, columns] of flagIndexes(dialect, flag)) {
      if (!(await indexExists(db, dialect, 'user', index))) await sql.raw(`CREATE INDEX ${index} ON ${table} (${columns})`).execute(db)
    }
  }
}
