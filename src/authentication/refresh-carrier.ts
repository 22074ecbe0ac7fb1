/**
 * How a refresh token travels, decided by the backend's transport:
 * - bearer (a transport whose token does not travel in a cookie): an extra `refresh_token`
 *   field of the login and refresh bodies, after `access_token` and `token_type` (FastAPI
 *   Users clients ignore it), and a `refresh_token` field of the refresh request body;
 * - cookie: a second cookie, HttpOnly, Max-Age = the refresh lifetime, scoped to the refresh
 *   route's path so that no other request carries it; logout clears it.
 */
import type { RefreshTokens } from '../refresh/refresh-tokens.ts'
import type { TokenCarrier, Transport, TransportResponse } from './transport.ts'
import { CookieTransport } from './transports/cookie.ts'

export interface RefreshCarrier {
  readonly kind: 'body' | 'cookie'
  /** The refresh token a refresh request presents, or `null`. */
  read(request: TokenCarrier, body: unknown): string | null
  /** Adds a refresh token to a login (or refresh) response. */
  attach(response: TransportResponse, token: string): TransportResponse
  /** Adds what ends the client's copy of the refresh token to a logout response. */
  clear(response: TransportResponse): TransportResponse
}

/**
 * The carrier of a backend's refresh tokens; `refreshPath` is the refresh route's URL path,
 * the refresh cookie's default scope.
 *
 * @example
 * const carrier = refreshCarrier(backend.transport, backend.refresh, '/auth/cookie/refresh')
 */
export function refreshCarrier(transport: Transport, refresh: RefreshTokens, refreshPath: string): RefreshCarrier {
  if (transport.travelsInCookie) return cookieCarrier(refresh, refreshPath)
  return {
    kind: 'body',
    read: (_request, body) => {
      const token = (body as { refresh_token?: unknown } | null | undefined)?.refresh_token
      return typeof token === 'string' && token !== '' ? token : null
    },
    attach: (response, token) => ({ ...response, body: { ...(response.body as object), refresh_token: token } }),
    clear: (response) => response,
  }
}

function cookieCarrier(refresh: RefreshTokens, refreshPath: string): RefreshCarrier {
  const options = refresh.cookie
  const cookie = new CookieTransport({
    cookieName: options.name ?? 'fastapiusersrefresh',
    cookieMaxAge: refresh.lifetimeSeconds,
    cookiePath: options.path ?? refreshPath,
    cookieDomain: options.domain ?? null,
    cookieSecure: options.secure ?? true,
    cookieHttpOnly: true,
    cookieSameSite: options.sameSite ?? 'strict',
  })
  const withCookies = (response: TransportResponse, extra: TransportResponse): TransportResponse => ({
    ...response,
    setCookies: [...(response.setCookies ?? []), ...(extra.setCookies ?? [])],
  })
  return {
    kind: 'cookie',
    read: (request) => cookie.readToken(request),
    attach: (response, token) => withCookies(response, cookie.loginResponse(token)),
    clear: (response) => withCookies(response, cookie.logoutResponse()),
  }
}
