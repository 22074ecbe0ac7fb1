/**
 * Brute-force protection and the CSRF check, as route hooks. `fastifyUsers()` builds one
 * `RouteSecurity` from its `security` option, and each protected route spreads the hooks of
 * its action into its options:
 *
 * - `onRequest`: the per-client-address limit of the action (before the body is even read),
 *   and for a cookie backend's login, the cross-site check;
 * - login only, `preHandler` (after validation, so a 422 costs no attempt): the per-email
 *   throttle, which counts the attempt as a failure up front, and `onSend`, which forgets the
 *   failures when the password was right (a 2xx, or `LOGIN_USER_NOT_VERIFIED`, which is only
 *   answered to the right password).
 *
 * Refusals are 429 `{"detail": "Too Many Requests"}` with `Retry-After` in seconds. Limits are
 * keyed by the action, never by the URL, so no spelling of a path (`//auth/jwt/login`, a
 * trailing slash, another letter case, with the router options that accept them) gets a
 * fresh count.
 */
import type { FastifyReply, FastifyRequest, onRequestAsyncHookHandler, onSendHookHandler, preHandlerAsyncHookHandler } from 'fastify'
import type { AuthenticationBackend } from '../../authentication/backend.ts'
import { ErrorCode } from '../../errors.ts'
import { clientAddressKey } from '../../security/client-address.ts'
import { parseAllowedOrigins } from '../../security/cross-site.ts'
import { LoginThrottle } from '../../security/login-throttle.ts'
import { MailThrottle, type MailKind } from '../../security/mail-throttle.ts'
import { MemoryRateLimitStore } from '../../security/memory-store.ts'
import { SlidingWindowLimiter } from '../../security/sliding-window.ts'
import type { Authenticate } from '../guard.ts'
import { DEFAULT_MAX_JSON_DEPTH } from './body-parsing.ts'
import { refuseCrossSiteCookies, refuseCrossSiteLogin, usesCookies } from './cross-site-cookies.ts'
import { rateLimitRule, type ProtectedAction, type SecurityOptions } from './options.ts'

/** Hooks to spread into a protected route's options. */
export interface RouteHooks {
  onRequest: onRequestAsyncHookHandler[]
  preHandler?: preHandlerAsyncHookHandler
  onSend?: onSendHookHandler
}

export interface RouteSecurity {
  /** Levels of arrays and objects a JSON body may nest (`security.maxJsonDepth`). */
  readonly maxJsonDepth: number
  /** The hooks of `action`'s route; `backend` is the login route's own backend. */
  routeHooks(action: ProtectedAction, backend?: AuthenticationBackend): RouteHooks
  /** The authenticator, with cookie authentication refused on cross-site requests. */
  guardAuthenticate(authenticate: Authenticate, backends: AuthenticationBackend[]): Authenticate
  /** A password reset succeeded: the account's failed logins are forgotten. */
  passwordReset(email: string): Promise<void>
  /**
   * A password check outside login (the current password of `PATCH /users/me`), counted by the
   * login throttle of `email` like a login: refused while the email must wait, else whether
   * `verify` said yes (a yes forgets the failures).
   */
  throttledPasswordCheck(email: string, verify: () => Promise<boolean>): Promise<{ allowed: false; retryAfterSeconds: number } | { allowed: true; verified: boolean }>
  /** Counts a request for a `kind` mail to `email`; false when the mail must not be sent. */
  mailAllowed(kind: MailKind, email: string, request: FastifyRequest): Promise<boolean>
}

/** Sends 429 with `Retry-After`. */
export function sendTooManyRequests(reply: FastifyReply, retryAfterSeconds: number): FastifyReply {
  return reply.code(429).header('retry-after', String(Math.max(1, Math.ceil(retryAfterSeconds)))).send({ detail: 'Too Many Requests' })
}

/**
 * @example
 * const security = createRouteSecurity({ rateLimit: { register: { limit: 20, windowSeconds: 3600 } } })
 * app.post('/register', { ...security.routeHooks('register') }, handler)
 */
export function createRouteSecurity(options: SecurityOptions = {}): RouteSecurity {
  const store = options.store ?? new MemoryRateLimitStore()
  const limiter = new SlidingWindowLimiter(store)
  const throttle = options.loginThrottle === false ? null : new LoginThrottle(store, options.loginThrottle)
  const mails = options.mailThrottle === false ? null : new MailThrottle(store, options.mailThrottle)
  const allowedOrigins = options.csrf === false ? null : parseAllowedOrigins(options.csrf?.allowedOrigins ?? [])

  function addressLimit(action: ProtectedAction): onRequestAsyncHookHandler | null {
    const rule = rateLimitRule(options, action)
    if (rule === null) return null
    return async function rateLimit(request: FastifyRequest, reply: FastifyReply) {
      const verdict = await limiter.hit(`ip:${action}:${clientAddressKey(request.ip ?? '')}`, rule)
      if (!verdict.allowed) return sendTooManyRequests(reply, verdict.retryAfterSeconds)
    }
  }

  function loginHooks(): Pick<RouteHooks, 'preHandler' | 'onSend'> {
    if (throttle === null) return {}
    const username = (request: FastifyRequest) => (request.body as { username: string }).username
    return {
      preHandler: async function loginThrottle(request: FastifyRequest, reply: FastifyReply) {
        const verdict = await throttle.attempt(username(request))
        if (!verdict.allowed) return sendTooManyRequests(reply, verdict.retryAfterMs / 1000)
      },
      onSend: async function forgetFailures(request: FastifyRequest, reply: FastifyReply, payload: unknown) {
        const passwordWasRight = reply.statusCode < 300 ||
          (reply.statusCode === 400 && typeof payload === 'string' && payload.includes(`"${ErrorCode.LOGIN_USER_NOT_VERIFIED}"`))
        if (passwordWasRight) await throttle.succeeded(username(request))
        return payload
      },
    }
  }

  const maxJsonDepth = options.maxJsonDepth ?? DEFAULT_MAX_JSON_DEPTH
  if (!(Number.isInteger(maxJsonDepth) && maxJsonDepth >= 1)) throw new TypeError('security.maxJsonDepth must be a whole number of at least 1')
  return {
    maxJsonDepth,
    routeHooks(action, backend) {
      const onRequest: onRequestAsyncHookHandler[] = []
      const limit = addressLimit(action)
      if (limit) onRequest.push(limit)
      if (action !== 'login') return { onRequest }
      if (allowedOrigins !== null && backend !== undefined && usesCookies(backend)) onRequest.push(refuseCrossSiteLogin(allowedOrigins))
      return { onRequest, ...loginHooks() }
    },
    guardAuthenticate(authenticate, backends) {
      return allowedOrigins === null ? authenticate : refuseCrossSiteCookies(authenticate, backends, allowedOrigins)
    },
    async passwordReset(email) {
      await throttle?.succeeded(email)
    },
    async throttledPasswordCheck(email, verify) {
      if (throttle === null) return { allowed: true, verified: await verify() }
      const verdict = await throttle.attempt(email)
      if (!verdict.allowed) return { allowed: false, retryAfterSeconds: verdict.retryAfterMs / 1000 }
      const verified = await verify()
      if (verified) await throttle.succeeded(email)
      return { allowed: true, verified }
    },
    async mailAllowed(kind, email, request) {
      return mails === null || mails.allow(kind, email, request.ip ?? '')
    },
  }
}
