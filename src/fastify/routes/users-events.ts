/**
 * `GET /users/{id}/events` (docs/audit-log.md): superusers read a user's security events,
 * newest first, a page at a time. Registered inside the users plugin when its `events` option
 * is on; off by default, since FastAPI Users has no such route. The id need not be a current
 * user's: a deleted user's trail stays readable. The guard runs in `onRequest`, so a
 * non-superuser gets 401/403 before any 422.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import { decodeAuditCursor, encodeAuditCursor } from '../../audit/cursor.ts'
import type { AuditStore } from '../../audit/store.ts'
import { ConfigurationError, NotFoundError } from '../../errors.ts'
import { parseId } from '../../id.ts'
import { AuditEventPage, AuditEventQuerystring, DEFAULT_EVENTS_LIMIT } from '../audit-schemas.ts'
import type { RoutesContext } from '../context.ts'
import type { CurrentUserHook } from '../guard.ts'
import { ErrorResponse, ValidationErrorResponse } from '../schemas.ts'

type RouteCommon = { tags: string[]; security: Array<Record<string, string[]>> }

const IdParams = Type.Object({ id: Type.String() })

/**
 * The route, to register on the users plugin's scope; the store is checked now, when the
 * application builds its plugins.
 *
 * @throws ConfigurationError `AUDIT_EVENTS_UNSUPPORTED` without an audit store.
 */
export function userEventsRoute(context: RoutesContext, superuser: CurrentUserHook): (app: FastifyInstance, common: RouteCommon) => void {
  const store: AuditStore | null = context.manager.audit.store
  if (store === null) {
    throw new ConfigurationError('AUDIT_EVENTS_UNSUPPORTED', 'usersRoutes({ events: true }) needs an audit store (the audit.store option of fastifyUsers)')
  }
  return (app, common) => app.withTypeProvider<TypeBoxTypeProvider>().get('/:id/events', {
    schema: {
      ...common,
      operationId: 'users:user_events',
      summary: "A user's security events, newest first (superuser)",
      params: IdParams,
      querystring: AuditEventQuerystring,
      response: { 200: AuditEventPage, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 422: ValidationErrorResponse },
    },
    onRequest: superuser,
  }, async (request) => {
    const id = parseId(request.params.id)
    if (id === null) throw new NotFoundError()
    const query = request.query
    const page = await store.listByUser(id, {
      limit: query.limit === undefined ? DEFAULT_EVENTS_LIMIT : Number(query.limit),
      after: query.cursor === undefined ? null : decodeAuditCursor(query.cursor),
    })
    return {
      items: page.events.map((event) => ({ ...event, occurred_at: event.occurred_at.toISOString() })),
      next_cursor: page.next === null ? null : encodeAuditCursor(page.next),
    }
  })
}
