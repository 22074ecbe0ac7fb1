/**
 * The OAuth CSRF cookie (CONTRACT §5.6, the fix of CVE-2025-68481): `/authorize` sets
 * `fastapiusersoauthcsrf=<token>; HttpOnly; Max-Age=3600; Path=/; SameSite=lax; Secure` and puts
 * the same token in the state; the callback accepts a state only from the browser that holds
 * the matching cookie, so an attacker cannot make a victim's browser finish the attacker's
 * login (login CSRF). The callback then clears the cookie, with the same attributes.
 *
 * The cookie is written by a `CookieTransport`, which already knows Starlette's attribute
 * order and validates names and attributes.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import { CookieTransport } from '../authentication/transports/cookie.ts'
import type { TokenCarrier } from '../authentication/transport.ts'
import { OAUTH_STATE_LIFETIME_SECONDS } from './state.ts'

export interface OAuthCsrfCookieOptions {
  /** Default `fastapiusersoauthcsrf`. */
  name?: string
  /** Default `/`. */
  path?: string
  /** Default none (host-only). */
  domain?: string | null
  /** Default true. */
  secure?: boolean
  /** Default true. */
  httpOnly?: boolean
  /** Seconds; default the state token's lifetime, which the cookie must outlive no more than it. */
  maxAge?: number
  /** Default `lax`: the provider's redirect back is a top-level navigation, which carries it. */
  sameSite?: 'lax' | 'strict' | 'none'
}

export class OAuthCsrfCookie {
  readonly name: string
  readonly #cookie: CookieTransport

  /**
   * @example
   * const cookie = new OAuthCsrfCookie({ secure: process.env.NODE_ENV === 'production' })
   */
  constructor(options: OAuthCsrfCookieOptions = {}) {
    this.name = options.name ?? 'fastapiusersoauthcsrf'
    this.#cookie = new CookieTransport({
      cookieName: this.name,
      cookieMaxAge: options.maxAge ?? OAUTH_STATE_LIFETIME_SECONDS,
      cookiePath: options.path ?? '/',
      cookieDomain: options.domain ?? null,
      cookieSecure: options.secure ?? true,
      cookieHttpOnly: options.httpOnly ?? true,
      cookieSameSite: options.sameSite ?? 'lax',
    })
  }

  /** The `Set-Cookie` value that sets the token. */
  set(csrftoken: string): string {
    return this.#cookie.loginResponse(csrftoken).setCookies![0]!
  }

  /** The `Set-Cookie` value that clears the cookie. */
  clear(): string {
    return this.#cookie.logoutResponse().setCookies![0]!
  }

  /** The cookie's value in a request, or `null`. */
  read(request: TokenCarrier): string | null {
    return this.#cookie.readToken(request)
  }
}

/**
 * Whether the state's CSRF token and the cookie's are the same. Both sides are hashed first so
 * that the comparison takes the same time whatever their lengths and contents.
 *
 * @example
 * if (!csrfTokensMatch(state.csrftoken, cookie.read(request))) throw new UsersError(ErrorCode.OAUTH_INVALID_STATE)
 */
export function csrfTokensMatch(fromState: string | null, fromCookie: string | null): boolean {
  if (fromState === null || fromCookie === null || fromState === '') return false
  const digest = (value: string) => createHash('sha256').update(value).digest()
  return timingSafeEqual(digest(fromState), digest(fromCookie))
}
