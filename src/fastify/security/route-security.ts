/**
 * Brute-force protection and the CSRF check, as route hooks. `fastifyUsers()` builds one
 * `RouteSecurity` from its `security` option, and each protected route spreads the hooks of
 * its action into its options:
 *
 * - `onRequest`: the per-client-address limit of the action (before the body is even read),
 *   and for a cookie backend's login, the cross-site check;
 * - login only, `preHandler` (after validation, so a 422 costs no attempt): the per-email
 *   throttle, which counts the attempt as a failure up front (on the device's own counter when
 *   the request carries a valid device cookie for the account). The login handler then says
 *   how the password turned out: `loginFailed` (wrong, or no such account: the attempt stays
 *   counted) or `loginSucceeded` (right: the failures are forgotten, and a successful answer
 *   sets a fresh device cookie). A login that says neither, because a store failed or timed
 *   out on the way, has its attempt taken back by `onSend`: only wrong passwords count.
 *
 * Refusals are a `TooManyRequestsError`: 429 `{"detail": "Too Many Requests"}` with
 * `Retry-After` in seconds. Limits are keyed by the action, never by the URL, so no spelling
 * of a path (`//auth/jwt/login`, a trailing slash, another letter case, with the router
 * options that accept them) gets a fresh count.
 */
import type { FastifyReply, FastifyRequest, onRequestAsyncHookHandler, onSendHookHandler, preHandlerAsyncHookHandler } from 'fastify'
import type { AuthenticationBackend } from '../../authentication/backend.ts'
import { TooManyRequestsError } from '../../errors.ts'
import type { KeyMaterial } from '../../jwt/keys.ts'
import { clientAddressKey } from '../../security/client-address.ts'
import { parseAllowedOrigins } from '../../security/cross-site.ts'
import { DeviceProofs } from '../../security/device-proof.ts'
import { LoginThrottle, type LoginAttempt } from '../../security/login-throttle.ts'
import { MailThrottle, type ThrottledMail } from '../../security/mail-throttle.ts'
import { MemoryRateLimitStore } from '../../security/memory-store.ts'
import { SlidingWindowLimiter } from '../../security/sliding-window.ts'
import type { Authenticate } from '../guard.ts'
import { DEFAULT_MAX_JSON_DEPTH } from './body-parsing.ts'
import { refuseCrossSiteCookies, refuseCrossSiteLogin } from './cross-site.ts'
import { deviceCookie, type DeviceCookie } from './device-cookie.ts'
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
  /**
   * The login's password was wrong, or no active account has the email: the attempt stays
   * counted. Answers the lockout (seconds) this failure started, if it reached one.
   */
  loginFailed(request: FastifyRequest): number | null
  /** The login's password was right: its failures are forgotten; a 2xx answer sets a fresh device cookie. */
  loginSucceeded(request: FastifyRequest): Promise<void>
  /** A password reset succeeded: the account's failed logins are forgotten. */
  passwordReset(email: string): Promise<void>
  /**
   * A password check outside login (the current password of `PATCH /users/me`), counted by the
   * login throttle of `email` like a login: refused while the email must wait, else whether
   * `verify` said yes (a yes forgets the failures).
   */
  throttledPasswordCheck(email: string, verify: () => Promise<boolean>): Promise<{ allowed: false; retryAfterSeconds: number } | { allowed: true; verified: boolean }>
  /** Counts a request for a `kind` mail to `email`; false when the mail must not be sent. */
  mailAllowed(kind: ThrottledMail, email: string, request: FastifyRequest): Promise<boolean>
}

export interface RouteSecurityOptions {
  security?: SecurityOptions
  /** The secret device proofs are derived from when `security.trustedDevices.secret` is not given. */
  secret: KeyMaterial
  /**
   * The name a login's attempts count under, from the submitted login name: with usernames on,
   * the account's email for a username, so that one account has one count (issue 16).
   * Default: the login name as submitted.
   */
  loginName?: (login: string) => Promise<string>
}

/**
 * @example
 * const security = createRouteSecurity({ security: { rateLimit: { register: { limit: 20, windowSeconds: 3600 } } }, secret: SECRET })
 * app.post('/register', { ...security.routeHooks('register') }, handler)
 */
