/**
 * `listUsers` on SQL (src/db/user-listing.ts): one keyset query per page on an index, the
 * email key's unique index or `ix_user_created_at` (migration 6), and an optional COUNT.
 * The email sorts by the folded key the unique index holds (`emailKey`), which compares bytes
 * on every database (PostgreSQL's is under the C collation), so the order is the same on all.
 */
import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely'
import { foldEmail } from '../../email.ts'
import type { UserRecord } from '../../user.ts'
import { likeLiteral } from '../sql/like-pattern.ts'
import { parseSqlTimestamp } from '../sql/timestamp.ts'
import { runWithoutQueryValues } from '../sql/driver-error.ts'
import type { UserListFilter, UserListPage, UserListPosition, UserListQuery } from '../user-listing.ts'
import { encodeBoolean, encodeTimestamp, selectTimestamp } from './codec.ts'
import { emailKey } from './email-key.ts'
import type { AnyKysely, SqlDialect } from './schema.ts'
import type { UserRowMapper } from './user-row.ts'

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Where = ExpressionBuilder<any, 'user'>

const FLAGS = ['is_active', 'is_verified', 'is_superuser'] as const

/**
 * A page of users.
 *
 * @example
 * ```ts
 * const page = await listUsers(db, 'sqlite', rows, { sort: 'email', order: 'asc', limit: 50 })
 * ```
 */
export async function listUsers<U extends UserRecord>(
  db: AnyKysely,
  dialect: SqlDialect,
  rows: UserRowMapper,
  query: UserListQuery,
): Promise<UserListPage<U>> {
  const key = emailKey(dialect)
  const desc = query.order === 'desc'
  let select = db
    .selectFrom('user')
    .select(rows.selection())
    .select(selectTimestamp(dialect, 'user.created_at', '__created_at'))
    .select(key.as('__email_key'))
    .where((eb: Where) => filterExpression(eb, dialect, query))
  if (query.after) select = select.where((eb: Where) => afterPosition(eb, dialect, query, query.after!))
  if (query.sort === 'email') {
    select = select.orderBy(key, desc ? 'desc' : 'asc')
  } else {
    // Unknown times first in ascending order, last in descending, as the index holds them.
    const nulls = dialect === 'postgres' ? sql.raw(desc ? ' NULLS LAST' : ' NULLS FIRST') : sql.raw('')
    select = select.orderBy(sql`created_at ${sql.raw(desc ? 'DESC' : 'ASC')}${nulls}`).orderBy('user.id', desc ? 'desc' : 'asc')
  }
  // One row more than asked tells whether another page follows.
  const found = await runWithoutQueryValues(select.limit(query.limit + 1).execute())
  const more = found.length > query.limit
  const page = found.slice(0, query.limit)
  const entries = page.map((row: Record<string, unknown>) => ({
    user: rows.toRecord<U>(row),
    created_at: row['__created_at'] === null ? null : parseSqlTimestamp(row['__created_at']),
  }))
  const last = page.at(-1)
  const next: UserListPosition | null =
    more && last !== undefined
      ? query.sort === 'email'
        ? { key: String(last['__email_key']), tie: String(last['id']).toLowerCase() }
        : { key: entries.at(-1)?.created_at?.toISOString() ?? null, tie: String(last['id']).toLowerCase() }
      : null
  const result: UserListPage<U> = { entries, next }
  if (query.total) {
    const counted = await runWithoutQueryValues(
      db
        .selectFrom('user')
        .select(sql<number | string | bigint>`COUNT(*)`.as('total'))
        .where((eb: Where) => filterExpression(eb, dialect, query))
        .executeTakeFirst(),
    )
    result.total = Number(counted?.total ?? 0)
  }
  return result
}

function filterExpression(eb: Where, dialect: SqlDialect, filter: UserListFilter): Expression<SqlBool> {
  const key = emailKey(dialect)
  const conditions: Array<Expression<SqlBool>> = []
  if (filter.emailPrefix !== undefined) {
    conditions.push(sql<SqlBool>`${key} LIKE ${`${likeLiteral(foldEmail(filter.emailPrefix))}%`} ESCAPE '!'`)
  }
  if (filter.emailContains !== undefined) {
    conditions.push(sql<SqlBool>`${key} LIKE ${`%${likeLiteral(foldEmail(filter.emailContains))}%`} ESCAPE '!'`)
  }
  for (const flag of FLAGS) {
    const value = filter[flag]
    if (value !== undefined) conditions.push(eb(`user.${flag}`, '=', encodeBoolean(dialect, value)))
  }
  if (filter.createdAfter !== undefined) {
    conditions.push(eb('user.created_at', '>=', encodeTimestamp(dialect, filter.createdAfter)))
  }
  if (filter.createdBefore !== undefined) {
    conditions.push(eb('user.created_at', '<', encodeTimestamp(dialect, filter.createdBefore)))
  }
  return eb.and(conditions)
}

/** The rows after `position` in the query's order: strictly after, so no user repeats. */
function afterPosition(eb: Where, dialect: SqlDialect, query: UserListQuery, position: UserListPosition): Expression<SqlBool> {
  const desc = query.order === 'desc'
  const beyond = desc ? '<' : '>'
  if (query.sort === 'email') return eb(emailKey(dialect), beyond, position.key ?? '')
  const id = eb('user.id', beyond, position.tie)
  if (position.key === null) {
    // Among the unknown times, by id; ascending, every known time follows them.
    const unknown = eb.and([eb('user.created_at', 'is', null), id])
    return desc ? unknown : eb.or([eb('user.created_at', 'is not', null), unknown])
  }
  const time = parseSqlTimestamp(position.key)
  const at = encodeTimestamp(dialect, time ?? new Date(0))
  const later = eb.or([eb('user.created_at', beyond, at), eb.and([eb('user.created_at', '=', at), id])])
  return desc ? eb.or([later, eb('user.created_at', 'is', null)]) : later
}
