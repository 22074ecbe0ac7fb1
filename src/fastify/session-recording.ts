/**
 * The HTTP side of session recording (src/sessions/, docs/sessions.md): what a login tells of
 * its client, and the use of a session by an authenticated request, recorded after the
 * response and at most once per interval per session (the throttle is in memory, so a request
 * whose session was seen recently costs one hash and no store call).
 */
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { SessionOptions } from '../authentication/backend.ts'
import { JwtStrategy } from '../authentication/strategies/jwt.ts'
import type { Sessions } from '../sessions/sessions.ts'
import { runAfterResponse } from './after-response.ts'
import type { AuthenticatedListener } from './guard.ts'

/**
 * The session options of a login, refresh or logout made by `request`.
 *
 * @example
 * await backend.login(user, { refreshRoute, ...sessionOptions(context.sessions, request) })
 */
export function sessionOptions(sessions: Sessions | null, request: FastifyRequest): SessionOptions {
  if (sessions === null) return {}
  const userAgent = request.headers['user-agent']
  return { sessions, client: { userAgent: typeof userAgent === 'string' ? userAgent : null, address: request.ip ?? null } }
}

/**
 * The guard's listener that records each session's use.
 *
 * @example
 * createCurrentUser(authenticate, roles, sessionUse(sessions))
 */
export function sessionUse(sessions: Sessions): AuthenticatedListener {
  return (request: FastifyRequest, reply: FastifyReply, found) => {
    // A JWT without refresh tokens belongs to no session: nothing to write.
    if (found.backend.refresh === null && found.backend.strategy instanceof JwtStrategy) return
    const work = sessions.touch(found.user.id, found.token)
    if (work !== null) reply.raw.once('finish', () => runAfterResponse(request, "recording a session's use", work))
  }
}
