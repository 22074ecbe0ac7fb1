/**
 * The named schemas of `GET /users` (issue 15): its query and its page. Query parameters
 * arrive as text and the validator coerces nothing, so numbers, flags and instants are checked
 * as text here and read by the route. A listed user is the read model with `created_at`
 * added; that field exists only in this new response, never in the user objects FastAPI Users
 * clients compare. The `role` and `username_*` parameters exist only when the application has
 * roles or usernames: without them they are dropped as any unknown parameter is (validation.ts,
 * as FastAPI ignores them), so they filter nothing, and the document does not mention them.
 */
import { Type, type Static, type TObject } from 'typebox'

/** The most users one page holds. */
export const MAX_LIST_LIMIT = 100
export const DEFAULT_LIST_LIMIT = 50

const flag = () => Type.Optional(Type.Union([Type.Literal('true'), Type.Literal('false')]))
const instant = () =>
  Type.Optional(
    Type.String({
      format: 'date-time',
      pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?(Z|[+-]\\d{2}:\\d{2})$',
      description: 'An RFC 3339 date-time with its offset, e.g. 2026-01-31T12:00:00Z',
    }),
  )

const BASE_QUERY = {
  cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 1024, description: 'The `next_cursor` of the previous page' })),
  limit: Type.Optional(
    Type.String({ pattern: '^(100|[1-9][0-9]?)$', description: `Users per page, 1 to ${MAX_LIST_LIMIT} (default ${DEFAULT_LIST_LIMIT})` }),
  ),
  sort: Type.Optional(Type.Union([Type.Literal('email'), Type.Literal('created_at')], { description: 'Default: email' })),
  order: Type.Optional(Type.Union([Type.Literal('asc'), Type.Literal('desc')], { description: 'Default: asc' })),
  email_prefix: Type.Optional(Type.String({ minLength: 1, maxLength: 320, description: 'Emails starting with this (ASCII letter case ignored)' })),
  email_contains: Type.Optional(Type.String({ minLength: 1, maxLength: 320, description: 'Emails containing this (scans)' })),
  is_active: flag(),
  is_verified: flag(),
  is_superuser: flag(),
  created_after: instant(),
  created_before: instant(),
  include_total: flag(),
}

/** What the query offers beyond the base filters. */
export interface UserListQueryFeatures {
  /** The configured role names, or `null` without roles. */
  roles: readonly string[] | null
  usernames: boolean
}

/** The query as the route reads it, whatever the application has configured. */
export type UserListQueryText = Static<TObject<typeof BASE_QUERY>> & {
  role?: string
  username_prefix?: string
  username_contains?: string
}

/** The query schema for what the application has configured. */
export function userListQuerystring(features: UserListQueryFeatures): TObject {
  const text = (description: string) => Type.Optional(Type.String({ minLength: 1, maxLength: 255, description }))
  return Type.Object(
    {
      ...BASE_QUERY,
      ...(features.roles === null
        ? {}
        : { role: Type.Optional(Type.Union(features.roles.map((name) => Type.Literal(name)), { description: 'Users holding this role' })) }),
      ...(features.usernames
        ? {
            username_prefix: text('Usernames starting with this (ASCII letter case ignored; users without one are left out)'),
            username_contains: text('Usernames containing this (ASCII letter case ignored; scans)'),
          }
        : {}),
    },
    { title: 'UserListQuery', additionalProperties: false },
  )
}

/** The page schema for a read model (which carries the application's own read fields). */
export function userListPageSchema(read: TObject): TObject {
  const item = Type.Object(
    {
      ...read.properties,
      created_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
        description: 'When the user was created; null when unknown (stored before fastify-users recorded it)',
      }),
    },
    { title: 'UserListItem' },
  )
  return Type.Object(
    {
      items: Type.Array(item),
      next_cursor: Type.Union([Type.String(), Type.Null()], { description: 'Pass as `cursor` for the next page; null on the last' }),
      total: Type.Optional(Type.Integer({ description: 'With include_total=true: every user the filters match' })),
    },
    { title: 'UserListPage' },
  )
}
