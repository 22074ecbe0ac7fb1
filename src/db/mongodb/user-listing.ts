/**
 * `listUsers` on MongoDB (src/db/user-listing.ts): keyset pages on `ux_email_key` or on
 * `ix_created_at` (`{created_at, email_key}`), or, filtered by role, on `ix_roles_email_key`
 * and `ix_roles_created_at` (the same keys after `roles`, multikey), filtered by a flag, on
 * `ix_<flag>_email_key` and `ix_<flag>_created_at` (the same keys after the flag: an equality
 * seeks; the flag's default value, matched with `$ne` so that documents without the flag count,
 * is two ranges of the index around the other value), and an optional count. The tie-breaker of a
 * creation time is the folded email rather than `_id`: it is unique too, and a string, which
 * every server orders the same way. Unknown creation times (documents FastAPI Users wrote, or
 * written before fastify-users stored the time) sort first ascending and last descending,
 * MongoDB's own order for a missing field, as on SQL.
 */
import type { Document, Filter } from 'mongodb'
import { foldEmail } from '../../email.ts'
import type { UserRecord } from '../../user.ts'
import { foldUsername } from '../../username/rules.ts'
import { creationTimeSegments, readSegments } from '../user-listing.ts'
import type { CreationTimeSegment, UserListFilter, UserListPage, UserListPosition, UserListQuery } from '../user-listing.ts'
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
  const read = (condition: Document | null, count: number) =>
    users
      .find({ $and: [filter, ...(condition === null ? [] : [condition])] } as Filter<UserDocument>)
      .sort(sort)
      .limit(count)
      .toArray()
  let found: Document[]
  if (query.sort === 'email') {
    const after = query.after ? { email_key: { [direction === -1 ? '$lt' : '$gt']: query.after.key ?? '' } } : null
    found = await read(after, query.limit + 1)
  } else {
    found = await readSegments(creationTimeSegments(query.order, query.after), query.limit, (segment, count) =>
      read(segmentCondition(direction === -1, segment), count),
    )
  }
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
  if (filter.usernamePrefix !== undefined) conditions.push({ username_key: { $regex: `^${regexLiteral(foldUsername(filter.usernamePrefix))}` } })
  if (filter.usernameContains !== undefined) conditions.push({ username_key: { $regex: regexLiteral(foldUsername(filter.usernameContains)) } })
  // Equality on an array matches a document whose array holds the role: `ix_roles_*` seek on it.
  if (filter.role !== undefined) conditions.push({ roles: { $eq: filter.role } })
  return conditions.length === 0 ? {} : { $and: conditions }
}

/** The documents of one segment; from a position, a seek on `ix_created_at` and on from there. */
function segmentCondition(desc: boolean, segment: CreationTimeSegment): Document | null {
  const beyond = desc ? '$lt' : '$gt'
  switch (segment.kind) {
    case 'all':
      return null
    case 'unknown':
      return { created_at: null, ...(segment.afterId === undefined ? {} : { email_key: { [beyond]: segment.afterId } }) }
    case 'known':
      if (segment.from === undefined) return { created_at: { $ne: null } }
      return {
        created_at: { [desc ? '$lte' : '$gte']: segment.from.at },
        $or: [{ created_at: { [beyond]: segment.from.at } }, { email_key: { [beyond]: segment.from.id } }],
      }
  }
}

function regexLiteral(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&')
}
