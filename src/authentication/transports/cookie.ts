/**
 * Cookie transport (CONTRACT §6.2). Login answers 204 with
 * `Set-Cookie: fastapiusersauth=<token>; HttpOnly; Max-Age=N; Path=/; SameSite=lax; Secure`,
 * attributes in Starlette's (alphabetical) order; logout answers 204 with the same attributes,
 * the literal value `""` and `Max-Age=0`. Defaults are upstream's: a session cookie (no
 * Max-Age) on `/`, no Domain, Secure, HttpOnly, SameSite=lax.
 */
import { readCookie } from './cookie-header.ts'
import type { SecurityScheme, TokenCarrier, Transport, TransportResponse } from '../transport.ts'

export interface CookieTransportOptions {
  /** Default `fastapiusersauth`, FastAPI Users' name. */
  cookieName?: string
  /** Seconds; `null` (the default) makes a session cookie. */
  cookieMaxAge?: number | null
  /** Default `/`. */
  cookiePath?: string
  /** Default `null`: the cookie goes back to the host that set it only. */
  cookieDomain?: string | null
  /** Default `true`; `false` for plain-HTTP development only. */
  cookieSecure?: boolean
  /** Default `true`: page scripts cannot read the token. */
  cookieHttpOnly?: boolean
  /** Default `lax`. */
  cookieSameSite?: 'lax' | 'strict' | 'none'
}

const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
const ATTRIBUTE_VALUE = /^[^;\x00-\x1f\x7f]*$/

/**
 * The token in an `HttpOnly` cookie, for browser front ends: login answers 204 and sets it,
 * logout clears it. Requests it authenticates are checked against cross-site forgery (an
 * `Origin` check, see SECURITY.md).
 *
 * @example
 * const cookie = new AuthenticationBackend({ name: 'cookie', transport: new CookieTransport({ cookieMaxAge: 3600 }), strategy })
 */
export class CookieTransport implements Transport {
  readonly travelsInCookie = true
  readonly cookieName: string
  readonly cookieMaxAge: number | null
  readonly #attributes: (maxAge: number | null) => string

  constructor(options: CookieTransportOptions = {}) {
    this.cookieName = options.cookieName ?? 'fastapiusersauth'
    this.cookieMaxAge = options.cookieMaxAge ?? null
    const path = options.cookiePath ?? '/'
    const domain = options.cookieDomain ?? null
    if (!COOKIE_NAME.test(this.cookieName)) throw new TypeError(`invalid cookie name: ${this.cookieName}`)
    if (!ATTRIBUTE_VALUE.test(path) || (domain !== null && !ATTRIBUTE_VALUE.test(domain))) {
      throw new TypeError('invalid cookie path or domain')
    }
    if (this.cookieMaxAge !== null && !(Number.isInteger(this.cookieMaxAge) && this.cookieMaxAge >= 0)) {
      throw new TypeError('cookieMaxAge must be a whole number of seconds')
    }
    const secure = options.cookieSecure ?? true
    const httpOnly = options.cookieHttpOnly ?? true
    const sameSite = options.cookieSameSite ?? 'lax'
    this.#attributes = (maxAge) =>
      [
        domain !== null ? `Domain=${domain}` : null,
        httpOnly ? 'HttpOnly' : null,
        maxAge !== null ? `Max-Age=${maxAge}` : null,
        `Path=${path}`,
        `SameSite=${sameSite}`,
        secure ? 'Secure' : null,
      ]
        .filter((attribute) => attribute !== null)
        .join('; ')
  }

  readToken(request: TokenCarrier): string | null {
    const value = readCookie(request.headers.cookie, this.cookieName)
    return value === null || value === '' ? null : value
  }

  loginResponse(token: string): TransportResponse {
    return { statusCode: 204, setCookies: [`${this.cookieName}=${token}; ${this.#attributes(this.cookieMaxAge)}`] }
  }

  logoutResponse(): TransportResponse {
    return { statusCode: 204, setCookies: [`${this.cookieName}=""; ${this.#attributes(0)}`] }
  }

  securityScheme(): SecurityScheme {
    return { type: 'apiKey', in: 'cookie', name: this.cookieName }
  }
}