export function createRouteSecurity({ security: options = {}, secret, loginName }: RouteSecurityOptions): RouteSecurity {
  const store = options.store ?? new MemoryRateLimitStore()
  const limiter = new SlidingWindowLimiter(store)
  const mails = options.mailThrottle === false ? null : new MailThrottle({ ...options.mailThrottle, store })
  const allowedOrigins = options.csrf === false ? null : parseAllowedOrigins(options.csrf?.allowedOrigins ?? [])
  const devices = options.loginThrottle === false || options.trustedDevices === false ? null : (options.trustedDevices ?? {})
  const proofs = devices === null
    ? undefined
    : new DeviceProofs({ secret: devices.secret ?? DeviceProofs.deriveSecret(secret), lifetimeSeconds: devices.lifetimeSeconds })
  const cookie: DeviceCookie | null = devices === null ? null : deviceCookie(devices, proofs!.lifetimeSeconds)
  const throttle = options.loginThrottle === false
    ? null
    : new LoginThrottle({ store, policy: options.loginThrottle, devices: proofs, devicePolicy: devices?.throttle })
  /** Counted attempts whose login has not said yet how the password turned out. */
  const pending = new WeakMap<FastifyRequest, LoginAttempt>()
  /** Device proofs for the answers of logins whose password was right. */
  const issued = new WeakMap<FastifyRequest, string>()

  function addressLimit(action: ProtectedAction): onRequestAsyncHookHandler | null {
    const rule = rateLimitRule(options, action)
    if (rule === null) return null
    return async function rateLimit(request: FastifyRequest) {
      const verdict = await limiter.hit(`ip:${action}:${clientAddressKey(request.ip ?? '')}`, rule)
      if (!verdict.allowed) throw new TooManyRequestsError({ retryAfterSeconds: verdict.retryAfterSeconds })
    }
  }

  function loginHooks(): Pick<RouteHooks, 'preHandler' | 'onSend'> {
    if (throttle === null) return {}
    return {
      preHandler: async function loginThrottle(request: FastifyRequest) {
        const { username } = request.body as { username: string }
        const name = loginName === undefined ? username : await loginName(username)
        const attempt = await throttle.attempt(name, cookie?.read(request.headers.cookie))
        if (!attempt.allowed) throw new TooManyRequestsError({ retryAfterSeconds: attempt.retryAfterMs / 1000 })
        pending.set(request, attempt)
      },
      onSend: async function settleAttempt(request: FastifyRequest, reply: FastifyReply, payload: unknown) {
        const attempt = pending.get(request)
        if (attempt !== undefined) {
          pending.delete(request)
          try {
            await throttle.abandoned(attempt)
          } catch (error) {
            // The answer (already an error) stays as it is; the attempt merely stays counted.
            request.log.warn({ err: error }, 'a login attempt could not be taken back from the throttle')
          }
        }
        const proof = issued.get(request)
        if (proof !== undefined && cookie !== null && reply.statusCode < 300) reply.header('set-cookie', cookie.set(proof))
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
      if (allowedOrigins !== null && backend !== undefined && backend.transport.travelsInCookie) onRequest.push(refuseCrossSiteLogin(allowedOrigins))
      return { onRequest, ...loginHooks() }
    },
    guardAuthenticate(authenticate, backends) {
      return allowedOrigins === null ? authenticate : refuseCrossSiteCookies(authenticate, backends, allowedOrigins)
    },
    loginFailed(request) {
      const attempt = pending.get(request)
      pending.delete(request)
      const lockoutMs = attempt === undefined || throttle === null ? null : throttle.lockoutOf(attempt)
      return lockoutMs === null ? null : lockoutMs / 1000
    },
    async loginSucceeded(request) {
      const attempt = pending.get(request)
      if (attempt === undefined || throttle === null) return
      pending.delete(request)
      const proof = await throttle.succeeded(attempt)
      if (proof !== null) issued.set(request, proof)
    },
    async passwordReset(email) {
      await throttle?.forget(email)
    },
    async throttledPasswordCheck(email, verify) {
      if (throttle === null) return { allowed: true, verified: await verify() }
      const attempt = await throttle.attempt(email)
      if (!attempt.allowed) return { allowed: false, retryAfterSeconds: attempt.retryAfterMs / 1000 }
      let verified: boolean
      try {
        verified = await verify()
      } catch (error) {
        // Only a wrong password counts: a store that failed on the way takes the attempt back.
        await throttle.abandoned(attempt)
        throw error
      }
      if (verified) await throttle.succeeded(attempt)
      return { allowed: true, verified }
    },
    async mailAllowed(kind, email, request) {
      return mails === null || mails.allow(kind, email, request.ip ?? '')
    },
  }
}
