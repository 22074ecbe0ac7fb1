/**
 * Where a refresh token travels (src/authentication/refresh-carrier.ts): in the body beside a
 * bearer token (`refresh_token`), or in a second cookie beside a cookie token, scoped to the
 * refresh route, HttpOnly always, SameSite=strict and Secure by default.
 */
import { describe, expect, it } from 'vitest'
import { refreshCarrier } from '../src/authentication/refresh-carrier.ts'
import { BearerTransport } from '../src/authentication/transports/bearer.ts'
import { CookieTransport } from '../src/authentication/transports/cookie.ts'
import { MemoryRefreshTokenStore } from '../src/refresh/memory-store.ts'
import { RefreshTokens, type RefreshCookieOptions } from '../src/refresh/refresh-tokens.ts'

const refreshTokens = (cookie?: RefreshCookieOptions) => new RefreshTokens({ store: new MemoryRefreshTokenStore(), lifetimeSeconds: 600, cookie })

describe('the refresh token beside a bearer token', () => {
  const carrier = refreshCarrier(new BearerTransport({ tokenUrl: 'auth/jwt/login' }), refreshTokens(), '/auth/jwt/refresh')

  it('travels in the body, after the FastAPI Users fields', () => {
    expect(carrier.kind).toBe('body')
    const login = new BearerTransport({ tokenUrl: 'x' }).loginResponse('ACCESS')
    const attached = carrier.attach(login, 'REFRESH')
    expect(attached).toEqual({ statusCode: 200, body: { access_token: 'ACCESS', token_type: 'bearer', refresh_token: 'REFRESH' } })
    expect(Object.keys(attached.body as object)).toEqual(['access_token', 'token_type', 'refresh_token'])
    expect(login.body).toEqual({ access_token: 'ACCESS', token_type: 'bearer' })
  })

  it('is read from the refresh_token field only when it is a non-empty string', () => {
    expect(carrier.read({ headers: {} }, { refresh_token: 'R' })).toBe('R')
    for (const body of [{ refresh_token: '' }, { refresh_token: 1 }, { refresh_token: ['R'] }, {}, null, undefined]) {
      expect(carrier.read({ headers: { cookie: 'fastapiusersrefresh=R' } }, body), JSON.stringify(body)).toBeNull()
    }
  })

  it('leaves a logout answer as it is', () => {
    const response = { statusCode: 204 }
    expect(carrier.clear(response)).toBe(response)
  })
})

describe('the refresh token beside a cookie token', () => {
  it('travels in an HttpOnly, Secure, SameSite=strict cookie on the refresh route, as long as it lives', () => {
    const carrier = refreshCarrier(new CookieTransport(), refreshTokens(), '/auth/cookie/refresh')
    expect(carrier.kind).toBe('cookie')
    const login = new CookieTransport().loginResponse('ACCESS')
    expect(carrier.attach(login, 'REFRESH')).toEqual({
      statusCode: 204,
      setCookies: [
        'fastapiusersauth=ACCESS; HttpOnly; Path=/; SameSite=lax; Secure',
        'fastapiusersrefresh=REFRESH; HttpOnly; Max-Age=600; Path=/auth/cookie/refresh; SameSite=strict; Secure',
      ],
    })
    expect(carrier.clear(new CookieTransport().logoutResponse())).toEqual({
      statusCode: 204,
      setCookies: [
        'fastapiusersauth=""; HttpOnly; Max-Age=0; Path=/; SameSite=lax; Secure',
        'fastapiusersrefresh=""; HttpOnly; Max-Age=0; Path=/auth/cookie/refresh; SameSite=strict; Secure',
      ],
    })
  })

  it('adds its cookie to an answer that sets none', () => {
    const carrier = refreshCarrier(new CookieTransport(), refreshTokens(), '/r')
    expect(carrier.attach({ statusCode: 204 }, 'R').setCookies).toEqual(['fastapiusersrefresh=R; HttpOnly; Max-Age=600; Path=/r; SameSite=strict; Secure'])
    expect(carrier.clear({ statusCode: 204 }).setCookies).toEqual(['fastapiusersrefresh=""; HttpOnly; Max-Age=0; Path=/r; SameSite=strict; Secure'])
  })

  it("honours the cookie options, and stays HttpOnly whatever the access token's cookie does", () => {
    const options = { name: 'rt', path: '/elsewhere', domain: 'example.com', secure: false, sameSite: 'lax' } as const
    const carrier = refreshCarrier(new CookieTransport({ cookieHttpOnly: false }), refreshTokens(options), '/r')
    expect(carrier.attach({ statusCode: 204 }, 'R').setCookies).toEqual(['rt=R; Domain=example.com; HttpOnly; Max-Age=600; Path=/elsewhere; SameSite=lax'])
  })

  it('is read from its own cookie, never from the body', () => {
    const carrier = refreshCarrier(new CookieTransport(), refreshTokens({ name: 'rt' }), '/r')
    expect(carrier.read({ headers: { cookie: 'fastapiusersauth=A; rt=R' } }, { refresh_token: 'B' })).toBe('R')
    expect(carrier.read({ headers: { cookie: 'fastapiusersauth=A' } }, { refresh_token: 'B' })).toBeNull()
  })
})
