/**
 * The authenticator behind every protected route (CONTRACT §4). Backends are tried in order;
 * the first whose strategy turns its token into a user wins, and invalid tokens simply yield
 * nobody. Then the decision table: nobody → 401; inactive (with `active`) → 401; unverified
 * (with `verified`) → 403; not a superuser (with `superuser`) → 403; with `optional`, each of
 * these leaves `request.user` null instead.
 *
 * It runs as an `onRequest` hook, before the body is read, so a missing token is a 401 even
 * when the body is invalid (CONTRACT §3).
 */
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { AuthenticationBackend } from '../authentication/backend.ts'
import type { UserLookup } from '../authentication/strategy.ts'
import { asServiceUnavailable } from '../store-unavailable.ts'
import { sendStatus } from './errors.ts'
import type { RequestAuthentication, User } from './request.ts'

export interface CurrentUserOptions {
  /** Refuse inactive users (401). */
  active?: boolean
  /** Refuse unverified users (403). */
  verified?: boolean
  /** Refuse users who are not superusers (403). */
  superuser?: boolean
  /** Let the request through with `request.user = null` instead of refusing it. */
  optional?: boolean
  /** Only these backends may authenticate the request; all of them by default. */
  backends?: AuthenticationBackend[]
}

export type Authenticate = (request: FastifyRequest, backends?: AuthenticationBackend[]) =>
  Promise<(RequestAuthentication & { user: User }) | null>

export function createAuthenticate(backends: AuthenticationBackend[], users: UserLookup<User>): Authenticate {
  return async (request, enabled = backends) => {
    for (const backend of enabled) {
      const token = backend.transport.readToken(request)
      if (token === null) continue
      let user: User | null
      try {
        user = await backend.strategy.readToken(token, users)
      } catch (error) {
        // Stores of the application's own making reach here unconverted; their outage is a 503 too.
        throw asServiceUnavailable(error)
      }
      if (user) return { user, backend, token }
    }
    return null
  }
}

/** An `onRequest` hook; it sends the refusal itself, so it works on any route of the app. */
export type CurrentUserHook = (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply | undefined>

/** Builds `onRequest` hooks that let through only the users the options describe. */
export function createCurrentUser(authenticate: Authenticate) {
  return (options: CurrentUserOptions = {}): CurrentUserHook =>
    async function currentUser(request: FastifyRequest, reply: FastifyReply) {
      const found = await authenticate(request, options.backends)
      const user = found?.user
      let status = 0
      if (!user || (options.active && !user.is_active)) status = 401
      else if ((options.verified && !user.is_verified) || (options.superuser && !user.is_superuser)) status = 403
      if (status !== 0) {
        if (!options.optional) return sendStatus(reply, status)
        request.user = null as unknown as User
        request.authentication = null
        return
      }
      request.user = user!
      request.authentication = { backend: found!.backend, token: found!.token }
    }
}
