/**
 * The guard of every protected route (CONTRACT §4). The authenticator
 * (src/authentication/authenticator.ts) finds the user; then the decision table: nobody → 401;
 * inactive (with `active`) → 401; unverified (with `verified`) → 403; not a superuser (with
 * `superuser`) → 403; with `optional`, each of these leaves `request.user` null instead.
 *
 * It runs as an `onRequest` hook, before the body is read, so a missing token is a 401 even
 * when the body is invalid (CONTRACT §3). On an application's route the error handler is the
 * application's, so the guard answers every refusal itself, through the library's one
 * renderer: its own 401/403, the cross-site cookie check's 403, a store's 503.
 */
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { AuthenticationBackend } from '../authentication/backend.ts'
import type { Authenticator } from '../authentication/authenticator.ts'
import { FastifyUsersError, ForbiddenError, UnauthorizedError } from '../errors.ts'
import { asServiceUnavailable } from '../store-unavailable.ts'
import { sendError } from './error-handler.ts'
import type { User } from './request.ts'

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

/** The authenticator of the guard: the core's, wrapped by the CSRF check of cookie requests. */
export type Authenticate = Authenticator<User, FastifyRequest>

/** An `onRequest` hook; it sends the refusal itself, so it works on any route of the app. */
export type CurrentUserHook = (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply | undefined>

/** Builds `onRequest` hooks that let through only the users the options describe. */
export function createCurrentUser(authenticate: Authenticate) {
  return (options: CurrentUserOptions = {}): CurrentUserHook =>
    async function currentUser(request: FastifyRequest, reply: FastifyReply) {
      try {
        const found = await authenticate(request, options.backends)
        const user = found?.user
        let refusal: FastifyUsersError | null = null
        if (!user || (options.active && !user.is_active)) refusal = new UnauthorizedError()
        else if ((options.verified && !user.is_verified) || (options.superuser && !user.is_superuser)) refusal = new ForbiddenError()
        if (refusal !== null) {
          if (!options.optional) throw refusal
          request.user = null as unknown as User
          request.authentication = null
          return
        }
        request.user = user!
        request.authentication = { backend: found!.backend, token: found!.token }
      } catch (thrown) {
        // Stores of the application's own making reach here unconverted; their outage is a 503 too.
        const error = asServiceUnavailable(thrown)
        if (error instanceof FastifyUsersError) return sendError(request, reply, error)
        throw error
      }
    }
}
