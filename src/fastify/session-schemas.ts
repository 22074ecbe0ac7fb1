/**
 * The named schemas of the sessions routes (issue 15, docs/sessions.md). They exist only on
 * those new routes, off by default, so no FastAPI Users response changes.
 */
import { Type } from 'typebox'

const instant = (description: string) => Type.String({ format: 'date-time', description })

export const UserSession = Type.Object(
  {
    id: Type.String({ description: 'Opaque and random: names the session, tells nothing of its tokens' }),
    created_at: instant('When the login started the session'),
    last_used_at: instant('Its latest use seen: recorded at most once per interval (60 s by default)'),
    expires_at: Type.Union([instant('When it stops working unless refreshed'), Type.Null()], { description: 'null: until ended' }),
    user_agent: Type.Union([Type.String(), Type.Null()], { description: 'The User-Agent of the login; null when not recorded' }),
    client_address: Type.Union([Type.String(), Type.Null()], { description: 'The client address of the login; null when not recorded' }),
    current: Type.Boolean({ description: 'Whether this request was authenticated by the session' }),
  },
  { title: 'UserSession' },
)

export const UserSessionList = Type.Object(
  { items: Type.Array(UserSession, { description: 'Live sessions, the most recently used first' }) },
  { title: 'UserSessionList' },
)

export const SessionParams = Type.Object({ session_id: Type.String() })
export const UserSessionParams = Type.Object({ id: Type.String(), session_id: Type.String() })
