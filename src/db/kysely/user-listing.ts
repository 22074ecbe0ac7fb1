/**
 * `listUsers` on SQL (src/db/user-listing.ts): one keyset query per page on an index, the
 * email key's unique index or `ix_user_created_at` (migration 6), and an optional COUNT.
 * The email sorts by the folded key the unique index holds (`emailKey`), which compares bytes
 * on every database (PostgreSQL's is under the C collation), so the order is the same on all.
 * A page of one role's holders reads the role table (migration 14) on its indexes of the same
 * keys, `(role, email_key)` and `(role, created_at, user_id)`, joined to the user rows, so it
 * seeks too, and its positions are those of the unfiltered list. A flag's equality seeks on
 * its indexes of the same keys, `(flag, email key)` and `(flag, created_at, id)` (migration 15),
 * so it compares the column with the value as stored (`encodeBoolean`: 0/1 but on PostgreSQL).
 */
import { sql, type Expression, type ExpressionBuilder, type RawBuilder, type SqlBool } from 'kysely'
import { foldEmail } from '../../email.ts'
import type { UserRecord } from '../../user.ts'
import { likeLiteral } from '../sql/like-pattern.ts'
import { parseSqlTimestamp } from '../sql/timestamp.ts'
import { runWithoutQueryValues } from '../sql/driver-error.ts'
import { creationTimeSegments, readSegments } from '../user-listing.ts'
import type { CreationTimeSegment, UserListFilter, UserListPage, UserListPosition, UserListQuery } from '../user-listing.ts'
import { encodeBoolean, encodeTimestamp, selectTimestamp } from './codec.ts'
import { foldUsername } from '../../username/rules.ts'
import { emailKey, usernameKey } from './email-key.ts'
import { USER_ROLE_TABLE, type AnyKysely, type SqlDialect } from './schema.ts'
import type { UserRowMapper } from './user-row.ts'

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Where = ExpressionBuilder<any, 'user'>

const FLAGS = ['is_active', 'is_verified', 'is_superuser'] as const

/** The keys a page seeks on and orders by: the user table's, or the role table's copies of them. */
interface SortKeys {
  email: RawBuilder<string>
  createdAt: string
  id: string
}

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
  const role = query.role
  const keys: SortKeys =
    role === undefined
      ? { email: emailKey(dialect), createdAt: 'user.created_at', id: 'user.id' }
      : { email: sql<string>`${sql.ref(`${USER_ROLE_TABLE}.email_key`)}`, createdAt: `${USER_ROLE_TABLE}.created_at`, id: `${USER_ROLE_TABLE}.user_id` }
  const from = () =>
    role === undefined
      ? db.selectFrom('user')
      : db.selectFrom(USER_ROLE_TABLE).innerJoin('user', 'user.id', `${USER_ROLE_TABLE}.user_id`).where(`${USER_ROLE_TABLE}.role`, '=', role)
  const desc = query.order === 'desc'
  const base = () =>
    from()
      .select(rows.selection())
      .select(selectTimestamp(dialect, 'user.created_at', '__created_at'))
      .select(keys.email.as('__email_key'))
      .where((eb: Where) => filterExpression(eb, dialect, query))
  let found: Array<Record<string, unknown>>
  if (query.sort === 'email') {
    let select = base()
    if (query.after) select = select.where(keys.email, desc ? '<' : '>', query.after.key ?? '')
    found = await runWithoutQueryValues(select.orderBy(keys.email, desc ? 'desc' : 'asc').limit(query.limit + 1).execute())
  } else {
    // Unknown times first in ascending order, last in descending, as the indexes hold them.
    const nulls = dialect === 'postgres' ? sql.raw(desc ? ' NULLS LAST' : ' NULLS FIRST') : sql.raw('')
    found = await readSegments(creationTimeSegments(query.order, query.after), query.limit, (segment, count) =>
      runWithoutQueryValues(
        base()
          .where((eb: Where) => segmentExpression(eb, dialect, desc, segment, keys))
          .orderBy(sql`${sql.ref(keys.createdAt)} ${sql.raw(desc ? 'DESC' : 'ASC')}${nulls}`)
          .orderBy(keys.id, desc ? 'desc' : 'asc')
          .limit(count)
          .execute(),
      ),
    )
  }
  // One row more than asked tells whether another page follows.
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
      from()
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
  if (filter.usernamePrefix !== undefined) {
    conditions.push(sql<SqlBool>`${usernameKey(dialect)} LIKE ${`${likeLiteral(foldUsername(filter.usernamePrefix))}%`} ESCAPE '!'`)
  }
  if (filter.usernameContains !== undefined) {
    conditions.push(sql<SqlBool>`${usernameKey(dialect)} LIKE ${`%${likeLiteral(foldUsername(filter.usernameContains))}%`} ESCAPE '!'`)
  }
  // The role is the join's condition on the role table (listUsers), not a condition here.
  return eb.and(conditions)
}

/**
 * The rows of one segment. From a position, `created_at <= k AND (created_at < k OR id < t)`
 * (descending; the other way ascending) seeks to `k` on the index and reads on from there.
 */
function segmentExpression(eb: Where, dialect: SqlDialect, desc: boolean, segment: CreationTimeSegment, keys: SortKeys): Expression<SqlBool> {
  const beyond = desc ? '<' : '>'
  const { createdAt, id } = keys
  switch (segment.kind) {
    case 'all':
      return eb.and([])
    case 'unknown':
      return eb.and([eb(createdAt, 'is', null), ...(segment.afterId === undefined ? [] : [eb(id, beyond, segment.afterId)])])
    case 'known': {
      if (segment.from === undefined) return eb(createdAt, 'is not', null)
      const at = encodeTimestamp(dialect, segment.from.at)
      return eb.and([
        eb(createdAt, desc ? '<=' : '>=', at),
        eb.or([eb(createdAt, beyond, at), eb(id, beyond, segment.from.id)]),
      ])
    }
  }
}
