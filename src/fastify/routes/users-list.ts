/**
 * `GET /users` (issue 15): superusers list and search users, page by page, over a user
 * database that also implements `UserListing` (src/db/user-listing.ts). Registered inside the
 * users plugin when its `list` option is on; off by default, since FastAPI Users has no such
 * route. The guard runs in `onRequest`, so a non-superuser gets 401/403 before any 422. The
 * schema names the configured roles, so an unknown role is a 422 before any query.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { ConfigurationError, InvalidListQueryError } from '../../errors.ts'
import { isUserListing, type UserListQuery } from '../../db/user-listing.ts'
import { decodeUserCursor, encodeUserCursor } from '../../user-list-cursor.ts'
import type { RoutesContext } from '../context.ts'
import type { CurrentUserHook } from '../guard.ts'
import type { User } from '../request.ts'
import { ErrorResponse, ValidationErrorResponse } from '../schemas.ts'
import { DEFAULT_LIST_LIMIT, userListPageSchema, userListQuerystring, type UserListQueryText } from '../user-list-schemas.ts'

type RouteCommon = { tags: string[]; security: Array<Record<string, string[]>> }

/**
 * The route, to register on the users plugin's scope; the database is checked now, when the
 * application builds its plugins, rather than when the server starts.
 *
 * @throws ConfigurationError `USERS_LIST_UNSUPPORTED` when the user database cannot list users.
 */
export function userListRoute(context: RoutesContext, superuser: CurrentUserHook): (app: FastifyInstance, common: RouteCommon) => void {
  const db = context.manager.db
  if (!isUserListing<User>(db)) {
    throw new ConfigurationError('USERS_LIST_UNSUPPORTED', 'usersRoutes({ list: true }) needs a user database that lists users (listUsers)')
  }
  return (app, common) => app.get('/', {
    schema: {
      ...common,
      operationId: 'users:list_users',
      summary: 'List and search users, a page at a time (superuser)',
      querystring: userListQuerystring({ roles: context.roles?.names ?? null, usernames: context.manager.usernames !== null }),
      response: { 200: userListPageSchema(context.schemas.read), 401: ErrorResponse, 403: ErrorResponse, 422: ValidationErrorResponse },
    },
    onRequest: superuser,
  }, async (request: FastifyRequest) => {
    const query = listQuery(request.query as UserListQueryText)
    const page = await db.listUsers(query)
    return {
      items: page.entries.map((entry) => ({ ...entry.user, created_at: entry.created_at?.toISOString() ?? null })),
      next_cursor: page.next === null ? null : encodeUserCursor(query.sort, query.order, page.next),
      ...(page.total === undefined ? {} : { total: page.total }),
    }
  })
}

function listQuery(q: UserListQueryText): UserListQuery {
  const sort = q.sort ?? 'email'
  const order = q.order ?? 'asc'
  const query: UserListQuery = {
    sort,
    order,
    limit: q.limit === undefined ? DEFAULT_LIST_LIMIT : Number(q.limit),
    after: q.cursor === undefined ? null : decodeUserCursor(q.cursor, sort, order),
    total: q.include_total === 'true',
  }
  if (q.email_prefix !== undefined) query.emailPrefix = q.email_prefix
  if (q.email_contains !== undefined) query.emailContains = q.email_contains
  for (const name of ['is_active', 'is_verified', 'is_superuser'] as const) {
    const value = q[name]
    if (value !== undefined) query[name] = value === 'true'
  }
  if (q.created_after !== undefined) query.createdAfter = instant(q.created_after, 'created_after')
  if (q.created_before !== undefined) query.createdBefore = instant(q.created_before, 'created_before')
  if (q.role !== undefined) query.role = q.role
  if (q.username_prefix !== undefined) query.usernamePrefix = q.username_prefix
  if (q.username_contains !== undefined) query.usernameContains = q.username_contains
  return query
}

/** A date-time the schema's pattern let through, which may still name no instant (month 13). */
function instant(text: string, parameter: string): Date {
  const date = new Date(text)
  if (Number.isNaN(date.getTime())) throw new InvalidListQueryError(parameter)
  return date
}
