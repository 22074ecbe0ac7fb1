/**
 * The `security` option of `fastifyUsers()`: brute-force protection and the CSRF check, on by
 * default. The defaults are far above what a person or an ordinary client does (the FastAPI
 * Users conformance suite, about 200 logins and 150 registrations a minute from one address,
 * passes twice in a row), and far below what a guessing or flooding script needs.
 */
import type { KeyMaterial } from '../../jwt/keys.ts'
import type { BackoffPolicy } from '../../security/backoff.ts'
import type { MailThrottleOptions } from '../../security/mail-throttle.ts'
import type { RateLimitStore } from '../../security/rate-limit-store.ts'
import type { RateLimitRule } from '../../security/sliding-window.ts'

/**
 * The routes that take a password, an email or a token from anyone, and are limited. `refresh`
 * counts the session routes of every backend together: `/refresh` and `/logout-all`.
 */
export type ProtectedAction =
  | 'login' | 'register' | 'forgot-password' | 'reset-password' | 'request-verify-token' | 'verify' | 'refresh'
  | 'two-factor' | 'magic-link' | 'passkey'

export interface SecurityOptions {
  /**
   * Where the counters live: this process's memory by default. Several instances share their
   * counters through a `RedisRateLimitStore`.
   */
  store?: RateLimitStore
  /**
   * Requests per client address and action, over a sliding window; `false` turns all of them
   * (or one action's) off. Every login route of every backend shares the `login` limit. The
   * address is Fastify's `request.ip`: behind a reverse proxy, set Fastify's `trustProxy`, or
   * every client counts as the proxy.
   */
  rateLimit?: false | Partial<Record<ProtectedAction, RateLimitRule | false>>
  /** Failed-login throttling per submitted email (see `DEFAULT_LOGIN_BACKOFF`); `false` turns it off. */
  loginThrottle?: false | Partial<BackoffPolicy>
  /**
   * Device cookies (OWASP): a successful login sets a signed device cookie, and later logins
   * that carry it are throttled per device, apart from the attempts of everyone else, so that
   * an attacker cannot lock the user out. Needs the login throttle; `false` turns it off.
   */
  trustedDevices?: false | TrustedDevicesOptions
  /**
   * Reset-password and verification mails per recipient and per client address (see
   * `DEFAULT_MAIL_THROTTLE`), silently: the routes answer 202 either way. `false` turns it off.
   */
  mailThrottle?: false | MailThrottleOptions
  /**
   * The CSRF check of cookie-authenticated requests: a state-changing request whose `Origin`
   * (or `Sec-Fetch-Site`) shows another site than the server's own host or these origins is
   * refused with 403. `false` turns it off.
   */
  csrf?: false | { allowedOrigins?: string[] }
  /**
   * Levels of arrays and objects a JSON body may nest (default 32, `DEFAULT_MAX_JSON_DEPTH`);
   * a deeper body is a 422 before it is parsed.
   */
  maxJsonDepth?: number
}

export interface TrustedDevicesOptions {
  /**
   * The HMAC key of device proofs (at least 32 random bytes). Default: derived (HKDF) from the
   * manager's `resetPasswordTokenSecret`.
   */
  secret?: KeyMaterial
  /** How long a device stays trusted after its last successful login (default 90 days). */
  lifetimeSeconds?: number
  /** The schedule per trusted device (see `DEFAULT_DEVICE_BACKOFF`). */
  throttle?: Partial<BackoffPolicy>
  /** Default `fastify_users_device`. */
  cookieName?: string
  /** Default `/`; narrow it to the login routes' common prefix (`/auth`) if you like. */
  cookiePath?: string
  cookieDomain?: string | null
  /** Default true. */
  cookieSecure?: boolean
  /** Default `strict`: the cookie only ever serves logins from the application's own pages. */
  cookieSameSite?: 'lax' | 'strict' | 'none'
}

/** Per client address, per minute. */
export const DEFAULT_RATE_LIMITS: Readonly<Record<ProtectedAction, RateLimitRule>> = Object.freeze({
  'login': { limit: 600, windowSeconds: 60 },
  'register': { limit: 600, windowSeconds: 60 },
  'forgot-password': { limit: 300, windowSeconds: 60 },
  'reset-password': { limit: 300, windowSeconds: 60 },
  'request-verify-token': { limit: 300, windowSeconds: 60 },
  'verify': { limit: 300, windowSeconds: 60 },
  // As generous as login: a client refreshes every few minutes, and only a script comes near.
  'refresh': { limit: 600, windowSeconds: 60 },
  // The second step of a login; wrong codes are also throttled per user (src/two-factor/).
  'two-factor': { limit: 300, windowSeconds: 60 },
  // Requests and uses of magic links together, as forgot-password and reset-password are.
  'magic-link': { limit: 300, windowSeconds: 60 },
  // Login options and passkey logins together: two requests per login.
  'passkey': { limit: 600, windowSeconds: 60 },
})

/** The rule of `action`, or null when it is not limited. */
export function rateLimitRule(options: SecurityOptions, action: ProtectedAction): RateLimitRule | null {
  if (options.rateLimit === false) return null
  const rule = options.rateLimit?.[action]
  if (rule === false) return null
  const resolved = rule ?? DEFAULT_RATE_LIMITS[action]
  if (!(Number.isInteger(resolved.limit) && resolved.limit > 0 && resolved.windowSeconds > 0)) {
    throw new TypeError(`security.rateLimit.${action} needs a positive whole limit and a positive windowSeconds`)
  }
  return resolved
}
