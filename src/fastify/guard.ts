/**
 * The guard of every protected route (CONTRACT §4). The authenticator
 * (src/authentication/authenticator.ts) finds the user; then the decision table: nobody → 401;
 * inactive (with `active`) → 401; unverified (with `verified`) → 403; not a superuser (with
 * `superuser`) → 403; none of the `roles`, or not every one of the `permissions` (issue 15;
 * one lookup of the user's roles, only on guards that ask) → 403; with `optional`, each of
 * these leaves `request.user` null instead.
 *
 * It runs as an `onRequest` hook, before the body is read, so a missing token is a 401 even
 * when the body is invalid (CONTRACT §3). On an application's route the error handler is the
 * application's, so the guard answers every refusal itself, through the library's one
 * renderer: its own 401/403, the cross-site cookie check's 403, a store's 503.
 */
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { AuthenticationBackend } from '../authentication/backend.ts'
import type { Authenticated, Authenticator } from '../authentication/authenticator.ts'
import { ConfigurationError, FastifyUsersError, ForbiddenError, UnauthorizedError } from '../errors.ts'
import { asServiceUnavailable } from '../store-unavailable.ts'
import { sendError } from './error-handler.ts'
import type { User } from './request.ts'
import { isGranted, type RoleAccess } from './role-access.ts'
import { apiKeyOf, grantOf, recordApiKeyUse } from './api-key-grant.ts'

export interface CurrentUserOptions<R extends string = string, P extends string = string> {
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
  /** Refuse users holding none of these roles (403). Needs the `roles` option of fastifyUsers. */
  roles?: readonly R[]
  /** Refuse users whose roles do not grant every one of these permissions (403). Needs `roles`. */
  permissions?: readonly P[]
}

/** The authenticator of the guard: the core's, wrapped by the CSRF check of cookie requests. */
export type Authenticate = Authenticator<User, FastifyRequest>

/** Told of each request a guard lets through (the sessions' use, src/fastify/session-recording.ts); must not wait on anything. */
export type AuthenticatedListener = (request: FastifyRequest, reply: FastifyReply, found: Authenticated<User>) => void

/** An `onRequest` hook; it sends the refusal itself, so it works on any route of the app. */
export type CurrentUserHook = (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply | undefined>

/**
 * Builds `onRequest` hooks that let through only the users the options describe.
 *
 * @throws ConfigurationError `ROLES_NOT_CONFIGURED` for a guard asking for roles or
 * permissions when fastifyUsers has no `roles` option.
 */
export function createCurrentUser(authenticate: Authenticate, access: RoleAccess | null = null, onAuthenticated: AuthenticatedListener | null = null) {
  return (options: CurrentUserOptions = {}): CurrentUserHook => {
    const checksRoles = options.roles !== undefined || options.permissions !== undefined
    if (checksRoles && access === null) {
      throw new ConfigurationError('ROLES_NOT_CONFIGURED', 'currentUser({ roles, permissions }) needs the roles option of fastifyUsers')
    }
    return async function currentUser(request: FastifyRequest, reply: FastifyReply) {
      try {
        const found = await authenticate(request, options.backends)
        const user = found?.user
        // An API key acts as its owner restricted to the key's permissions, never as a superuser.
        const key = apiKeyOf(found ?? null)
        let refusal: FastifyUsersError | null = null
        if (!user || (options.active && !user.is_active)) refusal = new UnauthorizedError()
        else if ((options.verified && !user.is_verified) || (options.superuser && (!user.is_superuser || key !== null))) refusal = new ForbiddenError()
        else if (checksRoles && !(await isGranted(access!, user, options.roles, options.permissions, key?.permissions))) refusal = new ForbiddenError()
        if (refusal !== null) {
          if (!options.optional) throw refusal
          request.user = null as unknown as User
          request.authentication = null
          return
        }
        request.user = user!
        request.authentication = key === null
          ? { backend: found!.backend, token: found!.token }
          : { backend: found!.backend, token: found!.token, apiKey: grantOf(key) }
        if (key !== null) recordApiKeyUse(request, reply, found!, key)
        onAuthenticated?.(request, reply, found!)
      } catch (thrown) {
        // Stores of the application's own making reach here unconverted; their outage is a 503 too.
        const error = asServiceUnavailable(thrown)
        if (error instanceof FastifyUsersError) return sendError(request, reply, error)
        throw error
      }
    }
  }
}
