/**
 * The named schemas of `GET /users/{id}/events` (docs/audit-log.md): its query and its page.
 * Query parameters arrive as text and the validator coerces nothing, so the limit is checked
 * as text and read by the route.
 */
import { Type } from 'typebox'
import { AUDIT_EVENT_TYPES } from '../audit/events.ts'

/** The most events one page holds. */
export const MAX_EVENTS_LIMIT = 100
export const DEFAULT_EVENTS_LIMIT = 50

export const AuditEventQuerystring = Type.Object(
  {
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 1024, description: 'The `next_cursor` of the previous page' })),
    limit: Type.Optional(
      Type.String({ pattern: '^(100|[1-9][0-9]?)$', description: `Events per page, 1 to ${MAX_EVENTS_LIMIT} (default ${DEFAULT_EVENTS_LIMIT})` }),
    ),
  },
  { title: 'AuditEventQuery', additionalProperties: false },
)

const nullableString = (description: string) => Type.Union([Type.String(), Type.Null()], { description })

export const AuditEventSchema = Type.Object(
  {
    id: Type.String(),
    type: Type.Enum([...AUDIT_EVENT_TYPES]),
    user_id: nullableString('The account concerned; null when none is known'),
    actor_id: nullableString('Who acted on the account, when not its user (a superuser)'),
    occurred_at: Type.String({ format: 'date-time' }),
    ip: nullableString("The client's address, as the server trusts it"),
    user_agent: nullableString("The client's User-Agent header"),
    data: Type.Object({}, { additionalProperties: true, description: "The event type's details (docs/audit-log.md)" }),
  },
  { title: 'AuditEvent' },
)

export const AuditEventPage = Type.Object(
  {
    items: Type.Array(AuditEventSchema, { description: 'Newest first' }),
    next_cursor: Type.Union([Type.String(), Type.Null()], { description: 'Pass as `cursor` for the next page; null on the last' }),
  },
  { title: 'AuditEventPage' },
)
