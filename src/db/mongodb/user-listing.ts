/**
 * `listUsers` on MongoDB (src/db/user-listing.ts): keyset pages on `ux_email_key` or on
 * `ix_created_at` (`{created_at, email_key}`), and an optional count. The tie-breaker of a
 * creation time is the folded email rather than `_id`: it is unique too, and a string, which
 * every server orders the same way. Unknown creation times (documents FastAPI Users wrote, or
 * written before fastify-users stored the time) sort first ascending and last descending,
 * MongoDB's own order for a missing field, as on SQL.
 */
import type { Document, Filter } from 'mongodb'
import { foldEmail } from '../../email.ts'
import type { UserRecord } from '../../user.ts'
import type { UserListFilter, UserListPage, UserListPosition, UserListQuery } from '../user-listing.ts'
import type { UserCollection, UserDocument, UserDocumentMapper } from './user-document.ts'

/** Pydantic's defaults of FastAPI Users' flags: a document without the flag has this value. */
const FLAG_DEFAULTS = { is_active: true, is_verified: false, is_superuser: false } as const

/**
 * A page of users.
 *
 * @example
 * ```ts
 * const page = await listUsers(users, documents, { sort: 'created_at', order: 'desc', limit: 50 })
 * ```
 */
export async function listUsers<U extends UserRecord>(
  users: UserCollection,
  documents: UserDocumentMapper,
  query: UserListQuery,
): Promise<UserListPage<U>> {
  const filter = filterDocument(query)
  const direction = query.order === 'desc' ? -1 : 1
  const sort: Document = query.sort === 'email' ? { email_key: direction } : { created_at: direction, email_key: direction }
  const conditions = [filter, ...(query.after ? [afterPosition(query, query.after)] : [])]
  const found = await users
    .find({ $and: conditions } as Filter<UserDocument>)
    .sort(sort)
    .limit(query.limit + 1)
    .toArray()
  const page = found.slice(0, query.limit)
  const entries = page.map((document) => ({ user: documents.toRecord<U>(document), created_at: createdAt(document) }))
  const last = page.at(-1)
  let next: UserListPosition | null = null
  if (found.length > query.limit && last !== undefined) {
    const tie = String(last.email_key)
    next = query.sort === 'email' ? { key: tie, tie } : { key: createdAt(last)?.toISOString() ?? null, tie }
  }
  const result: UserListPage<U> = { entries, next }
  if (query.total) result.total = await users.countDocuments(filter as Filter<UserDocument>)
  return result
}

function createdAt(document: Document): Date | null {
  const value: unknown = document['created_at']
  return value instanceof Date ? value : null
}

function filterDocument(filter: UserListFilter): Document {
  const conditions: Document[] = []
  if (filter.emailPrefix !== undefined) conditions.push({ email_key: { $regex: `^${regexLiteral(foldEmail(filter.emailPrefix))}` } })
  if (filter.emailContains !== undefined) conditions.push({ email_key: { $regex: regexLiteral(foldEmail(filter.emailContains)) } })
  for (const [flag, fallback] of Object.entries(FLAG_DEFAULTS) as Array<[keyof typeof FLAG_DEFAULTS, boolean]>) {
    const value = filter[flag]
    if (value === undefined) continue
    // A document without the flag has its default, which a plain equality would miss.
    conditions.push({ [flag]: value === fallback ? { $ne: !value } : { $eq: value } })
  }
  const created: Document = {}
  if (filter.createdAfter !== undefined) created['$gte'] = filter.createdAfter
  if (filter.createdBefore !== undefined) created['$lt'] = filter.createdBefore
  if (Object.keys(created).length > 0) conditions.push({ created_at: created })
  return conditions.length === 0 ? {} : { $and: conditions }
}

/** The documents after `position` in the query's order: strictly after, so none repeats. */
function afterPosition(query: UserListQuery, position: UserListPosition): Document {
  const beyond = query.order === 'desc' ? '$lt' : '$gt'
  if (query.sort === 'email') return { email_key: { [beyond]: position.key ?? '' } }
  const tie = { email_key: { [beyond]: position.tie } }
  if (position.key === null) {
    const unknown = { created_at: null, ...tie }
    return query.order === 'desc' ? unknown : { $or: [{ created_at: { $ne: null } }, unknown] }
  }
  const at = new Date(position.key)
  const later: Document[] = [{ created_at: { [beyond]: at } }, { created_at: { $eq: at }, ...tie }]
  return { $or: query.order === 'desc' ? [...later, { created_at: null }] : later }
}

function regexLiteral(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&')
}
